"""Do the defaults generalise? Settings against the TF-IDF + logistic-regression baseline on tasks of other shapes.

The app is judged on datasets it has never seen (short English sentences, questions by type, Chinese news titles
of ~19 characters with 10 classes), so its defaults must not be tuned to the two shared datasets. This harness
derives tasks whose *shape* differs from them — short texts, small training sets, more classes — and compares
settings with the baseline on stratified 80/20 splits over several seeds, exactly as the app reports them
(``train_classifier``'s validation accuracy beside the baseline fitted on the same split):

- ``zh-short``: the first 18 characters of 2,000 ChnSentiCorp reviews (title-length Chinese, 2 classes);
- ``zh-small``: the first 60 characters of 800 ChnSentiCorp reviews (a small Chinese training set);
- ``en-short``: the first 40 characters of 2,000 SMS (short English sentences, 2 classes);
- ``en-small``: 600 whole SMS (a small English training set);
- ``mixed-4``: the first 20 characters of 500 texts from each of SMS ham, SMS spam, positive and negative
  ChnSentiCorp reviews (4 classes, two scripts in one vocabulary).

Each seed draws its own subset and split. One torch thread per run keeps the numbers comparable on a busy machine.

Usage: python bench/bench_generalise.py [--configs default,bigrams,...] [--tasks zh-short,...] [--seeds 0,1,2]
                                        [--data-dir ../shared/data]
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

from core.classifier import settings  # noqa: E402
from core.classifier.training import TrainingConfig, train_classifier  # noqa: E402
from core.textdata.dataset import LabeledTexts  # noqa: E402
from core.textdata.loading import read_path  # noqa: E402

# Named settings: overrides of the command line's defaults (TrainingConfig with automatic epochs and patience);
# `_`-prefixed keys set module constants of core.classifier.settings for the run. The rows before the n-gram ones
# were measured against defaults without the linear n-gram path (add "ngram_buckets": 0 to repeat them).
CONFIGS: dict[str, dict] = {
    "default": {},
    "old": {"bigram_buckets": 0, "pooling": "max", "embedding_dropout": 0.0, "weight_decay": 0.01,
            "subword_buckets": 0, "ngram_buckets": 0},
    "bigrams": {"bigram_buckets": None},
    "max_mean": {"pooling": "max_mean"},
    "embed_drop": {"embedding_dropout": 0.2},
    "decay": {"weight_decay": 0.1},
    "bigrams_8k": {"bigram_buckets": 8192},
    "min_freq1": {"min_freq": 1},
    "bigrams_max_mean": {"bigram_buckets": None, "pooling": "max_mean"},
    "bigrams_embed_drop": {"bigram_buckets": None, "embedding_dropout": 0.2},
    "no_subwords": {"subword_buckets": 0},
    "subwords": {"subword_buckets": None},
    "subwords_8k": {"subword_buckets": 8192},
    "subwords_32k": {"subword_buckets": 32768},
    "subwords_bigrams": {"subword_buckets": None, "bigram_buckets": None},
    "subwords_e12": {"subword_buckets": None, "epochs": 12, "patience": 4},
    "subwords_min1": {"subword_buckets": None, "min_freq": 1},
    "steps600": {"_MIN_STEPS": 600},
    "steps1000": {"_MIN_STEPS": 1000},
    "steps600_p150": {"_MIN_STEPS": 600, "_PATIENCE_STEPS": 150},
    "steps1000_p200": {"_MIN_STEPS": 1000, "_PATIENCE_STEPS": 200},
    "wide": {"wide": True},
    "wide_steps600": {"wide": True, "_MIN_STEPS": 600},
    "wide_steps1000_p200": {"wide": True, "_MIN_STEPS": 1000, "_PATIENCE_STEPS": 200},
    "wide_steps1500_p300": {"wide": True, "_MIN_STEPS": 1500, "_PATIENCE_STEPS": 300},
    "wide_bigrams_steps1000_p200": {"wide": True, "bigram_buckets": None, "_MIN_STEPS": 1000,
                                    "_PATIENCE_STEPS": 200},
    "wide_subwords_steps1000_p200": {"wide": True, "subword_buckets": None, "_MIN_STEPS": 1000,
                                     "_PATIENCE_STEPS": 200},
    # the linear n-gram path (issue 13), its training constants spelt out: "default" is ngrams_aux
    # (ngrams_aux_lr3 before the scale was chosen on 10 seeds; ngram_scale* change only the default's scale)
    "no_ngrams": {"ngram_buckets": 0},
    "ngrams_plain": {"ngram_buckets": None, "_NGRAM_LR_SCALE": 1.0, "_NGRAM_WEIGHT_DECAY": 0.1,
                     "_NGRAM_AUX_LOSS": 0.0},
    "ngrams_lr10": {"ngram_buckets": None, "_NGRAM_LR_SCALE": 10.0, "_NGRAM_WEIGHT_DECAY": 0.0,
                    "_NGRAM_AUX_LOSS": 0.0},
    "ngrams_aux": {"ngram_buckets": None, "_NGRAM_LR_SCALE": 10.0, "_NGRAM_WEIGHT_DECAY": 0.0,
                   "_NGRAM_AUX_LOSS": 1.0},
    "ngrams_aux_drop": {"ngram_buckets": None, "_NGRAM_LR_SCALE": 10.0, "_NGRAM_WEIGHT_DECAY": 0.0,
                        "_NGRAM_AUX_LOSS": 1.0, "_NGRAM_DROPOUT": 0.5},
    "ngrams_aux_lr3": {"ngram_buckets": None, "_NGRAM_LR_SCALE": 3.0, "_NGRAM_WEIGHT_DECAY": 0.0,
                       "_NGRAM_AUX_LOSS": 1.0},
    "ngram_scale3": {"_NGRAM_LR_SCALE": 3.0},
    "ngram_scale5": {"_NGRAM_LR_SCALE": 5.0},
    "ngram_scale10": {"_NGRAM_LR_SCALE": 10.0},
}


def _table(data_dir: Path, name: str) -> LabeledTexts:
    return LabeledTexts.from_table(read_path(data_dir / name), "text", "label")


def _sample(texts, labels, size: int, rng, prefix: int | None) -> tuple[list[str], list[str]]:
    order = rng.permutation(len(texts))[:size]
    return ([texts[i][:prefix] if prefix else texts[i] for i in order], [labels[i] for i in order])


def derive(task: str, data_dir: Path, seed: int) -> LabeledTexts:
    """The task's texts and labels for this seed (its own random subset)."""
    rng = np.random.default_rng(1000 + seed)
    sms, reviews = _table(data_dir, "sms_spam_en.csv"), _table(data_dir, "chnsenticorp_htl_zh.csv")
    shapes = {"zh-short": (reviews, 2000, 18), "zh-small": (reviews, 800, 60), "en-short": (sms, 2000, 40),
              "en-small": (sms, 600, None)}
    if task in shapes:
        source, size, prefix = shapes[task]
        texts, labels = _sample(list(source.texts), list(source.labels), size, rng, prefix)
        return LabeledTexts(texts, labels)
    if task == "mixed-4":
        texts, labels = [], []
        for source, names in ((sms, {"ham": "sms-ham", "spam": "sms-spam"}), (reviews, {"1": "zh-pos", "0": "zh-neg"})):
            for label, name in names.items():
                chosen = [text for text, value in zip(source.texts, source.labels) if value == label]
                picked, _ = _sample(chosen, [name] * len(chosen), 500, rng, 20)
                texts += picked
                labels += [name] * len(picked)
        return LabeledTexts(texts, labels)
    raise ValueError(f"unknown task {task!r}")


