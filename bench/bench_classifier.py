"""Benchmarks of the text classifier; prints numbers, asserts nothing.

1. Throughput on SMS spam: our training (length-bucketed batches, each padded only to its own longest
   text, packed through the LSTM) against a plain loop that pads every text to 128 tokens and runs the
   LSTM over all of them. Same model (2-layer BiLSTM, embedding 128, hidden 256, masked max pooling),
   same split, vocabulary, optimiser, schedule and epochs. The two trainers alternate epoch by epoch so a
   busy machine slows both alike. Throughput = real (unpadded) tokens per second of training, by wall
   clock and by CPU time (CPU time is steadier on a shared machine). Goal: ratio >= 4, our accuracy at
   least the plain loop's.
2. Accuracy with default settings against TF-IDF + logistic regression (word 1-2-grams for English,
   character 1-2-grams for Chinese, C=10) on the same stratified split (seed 0), on both datasets.

Usage: python bench/bench_classifier.py [--quick] [--data-dir ../shared/data] [--threads 1]
                                       [--part all|throughput|accuracy]
scikit-learn (bench/requirements.txt) is needed for part 2 only.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from core.classifier.batching import bucket_batches, collate  # noqa: E402
from core.classifier.evaluate import accuracy, macro_f1, predict_probabilities  # noqa: E402
from core.classifier.model import ClassifierConfig, TextClassifier  # noqa: E402
from core.classifier.prepare import prepare_data, split_data  # noqa: E402
from core.classifier.training import TrainingConfig, _schedule, train_classifier  # noqa: E402
from core.device import select_device  # noqa: E402
from core.textdata.dataset import LabeledTexts  # noqa: E402
from core.textdata.loading import read_path  # noqa: E402

DATASETS = {"sms_spam_en.csv": "word", "chnsenticorp_htl_zh.csv": "char"}  # file -> TF-IDF analyzer
PLAIN_LENGTH = 128


def load(data_dir: Path, name: str, limit: int | None) -> LabeledTexts:
    data = LabeledTexts.from_table(read_path(data_dir / name), "text", "label")
    if limit is not None and limit < len(data):
        keep = np.random.default_rng(0).permutation(len(data))[:limit]
        data = data.subset(sorted(keep.tolist()))
    return data


def plain_logits(model: TextClassifier, token_ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """The plain loop's forward: the LSTM runs over every position of the padded batch (no packing)."""
    outputs, _ = model.rnn(model.embedding(token_ids))  # (batch, 128, 2*hidden), pads computed too
    mask = torch.arange(token_ids.shape[1], device=token_ids.device)[None, :] < lengths[:, None].to(token_ids.device)
    pooled = outputs.masked_fill(~mask[..., None], float("-inf")).max(dim=1).values  # (batch, 2*hidden)
    return model.classifier(model.dropout(pooled))


def run_epoch(model, optimizer, scheduler, sequences, labels, batches, device, padded_to: int | None):
    """Train one epoch; returns (real tokens, wall seconds, CPU seconds)."""
    model.train()
    real_tokens, wall, cpu = 0, 0.0, 0.0
    for indices in batches:
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        token_ids, lengths = collate(sequences, indices)  # (batch, longest), (batch,)
        if padded_to is not None:
            token_ids = nn.functional.pad(token_ids, (0, padded_to - token_ids.shape[1]))  # (batch, 128)
            logits = plain_logits(model, token_ids.to(device), lengths)
        else:
            logits = model(token_ids.to(device), lengths)
        loss = nn.functional.cross_entropy(logits, torch.from_numpy(labels[indices]).to(device))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        loss.item()
        wall += time.perf_counter() - wall_start
        cpu += time.process_time() - cpu_start
        real_tokens += int(lengths.sum())
    return real_tokens, wall, cpu


