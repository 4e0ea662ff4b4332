"""Read an uploaded file into a :class:`Table` of strings, or say clearly why it cannot be read.

Accepted: CSV (any of , ; | as delimiter, RFC 4180 quoting), TSV, plain ``label<TAB>text`` lines without a header
(the SMS Spam Collection's original form), fastText's ``__label__`` lines, and JSON (``json_rows``). The encoding,
delimiter and header are detected (see ``encoding`` and ``delimited``); nothing has to be declared. A file written
without quoting is repaired where it can be (``repair``, ``text_column``); a web page saved as a table is named.

Damage is handled in proportion: a few broken rows are skipped and counted in ``Table.warnings``; a file where
most rows are broken is refused, because a mis-detected layout would otherwise train on garbage. A single text of
megabytes is cut to ``max_text_chars`` so one pasted book cannot make every batch slow.
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from core.sizes import MIB, UPLOAD_LIMIT_MIB, mebibytes
from core.textdata.delimited import (Layout, detect_layout, iter_lines, iter_records, looks_like_header,
                                     looks_like_label_column)
from core.textdata.encoding import decode
from core.textdata.errors import DataError, Warning, join_names, warning
from core.textdata.repair import check_widths, trimmed_to_two, two_column_side
from core.textdata.json_rows import read_json, whole_json
from core.textdata.text_column import text_width

MAX_BYTES = UPLOAD_LIMIT_MIB * MIB  # 52,428,800 bytes: the server's maxUploadSize, in the same unit
MAX_TEXT_CHARS = 20_000  # far beyond any review or message; the model reads a few hundred tokens anyway
MAX_STRAY_NUL_SHARE = 0.01  # more NUL bytes than this share of the file: binary, not a damaged text
HEADER_SAMPLE = 1000  # records (spread over the file) used to judge whether the first one is a header
_SEP_LINE = re.compile(r"^sep=(.)$")  # Excel's "sep=;" first line
FASTTEXT_PREFIX = "__label__"  # fastText's training format: "__label__spam Win a prize now"
FASTTEXT_SHARE = 0.9  # of the non-blank lines that must start with it


@dataclass(frozen=True)
class Table:
    """A rectangular table of strings: every row has one cell per column."""

    columns: list[str]  # unique names; "#1", "#2", ... when the file has no header
    rows: list[list[str]]
    encoding: str  # codec the bytes were decoded with, e.g. "utf-8", "gbk", "utf-16-le"
    delimiter: str  # "" for JSON
    # "csv", "tsv", "labeled_lines", "lines" (a .txt of one text per line), "fasttext" (__label__x text), "jsonl",
    # "json" (an array) or "json_object" (an object holding the rows)
    format: str
    warnings: list[Warning]  # (code, params) records for the [warnings] table

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[str]:
        """All cells of the column called ``name``."""
        try:
            index = self.columns.index(name)
        except ValueError:
            raise DataError("unknown_column", name=name) from None
        return [row[index] for row in self.rows]


def check_size(size: int, max_bytes: int = MAX_BYTES) -> None:
    """Raise ``too_large`` (sizes in MiB) when ``size`` bytes exceed ``max_bytes``."""
    if size > max_bytes:
        raise DataError("too_large", size_mb=mebibytes(size), limit_mb=mebibytes(max_bytes))


def read_path(path: str | Path, max_bytes: int = MAX_BYTES, max_text_chars: int = MAX_TEXT_CHARS) -> Table:
    """:func:`read_table` for a file on disk (the size is checked before anything is read)."""
    path = Path(path)
    check_size(path.stat().st_size, max_bytes)
    return read_table(path.read_bytes(), path.name, max_bytes, max_text_chars)


def read_table(data: bytes, filename: str = "", max_bytes: int = MAX_BYTES,
               max_text_chars: int = MAX_TEXT_CHARS) -> Table:
    """Decode and parse an uploaded file. ``filename`` only breaks ties (".tsv", ".jsonl"); content decides."""
    check_size(len(data), max_bytes)
    if not data.strip():
        raise DataError("empty_file")
    warnings: list[Warning] = []
    decoded = _decode_forgiving_nuls(data, warnings)
    if decoded.guessed:
        warnings.append(warning("encoding_guess", encoding=decoded.encoding))
    if decoded.replaced:
        warnings.append(warning("encoding_repaired", count=decoded.replaced))
    text = decoded.text.lstrip("\ufeff")
    if not text.strip():
        raise DataError("empty_file")
    markup = _markup_kind(text)
    if markup:
        raise DataError("unsupported_format", kind=markup)
    suffix = Path(filename).suffix.lower()
    first_char = text.lstrip()[:1]
    # Parsed once, here: a JSON array in a file not named .json was parsed twice (JSON Lines fail fast, at line 2).
    document = whole_json(text) if first_char in ("{", "[") else None
    if (suffix in (".jsonl", ".ndjson", ".json") or first_char == "{"
            or (first_char == "[" and isinstance(document, list))):
        columns, rows, form = read_json(text, warnings, document)
        delimiter = ""
    else:
        columns, rows, delimiter, form = _read_delimited(text, suffix, warnings)
    _cap_texts(rows, max_text_chars, warnings)
    return Table(columns, rows, decoded.encoding, delimiter, form, warnings)


def _markup_kind(text: str) -> str | None:
    """"HTML" or "XML" when the whole file is a web page or an XML document (a download that returned a sign-in or
    error page, say), else None. A table whose first text merely starts with a tag is not one: an ``<html`` start
    counts only when the file also ends the page."""
    head = text.lstrip()[:64].lower()
    if head.startswith("<?xml"):
        return "XML"
    if head.startswith("<!doctype html") or (head.startswith("<html") and text.rstrip().lower().endswith("</html>")):
        return "HTML"
    return None


def _decode_forgiving_nuls(data: bytes, warnings: list[Warning]):
    """:func:`decode`, but a text file with a few stray NUL bytes (a bad export, a padded end) loses them with a
    warning instead of being refused as binary; a file with many NULs is still binary."""
    try:
        return decode(data)
    except DataError as error:
        nuls = data.count(0)
        if error.code != "binary_file" or nuls > MAX_STRAY_NUL_SHARE * len(data):
            raise
        try:
            decoded = decode(data.replace(b"\x00", b""))
        except DataError:
            raise error from None  # not a text without its NULs either: binary after all
        warnings.append(warning("nul_bytes_removed", count=nuls))
        return decoded


def _read_fasttext(text: str, warnings: list[Warning]) -> tuple[list[str], list[list[str]]] | None:
    """fastText's format, one example a line: ``__label__<label> <text>``; ``None`` when the lines are not that.

    A line with several labels keeps the first (this app trains one label per text), and a notice counts them;
    a line without a label is skipped, as a ragged row is.
    """
    lines = [line.strip() for line in iter_lines(text) if line.strip()]
    labelled = [line for line in lines if line.startswith(FASTTEXT_PREFIX)]
    if not lines or len(labelled) < FASTTEXT_SHARE * len(lines):
        return None
    rows, several = [], 0
    for line in labelled:
        words = line.split()
        labels = [word for word in words if word.startswith(FASTTEXT_PREFIX)]
        several += len(labels) > 1
        rows.append([labels[0][len(FASTTEXT_PREFIX):],
                     " ".join(word for word in words if not word.startswith(FASTTEXT_PREFIX))])
    if len(labelled) < len(lines):
        warnings.append(warning("ragged_rows", count=len(lines) - len(labelled), total=len(lines)))
    if several:
        warnings.append(warning("first_label_kept", count=several))
    return ["label", "text"], rows


def _read_delimited(text: str, suffix: str, warnings: list[Warning]) -> tuple[list[str], list[list[str]], str, str]:
    if text.lstrip().startswith(FASTTEXT_PREFIX):
        fasttext = _read_fasttext(text, warnings)
        if fasttext is not None:
            return fasttext[0], fasttext[1], "", "fasttext"
    first_line = next(iter_lines(text.lstrip("\r\n")), "")
    sep = _SEP_LINE.match(first_line.strip())
    if sep:
        text = text.lstrip("\r\n")[len(first_line):]
    preferred = {".tsv": "\t", ".tab": "\t", ".csv": ","}.get(suffix)
    if sep:
        layout = Layout(sep.group(1), True, 0)  # 0: width unknown
    elif suffix == ".txt":  # lines of text, or label<TAB>text: a comma, semicolon or bar in a sentence never splits it
        layout = detect_layout(text, "\t", delimiters=("\t",))
    else:
        layout = detect_layout(text, preferred)
    csv.field_size_limit(max(csv.field_size_limit(), min(len(text) + 1, sys.maxsize)))
    if layout.fields == 1:  # no delimiter separates fields: one column of lines, commas and all
        records = [[line] for line in iter_lines(text) if line.strip()]
    else:
        records = [record for _, record in iter_records(text, layout.delimiter, layout.quoted, layout.spaced)]
    if not records:
        raise DataError("empty_file")
    step = max(1, (len(records) - 1) // HEADER_SAMPLE)
    header = looks_like_header(records[0], records[1::step][:HEADER_SAMPLE])
    form = "tsv" if layout.delimiter == "\t" else "csv"
    label_side = text_column = None
    if (layout.delimiter == "\t" and not layout.quoted and not header and layout.fields == 2
            and looks_like_label_column([record[0] for record in records[::step][:HEADER_SAMPLE]])):
        # label<TAB>text: only the first tab separates, a text may hold more tabs
        records = [line.split("\t", 1) for line in iter_lines(text) if line.strip()]
        columns, form = ["label", "text"], "labeled_lines"
    elif header:
        columns, records = _column_names(records[0], warnings), records[1:]
        if not records:
            raise DataError("header_only", columns=join_names(columns))
    else:
        width = layout.fields or max(len(record) for record in records)
        pairs = trimmed_to_two(records)  # as two columns, "text,label,," is "text,label"
        label_side = two_column_side(pairs, layout.delimiter)
        if label_side is not None:
            width, records = 2, pairs
        else:
            width, text_column = text_width(records, width, layout.delimiter)
        columns = [f"#{index + 1}" for index in range(width)]
    delimiter = layout.delimiter
    if suffix == ".txt" and layout.fields == 1:  # plain lines of text: no delimiter at all
        form, delimiter = "lines", ""
    rows = check_widths(records, len(columns), delimiter, warnings, label_side, text_column)
    return columns, rows, delimiter, form


def _column_names(cells: list[str], warnings: list[Warning]) -> list[str]:
    """Header cells as unique, non-empty names ("#3" for an empty one, "text (2)" for a repeat)."""
    names, repeated = [], []
    for index, cell in enumerate(cells):
        name = cell.strip().lstrip("\ufeff") or f"#{index + 1}"
        if name in names:
            repeated.append(name)
            base, copy = name, 2
            while f"{base} ({copy})" in names:
                copy += 1
            name = f"{base} ({copy})"
        names.append(name)
    if repeated:
        warnings.append(warning("duplicate_columns", names=join_names(sorted(set(repeated)))))
    return names


def _cap_texts(rows: list[list[str]], limit: int, warnings: list[Warning]) -> None:
    cut = 0
    for row in rows:
        for index, cell in enumerate(row):
            if len(cell) > limit:
                row[index] = cell[:limit]
                cut += 1
    if cut:
        warnings.append(warning("text_too_long", count=cut, limit=limit))
