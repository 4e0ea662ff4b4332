"""Classify a whole file with a bundle, and write the result as a CSV that is safe to open in a spreadsheet.

The table has one row per text: the text, the predicted label, and one probability column per label in the
bundle's label order. Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in
some, a tab or carriage return) as a formula, so an uploaded text such as ``=HYPERLINK(...)`` could act when a
user opens the download. Such cells are written with a leading apostrophe, which spreadsheets show as text
(the OWASP "CSV injection" advice).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from core.classifier.bundle import ClassifierBundle
from core.classifier.predict import predict_many
from core.textdata.columns import ColumnStats, text_score
from core.textdata.errors import DataError, join_names

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PAGE_MAX_ROWS = 20_000  # texts the page classifies in one go (the script waits for them); the CLI has no cap
TEXT_HEADER, PREDICTED_HEADER, PROBABILITY_PREFIX = "text", "predicted", "p_"


@dataclass(frozen=True)
class PredictionTable:
    """Predictions for many texts; ``probabilities`` is (N, C) with columns in ``labels`` order."""

    texts: tuple[str, ...]
    labels: tuple[str, ...]
    predicted: tuple[str, ...]
    probabilities: np.ndarray  # (N, C), each row sums to 1

    def counts(self) -> dict[str, int]:
        """Texts per predicted label, every label listed (in label order)."""
        counted = Counter(self.predicted)
        return {label: counted.get(label, 0) for label in self.labels}

    def header(self) -> list[str]:
        return [TEXT_HEADER, PREDICTED_HEADER] + [PROBABILITY_PREFIX + label for label in self.labels]


def predict_table(bundle: ClassifierBundle, texts: Sequence[str]) -> PredictionTable:
    probabilities = predict_many(bundle, texts) if texts else np.zeros((0, len(bundle.label_names)))
    predicted = tuple(bundle.label_names[int(index)] for index in probabilities.argmax(axis=1)) if texts else ()
    return PredictionTable(texts=tuple(texts), labels=tuple(bundle.label_names), predicted=predicted,
                           probabilities=probabilities)


def text_column(table, name: str | None = None) -> str:
    """The column to classify: ``name`` if given, the only column, else the one that looks most like text.

    Raises DataError: ``unknown_column`` for a ``name`` the table lacks, ``no_text_column`` when no column
    holds text (only numbers or a few repeated values).
    """
    if name is not None:
        if name not in table.columns:
            raise DataError("unknown_column", name=name)
        return name
    if len(table.columns) == 1:
        return table.columns[0]
    scores = {column: score for column in table.columns
              if (score := text_score(ColumnStats.of(column, table.column(column)))) is not None}
    if not scores:
        raise DataError("no_text_column", columns=join_names(table.columns))
    return max(scores, key=scores.get)


def escape_cell(value: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def to_csv(table: PredictionTable, digits: int = 6) -> bytes:
    """UTF-8 CSV with a byte-order mark (so spreadsheet programs read Chinese correctly), formula cells escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([escape_cell(cell) for cell in table.header()])
    for text, label, row in zip(table.texts, table.predicted, table.probabilities):
        writer.writerow([escape_cell(text), escape_cell(label)] + [f"{value:.{digits}f}" for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
