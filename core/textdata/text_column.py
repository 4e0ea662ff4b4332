"""The one free-text column of a wider file written without quoting ("id,text, with a comma,label"): a text's
delimiters split it into extra fields, and joining them back with the delimiter restores it exactly.

Which column is the text: the one that, with every long record's extra fields joined into it, reads as free text
while every other column reads as numbers or as a few repeated values (a label). Where two columns are free text
(title, body), a comma's place is ambiguous and nothing is joined.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from core.textdata.delimited import is_number, looks_like_label_column


@dataclass(frozen=True)
class TextColumn:
    """Where records ``width`` cells wide hold their text, and what each other column holds: ``values`` (the
    values a label-like column repeats) or ``numeric``."""

    index: int
    width: int
    values: tuple[frozenset[str] | None, ...]
    numeric: tuple[bool, ...]

    MIN_ROWS = 5  # records needed to say what a column holds
    SAMPLE_ROWS = 2000  # records, spread over the file, that decide which column is the text

    @classmethod
    def find(cls, records: list[list[str]], width: int, delimiter: str) -> "TextColumn | None":
        """Read from the records at least ``width`` cells wide (each longer one joined at the candidate column);
        ``None`` unless exactly one column is the text. A sample decides the column, every record what the other
        columns hold (the label values a joined record may end in)."""
        rows = [record for record in records if len(record) >= width]
        if len(rows) < cls.MIN_ROWS:
            return None
        sample = rows[::max(1, len(rows) // cls.SAMPLE_ROWS)]
        readings = (cls._described([_joined(record, index, width, delimiter) for record in sample], index, width)
                    for index in range(width))
        # Texts that often go on alike after a comma (", with …") can make their tails look like a label column
        # when the pieces are joined into the wrong column: the right reading repeats fewer distinct values.
        found = sorted((reading for reading in readings if reading is not None),
                       key=lambda column: column.repeated_values)
        if not found:
            return None
        if len(found) > 1 and found[0].repeated_values == found[1].repeated_values:
            return None
        if len(sample) == len(rows):
            return found[0]
        index = found[0].index
        return cls._described([_joined(record, index, width, delimiter) for record in rows], index, width)

    @property
    def repeated_values(self) -> int:
        """How many distinct values the label-like columns repeat, together."""
        return sum(len(values) for values in self.values if values is not None)

    @classmethod
    def _described(cls, rows: list[list[str]], index: int, width: int) -> "TextColumn | None":
        values: list[frozenset[str] | None] = []
        numeric: list[bool] = []
        for column in range(width):
            cells = [row[column].strip() for row in rows]
            filled = [cell for cell in cells if cell]
            is_numeric = bool(filled) and sum(map(is_number, filled)) > 0.9 * len(filled)
            few = not is_numeric and looks_like_label_column(cells)
            if (column == index) == (is_numeric or few):  # the text must be free, every other column must not
                return None
            # a value seen once is more likely the tail of a text than a label
            values.append(frozenset(cell for cell, count in Counter(cells).items() if count >= 2) if few else None)
            numeric.append(is_numeric)
        return cls(index, width, tuple(values), tuple(numeric))

    def join(self, record: list[str], delimiter: str) -> list[str] | None:
        """``record`` with its extra fields joined back into the text column, or ``None`` when a cell outside the
        text would then not read as its column does."""
        joined = _joined(record, self.index, self.width, delimiter)
        for column, cell in enumerate(joined):
            if column == self.index:
                continue
            allowed = self.values[column]
            if allowed is not None and cell.strip() not in allowed:
                return None
            if self.numeric[column] and cell.strip() and not is_number(cell.strip()):
                return None
        return joined


def _joined(record: list[str], index: int, width: int, delimiter: str) -> list[str]:
    end = index + len(record) - width + 1
    return record[:index] + [delimiter.join(record[index:end])] + record[end:]


def text_width(records: list[list[str]], width: int, delimiter: str) -> tuple[int, TextColumn | None]:
    """The width of headerless records: ``width`` (the most common), or a narrower one that explains every record
    when texts holding the delimiter outnumber those without, or every text holds one ("id,text, with a comma,label").

    A narrower width explains the records when none is shorter, one column is its text (:class:`TextColumn`), every
    longer record joins back into it, in 90 % of the longer records each piece so joined starts with a space, as a
    sentence goes on after a comma, and the other columns' cells (past the first) start with a space in at most
    10 % of the records: a file written with ", " between all its fields, or with a genuine further column, does
    not read that way. Returns the width and, for a narrower one, its text column (for
    :func:`core.textdata.repair.check_widths`).
    """
    shortest = min((len(record) for record in records), default=0)
    for candidate in range(3, min(width, shortest + 1)):
        text_column = TextColumn.find(records, candidate, delimiter)
        if text_column is None:
            continue
        longer = [record for record in records if len(record) > candidate]
        joined = [text_column.join(record, delimiter) for record in longer]
        if not longer or any(row is None for row in joined):
            continue
        start = text_column.index + 1
        pieces = [record[start:start + len(record) - candidate] for record in longer]
        rows = joined + [record for record in records if len(record) == candidate]
        others = [row[column] for row in rows for column in range(1, candidate) if column != text_column.index]
        if reads_as_sentences(pieces, others):
            return candidate, text_column
    return width, None


def reads_as_sentences(pieces: list[list[str]], others: list[str]) -> bool:
    """Whether fields split at the delimiter are pieces of sentences: in 90 % of the rows every piece (``pieces``:
    per row, the fields after the text's first) starts with a space, as a sentence goes on after a comma, while the
    cells a tool writing columns would have written the same way (``others``) start with one in at most 10 %. A file
    with ", " between all its fields has a space before those cells too, and keeps its columns."""
    cut = sum(all(piece[:1].isspace() for piece in row) for row in pieces)
    spaced = sum(cell[:1].isspace() for cell in others)
    return bool(pieces) and cut >= 0.9 * len(pieces) and spaced <= 0.1 * len(others)
