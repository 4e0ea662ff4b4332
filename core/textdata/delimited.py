"""How a delimited text file is laid out: delimiter, quoting, header, and the plain ``label<TAB>text`` form.

``csv.Sniffer`` guesses from character frequencies and is easily fooled by commas inside review texts. Here every
candidate delimiter actually parses the first records (quote-aware), and the one that gives the same number of
fields (at least two) on the most records wins. Tab-separated files are usually written without quoting, where a
text that happens to start with a quote would swallow the following lines; they are split on tabs literally unless
quoting is really in use.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterator

DELIMITERS = (",", "\t", ";", "|")  # preference order when two parse equally well
SAMPLE_CHARS = 1 << 16
SAMPLE_RECORDS = 200
LABEL_MAX_DISTINCT = 50  # a column with more distinct values is not a label column

TEXT_HINTS = ("text", "review", "sentence", "message", "content", "comment", "body", "tweet", "document",
              "sms", "文本", "评论", "内容", "句子", "评价", "正文", "留言", "文字")
LABEL_HINTS = ("label", "class", "category", "sentiment", "target", "tag", "polarity", "y", "标签", "类别",
               "分类", "情感", "类型", "标注", "类")


_WRAPPED = re.compile(r'"(?:[^"]|"")*"')  # one RFC 4180 quoted field


@dataclass(frozen=True)
class Layout:
    """How to split a delimited file into records."""

    delimiter: str  # one of DELIMITERS
    quoted: bool  # RFC 4180 quoting ("a, b" is one field; "" is a literal quote)
    fields: int  # the usual number of fields per record
    spaced: bool = False  # fields start after a space ('"a, b", "c"'): the space before an opening quote is skipped


def iter_lines(text: str) -> Iterator[str]:
    """Physical lines without their line ends (\\n, \\r\\n or \\r only, unlike str.splitlines)."""
    for line in io.StringIO(text, newline=""):
        yield line.rstrip("\r\n")


def iter_records(text: str, delimiter: str, quoted: bool, spaced: bool = False) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) for every record that is not blank; line numbers start at 1. ``spaced``: see
    :class:`Layout`."""
    if quoted:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False,
                            skipinitialspace=spaced)
        line_number = 1
        for record in reader:
            if any(field.strip() for field in record):
                yield line_number, record
            line_number = reader.line_num + 1
    else:
        for index, line in enumerate(iter_lines(text), start=1):
            if line.strip():
                yield index, line.split(delimiter)


def _sample(text: str) -> tuple[str, bool]:
    """The head of the text, cut at a line end; True when it is only part of the text."""
    if len(text) <= SAMPLE_CHARS:
        return text, False
    head = text[:SAMPLE_CHARS]
    cut = max(head.rfind("\n"), head.rfind("\r"))
    return (head[:cut] if cut > 0 else head), True


def _field_counts(sample: str, truncated: bool, delimiter: str, quoted: bool, spaced: bool = False) -> list[int]:
    counts = []
    try:
        for _, record in iter_records(sample, delimiter, quoted, spaced):
            counts.append(len(record))
            if len(counts) > SAMPLE_RECORDS:
                break
    except csv.Error:
        return []
    if truncated and len(counts) > 1 and len(counts) <= SAMPLE_RECORDS:
        counts.pop()  # the last record may be cut in the middle of a quoted field
    return counts[:SAMPLE_RECORDS]


def _consistency(counts: list[int]) -> tuple[float, int]:
    """(share of records with the most common field count, that count)."""
    if not counts:
        return 0.0, 1
    fields, hits = Counter(counts).most_common(1)[0]
    return hits / len(counts), fields


def detect_layout(text: str, preferred: str | None = None, delimiters: tuple[str, ...] = DELIMITERS) -> Layout:
    """The delimiter and quoting that split the head of ``text`` most consistently into >= 2 fields.

    ``preferred`` (from the file name: "\\t" for .tsv) wins ties; only ``delimiters`` are tried (a .txt file
    tries the tab alone). A file where no delimiter gives two fields is one column (the caller reports that).
    """
    sample, truncated = _sample(text)
    order = sorted(delimiters, key=lambda delimiter: delimiter != preferred)
    best: tuple[float, Layout] | None = None
    for delimiter in order:
        spaced = delimiter != "\t" and _spaced_quotes(sample, delimiter)
        quoted_share, quoted_fields = _consistency(_field_counts(sample, truncated, delimiter, True, spaced))
        share, layout = quoted_share, Layout(delimiter, True, quoted_fields, spaced)
        if delimiter == "\t":
            share, layout = _tab_layout(sample, truncated, quoted_share, quoted_fields)
        if layout.fields >= 2 and (best is None or share > best[0] + 1e-9):
            best = (share, layout)
    if best is None:
        return Layout(preferred or ",", True, 1)
    return best[1]


