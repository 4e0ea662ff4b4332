"""The whole walk from a table to labelled texts, in one call, for every caller that cannot ask the user
(the command line, the bad-file corpus) and as the reference for the page's step-by-step version.

``Table`` -> columns (given, or guessed as the page guesses them) -> :class:`LabeledTexts`. The result is exactly
one clear state: a :class:`Prepared` whose ``notices`` say everything that happened on the way (an encoding that
was guessed, rows skipped, columns that were a close call, labels that look alike), or a :class:`DataError` with
one code that says why the data cannot be used.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.textdata.columns import ColumnGuess, guess_columns
from core.textdata.dataset import MIN_ROWS, LabeledTexts
from core.textdata.errors import DataError, Warning
from core.textdata.loading import Table


@dataclass(frozen=True)
class Prepared:
    """Labelled texts ready for training, the columns they came from, and the notices for the user."""

    table: Table
    text_column: str
    label_column: str
    data: LabeledTexts
    guess: ColumnGuess | None  # None when both columns were given

    @property
    def notices(self) -> list[Warning]:
        """The table's warnings, then the column guess's, then what building the pairs found (no repeats)."""
        ordered = list(self.table.warnings) + (self.guess.warnings if self.guess else []) + list(self.data.warnings)
        unique: list[Warning] = []
        for notice in ordered:
            if notice not in unique:
                unique.append(notice)
        return unique

    @property
    def notice_codes(self) -> list[str]:
        return [code for code, _ in self.notices]


def prepare(table: Table, text_column: str | None = None, label_column: str | None = None,
            merge_similar_labels: bool = False, min_rows: int = MIN_ROWS) -> Prepared:
    """Columns (guessed where not given) and validated pairs; raises :class:`DataError` when unusable."""
    if len(table) < min_rows:  # say so before a guess on a handful of rows fails for a less useful reason
        raise DataError("too_few_rows", rows=len(table), minimum=min_rows)
    guess = None
    if text_column is None or label_column is None:
        guess = guess_columns(table)
        text_column = text_column or guess.text
        label_column = label_column or guess.label
    for column in (text_column, label_column):
        if column not in table.columns:
            raise DataError("unknown_column", name=column)
    data = LabeledTexts.from_table(table, text_column, label_column, min_rows=min_rows,
                                   merge_similar_labels=merge_similar_labels)
    return Prepared(table, text_column, label_column, data, guess)
