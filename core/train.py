"""Command line: train the text classifier on a CSV, TSV, TXT or JSON file, same code as the app.

    python -m core.train DATA [--val-file FILE] [--text-col C] [--label-col C] [--merge-similar-labels]
        [--cell lstm|gru|rnn] [--layers N] [--hidden N] [--embed N] [--epochs N] [--max-vocab N] [--no-lowercase]
        [--out DIR] ...

Progress goes to stderr; the last line on stdout is one JSON object with the results (val_accuracy, macro_f1,
train_tokens_per_second, epochs, seconds, baseline_accuracy, baseline_macro_f1, baseline_seconds, ...).
The columns are guessed exactly as the page guesses them (core.textdata.prepare), so the command line accepts
every file the page accepts; usable data with something to know (an encoding that was guessed, labels such as
"pos" and "POS" that look alike) prints one "notice:" line per point on stderr.
With ``torchrun --nproc_per_node N -m core.train …`` the N processes train one model with
DistributedDataParallel (core/classifier/distributed.py); rank 0 prints the JSON line and writes the bundle.
Exit codes: 0 trained, 2 usage error (unknown option, setting out of range), 3 the data cannot be used (the
page's own sentence for the reason on stderr). The first Ctrl-C stops training and keeps the best epoch.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from dataclasses import fields
from pathlib import Path

from core.classifier.bundle import CONFIG_FILE, WEIGHTS_FILE, bundle_files, load_bundle
from core.classifier.card import BUNDLE_NAME, CARD_FILE
from core.classifier.training import TrainingConfig, train_classifier
from core.jobs import ListReporter
from core.messages import BAD_DATA, describe_notice, refuse
from core.textdata.dataset import LabeledTexts
from core.textdata.errors import DataError
from core.textdata.labels import align_labels
from core.textdata.loading import read_path
from core.textdata.prepare import prepare

BUNDLE_ZIP = BUNDLE_NAME


def default_threads() -> int:
    """The cores this process may run on (a container or taskset may allow fewer than the machine has),
    shared equally by the processes torchrun starts on this machine."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        cores = os.cpu_count() or 1
    return max(1, cores // int(os.environ.get("LOCAL_WORLD_SIZE", "1")))


def _buckets(value: str) -> int | None:
    """``--bigram-buckets``, ``--subword-buckets`` and ``--ngram-buckets``: a whole number, or ``auto`` (None: sized
    from the data)."""
    if value == "auto":
        return None
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number or 'auto', got {value!r}") from None


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Every option's default in --help, except where the help text itself says what happens without it."""

    def _get_help_string(self, action):
        return action.help if action.default is None else super()._get_help_string(action)


def _parser() -> argparse.ArgumentParser:
    defaults = TrainingConfig()
    parser = argparse.ArgumentParser(prog="python -m core.train", description=__doc__.split("\n\n")[0],
                                     formatter_class=_HelpFormatter)
    parser.add_argument("data", help="labelled texts: .csv, .tsv, .txt (label<TAB>text lines), .json or .jsonl; "
                                     "encoding, delimiter and header are detected")
    parser.add_argument("--val-file", help="separate validation file (without it: a stratified split)")
    parser.add_argument("--text-col", help="text column (without it: guessed)")
    parser.add_argument("--label-col", help="label column (without it: guessed)")
    parser.add_argument("--merge-similar-labels", action="store_true",
                        help="treat labels that differ only in case, spaces, width or number format "
                             "(pos / POS, 1 / 1.0) as one class")
    parser.add_argument("--cell", choices=["lstm", "gru", "rnn"], default=defaults.cell, help="recurrent cell")
    parser.add_argument("--layers", type=int, default=defaults.num_layers, dest="num_layers",
                        help="stacked recurrent layers")
    parser.add_argument("--hidden", type=int, default=defaults.hidden_size, dest="hidden_size",
                        help="hidden state size per direction")
    parser.add_argument("--embed", type=int, default=defaults.embed_size, dest="embed_size",
                        help="token embedding size")
    parser.add_argument("--unidirectional", action="store_false", dest="bidirectional",
                        help="read left to right only (bidirectional without it)")
    parser.add_argument("--pooling", choices=["last", "max", "mean", "max_mean"], default=defaults.pooling,
                        help="how the outputs over the text become one vector")
    parser.add_argument("--dropout", type=float, default=defaults.dropout, help="dropout rate")
    parser.add_argument("--word-dropout", type=float, default=defaults.word_dropout,
                        help="share of training tokens read as <unk> each step")
    parser.add_argument("--embedding-dropout", type=float, default=defaults.embedding_dropout,
                        help="dropout on the input vectors while training")
    parser.add_argument("--bigram-buckets", type=_buckets, default=defaults.bigram_buckets,
                        help="rows of hashed token-pair embeddings added to each token's (0: none; auto: twice "
                             "the distinct pairs in the training texts, at most 50,000)")
    parser.add_argument("--subword-buckets", type=_buckets, default="auto" if defaults.subword_buckets is None
                        else defaults.subword_buckets,
                        help="rows of hashed character 2-4-gram embeddings added to each token's, so unseen words "
                             "are not all <unk> (0: none; auto: twice the distinct n-grams of the training tokens, "
                             "at most 50,000)")
    parser.add_argument("--wide", action=argparse.BooleanOptionalAction, default=defaults.wide,
                        help="the linear layer also reads the mean of the input vectors (a bag of embeddings "
                             "beside the recurrent features)")
    parser.add_argument("--ngram-buckets", type=_buckets, default="auto" if defaults.ngram_buckets is None
                        else defaults.ngram_buckets,
                        help="rows of the sparse linear path over hashed word 1-2-grams and character 1-4-grams whose "
                             "logits are added to the recurrent ones (0: none; auto: twice the distinct n-grams of "
                             "the training texts, at most 262,144)")
    parser.add_argument("--epochs", type=int, default=None,
                        help="passes over the training texts (without it: enough for about 300 steps, 6 to 30)")
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size, help="texts per step")
    parser.add_argument("--lr", type=float, default=defaults.learning_rate, dest="learning_rate",
                        help="peak learning rate (AdamW, warmup then cosine decay)")
    parser.add_argument("--weight-decay", type=float, default=defaults.weight_decay,
                        help="AdamW decoupled weight decay")
    parser.add_argument("--patience", type=int, default=None,
                        help="epochs without a better validation macro-F1 before stopping (without it: epochs / 5, "
                             "at least 2)")
    parser.add_argument("--max-length", type=int, default=defaults.max_length,
                        help="tokens kept per text (without it: the 95th percentile of the training texts)")
    parser.add_argument("--min-freq", type=int, default=defaults.min_freq,
                        help="occurrences a token needs to get its own embedding")
    parser.add_argument("--max-vocab", type=int, default=defaults.max_vocab_size, dest="max_vocab_size",
                        help="largest vocabulary, <pad> and <unk> included")
    parser.add_argument("--lowercase", action=argparse.BooleanOptionalAction, default=defaults.lowercase,
                        help="lower-case the text before tokenizing")
    parser.add_argument("--validation-fraction", type=float, default=defaults.validation_fraction,
                        help="held-out share when no --val-file is given")
    parser.add_argument("--seed", type=int, default=defaults.seed, help="seeds split, initialisation and order")
    parser.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=defaults.baseline,
                        help="also fit TF-IDF + logistic regression on the same split and report it")
    parser.add_argument("--device", default=defaults.device, help="cpu, cuda, mps (without it: the best available)")
    parser.add_argument("--threads", type=int, default=default_threads(), dest="num_threads",
                        help="torch CPU threads (default: the cores this process may use)")
    parser.add_argument("--out", type=Path, help=f"folder to write {WEIGHTS_FILE}, {CONFIG_FILE}, {CARD_FILE}, "
                                                 f"{BUNDLE_ZIP} and evaluation.json to (without it: nothing is "
                                                 "written)")
    return parser


