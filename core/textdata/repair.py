"""Rows whose field count differs from the header: repair the common case, skip a few, refuse many.

The common case is a two-column CSV written without quoting, so a text with commas splits into extra fields
("Great food, slow service,positive"). When one column is clearly the label (few distinct, short values in the
well-formed rows) and a long row's label-side field is one of those labels, the other fields are joined back with
the delimiter, which restores the text exactly.
"""

from __future__ import annotations

from core.textdata.delimited import looks_like_label_column
from core.textdata.errors import DataError, Warning, warning

MAX_BROKEN_SHARE = 0.5  # above this the layout itself is wrong: refuse instead of skipping


def check_widths(records: list[list[str]], width: int, delimiter: str, warnings: list[Warning]) -> list[list[str]]:
    """Rows of exactly ``width`` cells, in file order; appends a warning for repaired or skipped rows."""
    trimmed = [_trim(record, width) for record in records]
    well_formed = [record for record in trimmed if len(record) == width]
    if len(well_formed) == len(trimmed):
        return trimmed
    label_side = _label_side(well_formed) if width == 2 else None
    known = {row[label_side].strip() for row in well_formed} if label_side is not None else set()
    rows: list[list[str]] = []
    repaired = skipped = 0
    for record in trimmed:
        if len(record) == width:
            rows.append(record)
        elif label_side == 1 and len(record) > 2 and record[-1].strip() in known:
            rows.append([delimiter.join(record[:-1]), record[-1]])
            repaired += 1
        elif label_side == 0 and len(record) > 2 and record[0].strip() in known:
            rows.append([record[0], delimiter.join(record[1:])])
            repaired += 1
        else:
            skipped += 1
    if skipped > MAX_BROKEN_SHARE * len(records):
        raise DataError("ragged_rows", bad=skipped, total=len(records), expected=width)
    if repaired:
        warnings.append(warning("rows_repaired", count=repaired))
    if skipped:
        warnings.append(warning("ragged_rows", count=skipped, total=len(records)))
    return rows


def _trim(record: list[str], width: int) -> list[str]:
    """Drop empty cells past ``width`` (trailing delimiters such as "text,label,,")."""
    if len(record) > width and not any(cell.strip() for cell in record[width:]):
        return record[:width]
    return record


def _label_side(rows: list[list[str]]) -> int | None:
    """0 or 1: the column of two-column rows that holds labels, if exactly one of them looks like it."""
    for side in (1, 0):
        labels = [row[side] for row in rows]
        texts = [row[1 - side] for row in rows]
        if looks_like_label_column(labels) and not looks_like_label_column(texts):
            return side
    return None