def _spaced_quotes(sample: str, delimiter: str) -> bool:
    """Whether most lines write a space between the delimiter and an opening quote (``"text", "label"``): without
    skipping it, such a quoted field is not read as quoted, and a comma inside it splits it. Only then: skipping
    spaces also trims unquoted fields, which would change texts joined back after an unquoted comma."""
    lines = [line for line in iter_lines(sample) if line.strip()]
    pattern = re.compile(re.escape(delimiter) + r' +"')
    return bool(lines) and sum(bool(pattern.search(line)) for line in lines) >= 0.5 * len(lines)


def _tab_layout(sample: str, truncated: bool, quoted_share: float, quoted_fields: int) -> tuple[float, Layout]:
    """Tabs split literally unless quoting parses better, or is clearly in use and parses as well.

    "In use" means some field is wrapped in quotes and every field with a quote in it is a well-formed quoted
    field; an unquoted file shows stray quotes (`He said "hi"`) that quoting would mangle.
    """
    plain_share, plain_fields = _consistency(_field_counts(sample, truncated, "\t", quoted=False))
    quoted_fields_seen = [field for line in iter_lines(sample) for field in line.split("\t") if '"' in field]
    in_use = bool(quoted_fields_seen) and all(_WRAPPED.fullmatch(field) for field in quoted_fields_seen)
    if quoted_share > plain_share or (in_use and quoted_share >= plain_share):
        return quoted_share, Layout("\t", True, quoted_fields)
    return plain_share, Layout("\t", False, plain_fields)


def _words(name: str) -> list[str]:
    return [word for word in re.split(r"[^0-9a-z\u3400-\u9fff]+", name.lower()) if word]


def name_hint(name: str, hints: tuple[str, ...]) -> float:
    """2 for a column name that is a hint word, 1 for one that contains one ("review_text", "情感标签"), else 0."""
    cleaned = name.strip().lower()
    if cleaned in hints:
        return 2.0
    words = _words(cleaned)
    if any(word in hints for word in words):
        return 1.0
    if any(len(hint) >= 2 and not hint.isascii() and hint in cleaned for hint in hints):
        return 1.0
    return 0.0


def is_number(value: str) -> bool:
    """Whether ``value`` is a finite number such as "3", "-0.5" or "1,000" ("nan" and "inf" are words)."""
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        return False
    return math.isfinite(number)


def looks_like_header(first: list[str], rest: list[list[str]]) -> bool:
    """Whether the first record names the columns rather than holding data.

    Evidence for a header: known column names (short cells only: a sentence that mentions "text" is data); a
    numeric column whose first cell is a word; a few-valued (label-like) column whose first cell is not one of
    its values; a long-text column whose first cell is short. Evidence against: the first cell of a few-valued
    column is one of its values ("ham" above more "ham"s). An empty name says nothing (pandas writes one for
    its index column).

    Columns are compared over the records as wide as the first where there are any: in a file written without
    quoting, a text's commas shift the rest of its record, and the pieces of texts under a label would read as a
    long-text column under a short first cell (a headerless file's first row taken for its header).
    """
    names = [cell.strip() for cell in first]
    hints = [name_hint(name, TEXT_HINTS + LABEL_HINTS) if len(name) <= 30 else 0.0 for name in names]
    if not rest:  # a single record: a header if it reads like names (short, not numbers)
        return any(hints) or all(len(name) <= 40 and not is_number(name) for name in names if name)
    rest = [record for record in rest if len(record) == len(first)] or rest
    evidence = sum(hints)
    for index, name in enumerate(names):
        values = [record[index].strip() for record in rest if index < len(record) and record[index].strip()]
        if not values or not name:
            continue
        numeric = sum(is_number(value) for value in values) / len(values)
        if numeric > 0.9:
            evidence += -1.0 if is_number(name) else 1.0
            continue
        distinct = set(values)
        if len(distinct) <= LABEL_MAX_DISTINCT and len(distinct) < 0.5 * len(values):
            evidence += -1.0 if name in distinct else 1.0
        else:
            mean_length = sum(map(len, values)) / len(values)
            if mean_length >= 20 and len(name) < mean_length / 4:
                evidence += 0.5
    return evidence > 0


def looks_like_label_column(values: list[str]) -> bool:
    """Short values repeated many times: the first field of ``label<TAB>text`` lines."""
    values = [value.strip() for value in values if value.strip()]
    if len(values) < 2:
        return False
    distinct = set(values)
    short = sum(len(value) <= 30 for value in values) / len(values)
    return short > 0.95 and len(distinct) <= LABEL_MAX_DISTINCT and len(distinct) <= max(2, len(values) // 2)