def _load(path: str, text_col: str | None, label_col: str | None, merge_similar_labels: bool) -> LabeledTexts:
    prepared = prepare(read_path(path), text_col, label_col, merge_similar_labels)
    print(f"{path}: text column {prepared.text_column!r}, label column {prepared.label_column!r}, "
          f"encoding {prepared.table.encoding}", file=sys.stderr)
    for code, params in prepared.notices:
        hint = " (add --merge-similar-labels to merge them)" if code == "similar_labels" else ""
        print(f"notice: {code}: {describe_notice(code, params)}{hint}", file=sys.stderr)
    return prepared.data


def _print_progress(record: dict) -> None:
    if record["kind"] == "start":
        print(f"device {record['device']}: {record['train_size']} training / {record['val_size']} validation "
              f"texts, {record['vocab_size']} tokens in the vocabulary, max length {record['max_length']}, "
              f"labels {record['labels']}", file=sys.stderr)
    elif record["kind"] == "step":
        print(f"  step {record['step']} epoch {record['epoch']} loss {record['loss']:.4f} "
              f"{record['tokens_per_second']:.0f} tokens/s {100 * record['progress']:.0f}% "
              f"eta {record['eta_seconds']:.0f}s", file=sys.stderr)
    elif record["kind"] == "epoch":
        print(f"epoch {record['epoch']}: train loss {record['train_loss']:.4f} val loss {record['val_loss']:.4f} "
              f"accuracy {record['val_accuracy']:.4f} macro-F1 {record['val_macro_f1']:.4f} "
              f"({record['seconds']:.1f}s){' *' if record['best'] else ''}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    names = {field.name for field in fields(TrainingConfig)}
    try:
        config = TrainingConfig(**{key: value for key, value in vars(args).items() if key in names})
    except ValueError as error:  # a setting out of range (e.g. --layers 0): a usage error, exit 2
        parser.error(str(error))
    try:
        data = _load(args.data, args.text_col, args.label_col, args.merge_similar_labels)
        if args.val_file:
            validation = _load(args.val_file, args.text_col, args.label_col, args.merge_similar_labels)
            if args.merge_similar_labels:  # spell merged labels as the training file does ("POS" -> "pos")
                validation = LabeledTexts(validation.texts, align_labels(validation.labels, data.classes),
                                          validation.warnings)
            data = (data, validation)
    except DataError as error:
        return refuse(error)
    except OSError as error:
        print(f"error: cannot read {error.filename}: {error.strerror}", file=sys.stderr)
        return BAD_DATA
    reporter = ListReporter(on_record=_print_progress)
    previous_handler = signal.signal(signal.SIGINT, lambda *_: reporter.stop())
    try:
        result = train_classifier(data, config, reporter)
    except DataError as error:
        return refuse(error)
    finally:
        signal.signal(signal.SIGINT, previous_handler)
    if int(os.environ.get("RANK", "0")) != 0:  # under torchrun only rank 0 writes the bundle and the JSON line
        return 0
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, content in bundle_files(load_bundle(result.bundle)).items():
            (args.out / name).write_bytes(content)
        (args.out / BUNDLE_ZIP).write_bytes(result.bundle)
        (args.out / "evaluation.json").write_text(json.dumps(result.report(), ensure_ascii=False, indent=1),
                                                  encoding="utf-8")
        print(f"bundle written to {args.out}", file=sys.stderr)
    print(json.dumps(result.summary(), ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
