"""Rows whose field count differs from the header: repair the common case, skip a few, refuse many.

The common case is a two-column CSV written without quoting, so a text with commas splits into extra fields
("Great food, slow service,positive"). When one end of the rows is clearly the label (few distinct, short values
in the last field of every row, or in the first) and the rest, joined back, is not, a long row's other fields are
joined back with the delimiter, which restores the text exactly. Every row counts for that, not only the
well-formed ones: in a file of reviews most texts may hold a comma.

With more columns ("id,text,label") the same holds when exactly one column is free text: see
:mod:`core.textdata.text_column`.
"""

from __future__ import annotations

from collections import Counter

from core.textdata.delimited import is_number, looks_like_label_column
from core.textdata.errors import DataError, Warning, warning
from core.textdata.text_column import TextColumn, reads_as_sentences

MAX_BROKEN_SHARE = 0.5  # above this the layout itself is wrong: refuse instead of skipping


def check_widths(records: list[list[str]], width: int, delimiter: str, warnings: list[Warning],
                 label_side: int | None = None, text_column: TextColumn | None = None) -> list[list[str]]:
    """Rows of exactly ``width`` cells, in file order; appends a warning for repaired or skipped rows.

    ``label_side`` (two columns) and ``text_column`` (more): what the caller already found
    (:func:`two_column_side`, :func:`core.textdata.text_column.text_width`), so it is not sought twice (each
    search reads every row)."""
    trimmed = [_trim(record, width) for record in records]
    well_formed = [record for record in trimmed if len(record) == width]
    if len(well_formed) == len(trimmed):
        return trimmed
    if width != 2:
        label_side = None
    elif label_side is None:
        label_side = label_end(trimmed, delimiter)
    known = _known_labels(trimmed, well_formed, label_side) if label_side is not None else set()
    if width > 2 and text_column is None:
        text_column = TextColumn.find(trimmed, width, delimiter)
    rows: list[list[str]] = []
    repaired = skipped = 0
    for record in trimmed:
        joined = None
        if len(record) == width:
            rows.append(record)
            continue
        if label_side is not None and len(record) > 2 and _label(record, label_side).strip() in known:
            text, label = _text(record, label_side, delimiter), _label(record, label_side)
            joined = [text, label] if label_side == 1 else [label, text]
        elif text_column is not None and len(record) > width:
            joined = text_column.join(record, delimiter)
        if joined is None:
            skipped += 1
        else:
            rows.append(joined)
            repaired += 1
    if skipped > MAX_BROKEN_SHARE * len(records):
        raise DataError("ragged_rows", bad=skipped, total=len(records), expected=width)
    if repaired:
        warnings.append(warning("rows_repaired", count=repaired))
    if skipped:
        warnings.append(warning("ragged_rows", count=skipped, total=len(records)))
    return rows


def _trim(record: list[str], width: int) -> list[str]:
    """Drop empty cells at the end of a record longer than ``width``, down to ``width`` (trailing delimiters such
    as "text,label,,", also when the text's own commas made the record long)."""
    end = len(record)
    while end > width and not record[end - 1].strip():
        end -= 1
    return record if end == len(record) else record[:end]


def _label(record: list[str], side: int) -> str:
    """The field at the label end of ``record``: the last (``side`` 1) or the first (0)."""
    return record[-1] if side == 1 else record[0]


def _text(record: list[str], side: int, delimiter: str) -> str:
    """The fields of ``record`` other than its label end, joined back with the delimiter that split them."""
    return delimiter.join(record[:-1] if side == 1 else record[1:])


def _known_labels(records: list[list[str]], well_formed: list[list[str]], side: int) -> set[str]:
    """The labels a long row may end in: those of the well-formed rows, and any that ends two rows or more (a
    one-off end is more likely the tail of a text whose label is missing)."""
    ends = Counter(_label(record, side).strip() for record in records if len(record) >= 2)
    return {_label(row, side).strip() for row in well_formed} | {label for label, count in ends.items() if count >= 2}


def label_end(records: list[list[str]], delimiter: str) -> int | None:
    """1 when the last field of every record of two fields or more is a label and the fields before it, joined
    back, are not; 0 when the first field is and the rest are not; ``None`` otherwise (no label end). Records of
    one field say nothing here (the caller skips them).

    When both ends would do (texts that often end alike, "..., with a comma"), the end with fewer distinct values
    is the label.
    """
    records = [record for record in records if len(record) >= 2]
    if not records:
        return None
    candidates = []
    for side in (1, 0):
        labels = [_label(record, side).strip() for record in records]
        texts = [_text(record, side, delimiter) for record in records]
        if looks_like_label_column(labels) and not looks_like_label_column(texts):
            candidates.append((len(set(labels)), side))
    return min(candidates)[1] if candidates else None


def two_column_side(records: list[list[str]], delimiter: str) -> int | None:
    """The label end (as :func:`label_end`) when rows without a header are ``text,label`` (or ``label,text``) with
    the delimiter inside unquoted texts, else ``None``: one end of every row is a label, the rest joined back is
    not, and the other end is not a column of numbers (an id column stays a column of its own). Give it the rows
    through :func:`trimmed_to_two`: empty cells past the second ("text,label,,", as spreadsheets export) would
    make the label end look empty.

    Without this, the most common width wins: when most texts hold one comma, three "columns" would be read and
    every text cut at its comma, the rows with more or fewer commas dropped.

    When every row has the same width (every text holds exactly one comma), the widths say nothing; then the
    fields must read as the pieces of a sentence: see :func:`_cut_after_the_delimiter`.
    """
    widths = {len(record) for record in records}
    if max(widths, default=0) < 3:
        return None
    side = label_end(records, delimiter)
    if side is None or (len(widths) < 2 and not _cut_after_the_delimiter(records, side)):
        return None
    other_end = [_label(record, 1 - side) for record in records if len(record) >= 2]
    return side if sum(is_number(value.strip()) for value in other_end) <= 0.9 * len(other_end) else None


def trimmed_to_two(records: list[list[str]]) -> list[list[str]]:
    """``records`` with empty cells past the second dropped (see :func:`_trim`)."""
    return [_trim(record, 2) for record in records]


def _cut_after_the_delimiter(records: list[list[str]], side: int) -> bool:
    """Whether the text end of rows of one width was cut where a sentence goes on after the delimiter
    ("Great food, slow service,positive"): :func:`core.textdata.text_column.reads_as_sentences` of the text's
    pieces, its label field being the cell a tool writing columns would write the same way."""
    rows = [record for record in records if len(record) >= 3]
    pieces = [record[1:-1] if side == 1 else record[2:] for record in rows]
    return reads_as_sentences(pieces, [_label(record, side) for record in rows])
