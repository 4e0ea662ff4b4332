"""Benchmarks of the text classifier; prints numbers, asserts nothing.

1. Throughput on SMS spam, real (unpadded) tokens per second of training, side by side:
   - ours: `train_classifier` at the command line's defaults (length-bucketed batches, each padded only to
     its own longest text; the machine's cores);
   - dense limit: the same model's forward + backward + clip + AdamW step on dense batches with no padding
     at all, every text as long as the data's median text, same batch size and threads. No training loop
     can beat it, so ours / dense is the share of the kernel's speed the loop keeps (goal >= 0.9);
   - pad-to-128: a plain loop that pads every text to 128 tokens and runs the recurrent layer over all of them.
2. Accuracy with default settings against TF-IDF (word 1-2-grams + character 1-4-grams) + logistic
   regression (C=10) fitted by `train_classifier` on the same stratified split, on both datasets.

Usage: python bench/bench_classifier.py [--quick] [--data-dir ../shared/data] [--threads N]
                                       [--model default|large] [--part all|throughput|accuracy]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from core.classifier.batching import collate, collate_ngrams, collate_subwords  # noqa: E402
from core.classifier.model import TextClassifier  # noqa: E402
from core.classifier.prepare import prepare_data  # noqa: E402
from core.classifier.training import (TrainingConfig, classifier_config, make_optimizer,  # noqa: E402
                                      ngram_inputs, subword_inputs, train_classifier)
from core.textdata.dataset import LabeledTexts  # noqa: E402
from core.textdata.loading import read_path  # noqa: E402
from core.textdata.subwords import token_ngrams  # noqa: E402
from core.train import default_threads  # noqa: E402

DATASETS = ("sms_spam_en.csv", "chnsenticorp_htl_zh.csv")
PLAIN_LENGTH = 128
MODELS = {"default": {}, "large": {"num_layers": 2, "hidden_size": 256}}  # large: the 2-layer BiLSTM


def load(data_dir: Path, name: str, limit: int | None) -> LabeledTexts:
    data = LabeledTexts.from_table(read_path(data_dir / name), "text", "label")
    if limit is not None and limit < len(data):
        keep = np.random.default_rng(0).permutation(len(data))[:limit]
        data = data.subset(sorted(keep.tolist()))
    return data


def _model(config: TrainingConfig, prepared) -> TextClassifier:
    """The model `train_classifier` builds for this data and config (pair embeddings sized the same way)."""
    torch.manual_seed(0)
    return TextClassifier(classifier_config(config, prepared))


def _step(model, optimizer, logits, targets) -> None:
    loss = nn.functional.cross_entropy(logits, targets)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    loss.item()


def dense_limit(config: TrainingConfig, prepared, steps: int) -> float:
    """Real tokens/s of forward+backward+step on (batch, median length) batches without any padding (and, for a
    model with character n-gram embeddings, every token with the training tokens' mean number of n-grams; with a
    linear n-gram path, every text with the training texts' mean number of n-grams)."""
    model = _model(config, prepared).train()
    buckets, ngram_buckets = model.config.subword_buckets, model.config.ngram_buckets
    ngrams, _ = ngram_inputs(prepared, model.config, config.lowercase)
    ngram_width = max(1, round(np.mean([len(row) for row in ngrams]))) if ngrams else 1
    width = max(1, round(np.mean([len(token_ngrams(token)) for tokens in prepared.train_tokens for token in tokens])))
    optimizer = make_optimizer(model, config, torch.device("cpu"))
    length = int(np.median([len(ids) for ids in prepared.train_ids]))
    rng = np.random.default_rng(0)
    lengths = torch.full((config.batch_size,), length, dtype=torch.int64)
    tokens, seconds = 0, 0.0
    for step in range(steps + 3):
        token_ids = torch.from_numpy(rng.integers(2, len(prepared.vocabulary), (config.batch_size, length)))
        targets = torch.from_numpy(rng.integers(0, len(prepared.label_names), config.batch_size))
        subword_ids = (torch.from_numpy(rng.integers(1, buckets, (config.batch_size, length, width)))
                       if buckets else None)
        ngram_ids = (torch.from_numpy(rng.integers(1, ngram_buckets, (config.batch_size, ngram_width)))
                     if ngram_buckets else None)
        started = time.perf_counter()
        _step(model, optimizer, model(token_ids, lengths, subword_ids, ngram_ids), targets)
        if step >= 3:  # the first steps allocate
            seconds += time.perf_counter() - started
            tokens += config.batch_size * length
    return tokens / seconds


def padded_loop(config: TrainingConfig, prepared, steps: int) -> float:
    """Real tokens/s of a loop that pads every text to 128 tokens and runs the recurrent layer over all."""
    model = _model(config, prepared).train()
    optimizer = make_optimizer(model, config, torch.device("cpu"))
    order = np.random.default_rng(0).permutation(len(prepared.train_ids))
    subwords, _ = subword_inputs(prepared, model.config)
    ngrams, _ = ngram_inputs(prepared, model.config, config.lowercase)
    tokens, seconds = 0, 0.0
    for step in range(steps):
        indices = order[(step * config.batch_size) % len(order):][:config.batch_size]
        token_ids, lengths = collate(prepared.train_ids, indices)
        started = time.perf_counter()
        token_ids = nn.functional.pad(token_ids, (0, PLAIN_LENGTH - token_ids.shape[1]))  # (batch, 128)
        subword_ids = collate_subwords(subwords, indices, PLAIN_LENGTH) if subwords else None
        outputs, _ = model.rnn(model.embed(token_ids, subword_ids))  # pads computed too
        mask = (torch.arange(PLAIN_LENGTH)[None, :] < lengths[:, None])[..., None]  # (batch, 128, 1)
        pooled = torch.cat([outputs.masked_fill(~mask, float("-inf")).max(dim=1).values,
                            (outputs * mask).sum(dim=1) / lengths[:, None]], dim=-1)  # max and mean
        pooled = pooled[:, :model.config.pooled_size]  # one pooling: its cost, not its kind, matters here
        logits = model.classifier(model.dropout(pooled))
        if ngrams:
            logits = logits + model.linear_logits(collate_ngrams(ngrams, indices))
        _step(model, optimizer, logits, torch.from_numpy(prepared.train_y[indices]))
        seconds += time.perf_counter() - started
        tokens += int(lengths.sum())
    return tokens / seconds


def throughput(data: LabeledTexts, config: TrainingConfig, steps: int) -> dict:
    prepared = prepare_data(data, lowercase=config.lowercase, min_freq=config.min_freq,
                            max_vocab_size=config.max_vocab_size, seed=config.seed)
    dense_before = dense_limit(config, prepared, steps)
    result = train_classifier(data, config)
    dense_after = dense_limit(config, prepared, steps)  # before and after: a busy machine slows both alike
    padded = padded_loop(config, prepared, steps)
    ours, dense = result.metrics.train_tokens_per_second, (dense_before + dense_after) / 2
    return {"ours": ours, "dense_limit": dense, "dense_before": dense_before, "dense_after": dense_after,
            "pad_to_128": padded, "ours_over_dense": ours / dense, "ours_over_padded": ours / padded,
            "median_length": int(np.median([len(ids) for ids in prepared.train_ids])),
            "val_accuracy": result.metrics.val_accuracy, "epochs": result.metrics.epochs}


def accuracy_part(data_dir: Path, quick: bool, threads: int) -> dict:
    results = {}
    for name in DATASETS:
        data = load(data_dir, name, 1500 if quick else None)
        config = TrainingConfig(epochs=None, patience=None, num_threads=threads)  # the CLI's defaults
        if quick:
            config = replace(config, epochs=2)
        result = train_classifier(data, config)
        results[name] = {"ours_accuracy": result.metrics.val_accuracy, "ours_macro_f1": result.metrics.val_macro_f1,
                         "ours_seconds": result.metrics.seconds, "epochs": result.metrics.epochs,
                         "baseline_accuracy": result.baseline.accuracy, "baseline_macro_f1": result.baseline.macro_f1,
                         "baseline_seconds": result.baseline.seconds, "texts": len(data)}
        print(f"  {name}: ours {result.metrics.val_accuracy:.4f}, baseline {result.baseline.accuracy:.4f}",
              file=sys.stderr)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="subsets and fewer epochs: a smoke run")
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--threads", type=int, default=default_threads(), help="torch CPU threads (the CLI's)")
    parser.add_argument("--model", choices=sorted(MODELS), default="default",
                        help="default: the CLI's model; large: 2-layer BiLSTM, hidden 256")
    parser.add_argument("--part", choices=["all", "throughput", "accuracy"], default="all")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    report = {"threads": args.threads, "quick": args.quick, "model": args.model}
    if args.part in ("all", "throughput"):
        data = load(args.data_dir, "sms_spam_en.csv", 1500 if args.quick else None)
        config = TrainingConfig(epochs=1 if args.quick else 2, patience=None, baseline=False,
                                num_threads=args.threads, device="cpu", **MODELS[args.model])
        row = throughput(data, config, steps=40 if args.quick else 120)
        report["throughput"] = row
        print(f"1. throughput, SMS spam, {args.model} model, {args.threads} threads, batch {config.batch_size}, "
              f"median text {row['median_length']} tokens (real tokens/s)")
        print(f"{'ours (CLI defaults)':>22}: {row['ours']:>9,.0f}")
        print(f"{'dense limit':>22}: {row['dense_limit']:>9,.0f}  (before {row['dense_before']:,.0f}, "
              f"after {row['dense_after']:,.0f})")
        print(f"{'pad-to-128 loop':>22}: {row['pad_to_128']:>9,.0f}")
        print(f"{'ours / dense':>22}: {row['ours_over_dense']:.2f} (goal >= 0.90)   ours / pad-to-128: "
              f"{row['ours_over_padded']:.2f}x")
    if args.part in ("all", "accuracy"):
        report["accuracy"] = accuracy_part(args.data_dir, args.quick, args.threads)
        print("2. accuracy, default settings vs TF-IDF + logistic regression on the same split")
        for name, row in report["accuracy"].items():
            print(f"{name:>24}: ours {row['ours_accuracy']:.4f} (macro-F1 {row['ours_macro_f1']:.4f}, "
                  f"{row['epochs']} epochs, {row['ours_seconds']:.0f}s)  baseline {row['baseline_accuracy']:.4f} "
                  f"(macro-F1 {row['baseline_macro_f1']:.4f}, {row['baseline_seconds']:.1f}s)")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