def throughput(data: LabeledTexts, epochs: int, device: torch.device) -> dict:
    prepared = prepare_data(data, min_freq=2, max_length=PLAIN_LENGTH)
    config = ClassifierConfig(vocab_size=len(prepared.vocabulary), num_classes=len(prepared.label_names),
                              cell="lstm", bidirectional=True, num_layers=2, embed_size=128, hidden_size=256,
                              dropout=0.3, pooling="max")
    batch_size = 32
    steps = math.ceil(len(prepared.train_ids) / batch_size) * epochs
    lengths = [len(ids) for ids in prepared.train_ids]
    trainers = {}
    for name in ("bucketed_packed", "plain_padded_128"):
        torch.manual_seed(0)
        model = TextClassifier(config).to(device)
        optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, _schedule(steps, 0.1))
        trainers[name] = {"model": model, "optimizer": optimizer, "scheduler": scheduler,
                          "rng": np.random.default_rng(0), "tokens": 0, "wall": 0.0, "cpu": 0.0}
    for epoch in range(epochs):
        for name, trainer in trainers.items():
            if name == "bucketed_packed":
                batches, padded_to = bucket_batches(lengths, batch_size, trainer["rng"]), None
            else:
                order = trainer["rng"].permutation(len(lengths))
                batches = [order[start:start + batch_size] for start in range(0, len(order), batch_size)]
                padded_to = PLAIN_LENGTH
            tokens, wall, cpu = run_epoch(trainer["model"], trainer["optimizer"], trainer["scheduler"],
                                          prepared.train_ids, prepared.train_y, batches, device, padded_to)
            trainer["tokens"] += tokens
            trainer["wall"] += wall
            trainer["cpu"] += cpu
            print(f"  epoch {epoch + 1} {name}: {tokens / wall:,.0f} real tokens/s ({wall:.1f}s)", file=sys.stderr)
    results = {}
    for name, trainer in trainers.items():
        probabilities, _ = predict_probabilities(trainer["model"], prepared.val_ids, device=device)
        predicted = probabilities.argmax(axis=1)
        results[name] = {"tokens_per_second": trainer["tokens"] / trainer["wall"],
                         "tokens_per_cpu_second": trainer["tokens"] / trainer["cpu"],
                         "train_seconds": trainer["wall"],
                         "val_accuracy": accuracy(prepared.val_y, predicted),
                         "val_macro_f1": macro_f1(prepared.val_y, predicted, len(prepared.label_names))}
    ours, plain = results["bucketed_packed"], results["plain_padded_128"]
    results["ratio_wall"] = ours["tokens_per_second"] / plain["tokens_per_second"]
    results["ratio_cpu"] = ours["tokens_per_cpu_second"] / plain["tokens_per_cpu_second"]
    return results


def tfidf_baseline(data: LabeledTexts, analyzer: str, seed: int = 0) -> dict:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    train_texts, train_labels, val_texts, val_labels = split_data(data, 0.2, seed)
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), analyzer=analyzer, sublinear_tf=True)
    classifier = LogisticRegression(C=10, max_iter=3000)
    classifier.fit(vectorizer.fit_transform(train_texts), train_labels)
    predicted = classifier.predict(vectorizer.transform(val_texts))
    names = sorted(set(train_labels) | set(val_labels))
    to_id = {name: index for index, name in enumerate(names)}
    true_ids, predicted_ids = [to_id[x] for x in val_labels], [to_id[x] for x in predicted]
    return {"val_accuracy": accuracy(true_ids, predicted_ids),
            "val_macro_f1": macro_f1(true_ids, predicted_ids, len(names))}


def accuracy_part(data_dir: Path, quick: bool, threads: int) -> dict:
    results = {}
    for name, analyzer in DATASETS.items():
        data = load(data_dir, name, 1500 if quick else None)
        config = TrainingConfig(epochs=None, patience=None, num_threads=threads)  # the CLI's defaults
        if quick:
            config = replace(config, epochs=2)
        started = time.perf_counter()
        ours = asdict(train_classifier(data, config).metrics)
        print(f"  {name}: ours {ours['val_accuracy']:.4f} in {time.perf_counter() - started:.0f}s", file=sys.stderr)
        results[name] = {
            "ours": {key: ours[key] for key in ("val_accuracy", "val_macro_f1", "epochs", "best_epoch", "seconds",
                                                "train_tokens_per_second", "max_length", "vocab_size")},
            "tfidf_logreg": tfidf_baseline(data, analyzer),
            "texts": len(data),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="subsets and fewer epochs: a smoke run")
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    parser.add_argument("--epochs", type=int, default=None, help="throughput epochs (default 3, quick 1)")
    parser.add_argument("--part", choices=["all", "throughput", "accuracy"], default="all")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = select_device()
    report = {"device": str(device), "threads": args.threads, "quick": args.quick}
    if args.part in ("all", "throughput"):
        print("1. throughput (SMS spam, 2-layer BiLSTM 128/256)", file=sys.stderr)
        data = load(args.data_dir, "sms_spam_en.csv", 1500 if args.quick else None)
        result = throughput(data, args.epochs or (1 if args.quick else 3), device)
        report["throughput"] = result
        for name in ("bucketed_packed", "plain_padded_128"):
            row = result[name]
            print(f"{name:>18}: {row['tokens_per_second']:>9,.0f} real tokens/s (wall), "
                  f"{row['tokens_per_cpu_second']:>9,.0f} per CPU-second, accuracy {row['val_accuracy']:.4f}, "
                  f"macro-F1 {row['val_macro_f1']:.4f}")
        print(f"{'ratio':>18}: {result['ratio_wall']:.2f}x wall, {result['ratio_cpu']:.2f}x CPU (goal >= 4)")
    if args.part in ("all", "accuracy"):
        print("2. accuracy, default settings vs TF-IDF + logistic regression", file=sys.stderr)
        report["accuracy"] = accuracy_part(args.data_dir, args.quick, args.threads)
        for name, row in report["accuracy"].items():
            print(f"{name:>24}: ours {row['ours']['val_accuracy']:.4f} (macro-F1 {row['ours']['val_macro_f1']:.4f}, "
                  f"{row['ours']['epochs']} epochs, {row['ours']['seconds']:.0f}s)  tf-idf+LR "
                  f"{row['tfidf_logreg']['val_accuracy']:.4f} (macro-F1 {row['tfidf_logreg']['val_macro_f1']:.4f})")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
