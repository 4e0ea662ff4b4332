"""Command line: classify every text of a file with a trained bundle and write the predictions as CSV.

    python -m core.predict BUNDLE FILE [--out FILE.csv] [--text-col C]

FILE is read like training data, by the same loader (core.textdata.loading: CSV, TSV, TXT with one text per
line, JSON Lines or a JSON array; UTF-8/16, GBK, Big5, … detected). The CSV has the text, the predicted label and
one probability column per label; cells that a spreadsheet would run as a formula are escaped by the helper every
download uses (core.textdata.export). The last line on stdout is one JSON object (rows, out, counts per label, …).
Exit codes: 0 done, 2 usage error, 3 unusable bundle or data (the reason on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from core.classifier.bundle import MAX_BUNDLE_BYTES, BundleError, load_bundle
from core.classifier.predictions import predict_table, text_column, to_csv
from core.messages import BAD_DATA, refuse
from core.sizes import mebibytes
from core.textdata.errors import DataError
from core.textdata.loading import read_path



def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core.predict", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("bundle", type=Path, help="a model .zip saved by the page or by python -m core.train")
    parser.add_argument("file", type=Path, help="texts to classify: .csv, .tsv, .txt, .json or .jsonl")
    parser.add_argument("--out", type=Path, default=None,
                        help="where to write the predictions CSV (default: FILE's name + _predictions.csv, "
                             "in the current folder)")
    parser.add_argument("--text-col", default=None, help="the column to classify (default: the one that looks "
                                                         "most like text)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    try:
        if args.bundle.stat().st_size > MAX_BUNDLE_BYTES:  # before reading it into memory
            return refuse(BundleError("bundle_too_large", size_mb=mebibytes(args.bundle.stat().st_size),
                                       limit_mb=mebibytes(MAX_BUNDLE_BYTES)))
        bundle = load_bundle(args.bundle.read_bytes())
        table = read_path(args.file)
        column = text_column(table, args.text_col)
        predictions = predict_table(bundle, table.column(column))
    except DataError as error:
        return refuse(error)
    except OSError as error:
        print(f"error: cannot read {error.filename}: {error.strerror}", file=sys.stderr)
        return BAD_DATA
    out = args.out or Path(args.file.stem + "_predictions.csv")
    try:
        out.write_bytes(to_csv(predictions))
    except OSError as error:
        print(f"error: cannot write {out}: {error.strerror}", file=sys.stderr)
        return BAD_DATA
    print(f"{len(predictions.texts)} texts classified, written to {out}", file=sys.stderr)
    summary = {"rows": len(predictions.texts), "out": str(out), "text_column": column, "encoding": table.encoding,
               "format": table.format, "labels": list(predictions.labels), "counts": predictions.counts(),
               "seconds": time.perf_counter() - started}
    print(json.dumps(summary, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