TASKS = ("zh-short", "zh-small", "en-short", "en-small", "mixed-4")


def run(task: str, data: LabeledTexts, name: str, seed: int, baseline: bool) -> dict:
    overrides = {key: value for key, value in CONFIGS[name].items() if not key.startswith("_")}
    schedule = {key[1:]: value for key, value in CONFIGS[name].items() if key.startswith("_")}
    saved = {key: getattr(settings, key) for key in schedule}
    for key, value in schedule.items():  # module constants of the automatic schedule (settings.suggest_epochs)
        setattr(settings, key, value)
    try:
        return _run(task, data, name, seed, baseline, overrides)
    finally:
        for key, value in saved.items():
            setattr(settings, key, value)


def _run(task: str, data: LabeledTexts, name: str, seed: int, baseline: bool, overrides: dict) -> dict:
    config = replace(TrainingConfig(epochs=None, patience=None, num_threads=1, device="cpu", seed=seed,
                                    baseline=baseline), **overrides)
    started = time.perf_counter()
    result = train_classifier(data, config)
    row = {"task": task, "config": name, "seed": seed, "accuracy": result.metrics.val_accuracy,
           "macro_f1": result.metrics.val_macro_f1, "epochs": result.metrics.epochs,
           "best_epoch": result.metrics.best_epoch, "seconds": time.perf_counter() - started,
           "train_loss": result.history[result.metrics.best_epoch - 1].train_loss,
           "val_loss": result.metrics.val_loss}
    if result.baseline is not None:
        row.update(baseline_accuracy=result.baseline.accuracy, baseline_macro_f1=result.baseline.macro_f1)
    return row


def summarise(rows: list[dict], configs: list[str], tasks: list[str]) -> None:
    """Mean accuracy per task and setting, the baseline beside them, and each setting's mean margin over it."""
    baseline = {(row["task"], row["seed"]): row["baseline_accuracy"] for row in rows if "baseline_accuracy" in row}
    print(f"{'task':>10} {'baseline':>9} " + " ".join(f"{name:>18}" for name in configs))
    margins = {name: [] for name in configs}
    for task in tasks:
        base = [value for (name, _), value in baseline.items() if name == task]
        cells = []
        for name in configs:
            mine = [row for row in rows if row["task"] == task and row["config"] == name]
            margin = [row["accuracy"] - baseline[(task, row["seed"])] for row in mine]
            margins[name] += margin
            wins = sum(value >= 0 for value in margin)
            cells.append(f"{100 * np.mean([row['accuracy'] for row in mine]):6.2f} ({100 * np.mean(margin):+5.2f},"
                         f"{wins}/{len(mine)})")
        print(f"{task:>10} {100 * np.mean(base):9.2f} " + " ".join(f"{cell:>18}" for cell in cells))
    print(f"{'mean +/-':>10} {'':>9} " + " ".join(f"{100 * np.mean(margins[name]):>+18.2f}" for name in configs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--configs", default="old,default", help=f"comma-separated, from {sorted(CONFIGS)}")
    parser.add_argument("--tasks", default=",".join(TASKS), help="comma-separated")
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated")
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    configs, tasks = args.configs.split(","), args.tasks.split(",")
    seeds = [int(seed) for seed in args.seeds.split(",")]
    rows = []
    for task in tasks:
        for seed in seeds:
            data = derive(task, args.data_dir, seed)
            for index, name in enumerate(configs):
                row = run(task, data, name, seed, baseline=index == 0)
                rows.append(row)
                print(json.dumps(row), file=sys.stderr, flush=True)
    summarise(rows, configs, tasks)
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
