"""Classify a whole file with a bundle, and write the result as a CSV that is safe to open in a spreadsheet.

The table has one row per text: the text, the predicted label, and one probability column per label in the
bundle's label order. The CSV goes through core.textdata.export.safe_csv, the same escaping as every other
download: a text such as ``=HYPERLINK(...)`` gets a leading apostrophe, so a spreadsheet shows it and never runs it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from core.classifier.bundle import ClassifierBundle
from core.classifier.predict import predict_many
from core.textdata.columns import ColumnStats, text_score
from core.textdata.errors import DataError, join_names
from core.textdata.export import safe_csv

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


def to_csv(table: PredictionTable, digits: int = 6) -> bytes:
    """UTF-8 CSV with a byte-order mark (so spreadsheet programs read Chinese correctly), formula cells escaped
    by the one helper every download uses (core.textdata.export)."""
    rows = ([text, label] + [f"{value:.{digits}f}" for value in row]
            for text, label, row in zip(table.texts, table.predicted, table.probabilities))
    return safe_csv(table.header(), rows)
