"""Which column holds the text and which the label, guessed from the cells and the header names.

Text: long, mostly distinct values (a review, a message). Label: a few (2 to ``MAX_CLASSES``) short values that
repeat. Header names ("review", "sentiment", "标签", ...) add weight but never make an implausible column win: a
column called "label" with ten thousand distinct sentences is not a label column.

The page always shows the guess in two select boxes, so a wrong guess costs one click; ``confident`` tells it to
point the user at them. A program that cannot ask (the command line) passes ``strict=True`` and gets an
``ambiguous_columns`` error instead of a coin toss.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.textdata.delimited import LABEL_HINTS, LABEL_MAX_DISTINCT, TEXT_HINTS, is_number, name_hint
from core.textdata.errors import DataError, join_names, warning

MAX_CLASSES = LABEL_MAX_DISTINCT
HINT_WEIGHT = 1.5  # per hint level (exact name 2, contained 1): decides between plausible columns
CLOSE_CALL = 0.1  # relative score gap under which two candidates are a toss-up
SAMPLE_ROWS = 20_000  # statistics of a large file come from this many rows


@dataclass(frozen=True)
class ColumnStats:
    """What the guess looks at in one column (empty cells excluded from everything but ``filled``)."""

    name: str
    filled: float  # share of non-empty cells
    mean_length: float  # characters
    distinct: int  # number of different values
    distinct_ratio: float  # distinct / non-empty cells
    numeric: float  # share of cells that parse as numbers

    @classmethod
    def of(cls, name: str, values: list[str]) -> "ColumnStats":
        cells = [value.strip() for value in values]
        kept = [cell for cell in cells if cell]
        if not kept:
            return cls(name, 0.0, 0.0, 0, 0.0, 0.0)
        distinct = len(set(kept))
        numeric = sum(is_number(cell) for cell in kept) / len(kept)
        return cls(name, len(kept) / len(cells), sum(map(len, kept)) / len(kept), distinct,
                   distinct / len(kept), numeric)


@dataclass(frozen=True)
class ColumnGuess:
    """The best guess and the alternatives, best first (the page's select boxes list these first)."""

    text: str
    label: str
    candidates_text: list[str]
    candidates_label: list[str]
    confident: bool  # False: two columns were nearly tied; ask the user to check

    @property
    def warnings(self) -> list:
        if self.confident:
            return []
        return [warning("ambiguous_columns", columns=join_names([self.text, self.label]))]


def text_score(stats: ColumnStats) -> float | None:
    """How much a column looks like free text; None when it cannot be the text."""
    if stats.filled < 0.5 or stats.numeric > 0.9 or stats.distinct < 2:
        return None
    if stats.distinct_ratio < 0.3 and stats.mean_length < 20:
        return None  # short and repetitive: a category, not a text
    return math.log1p(stats.mean_length) + 2.0 * stats.distinct_ratio + HINT_WEIGHT * name_hint(stats.name, TEXT_HINTS)


def label_score(stats: ColumnStats, rows: int) -> float | None:
    """How much a column looks like class labels; None when it cannot be the label."""
    if stats.filled < 0.5 or not 2 <= stats.distinct <= MAX_CLASSES or stats.mean_length > 40:
        return None
    if stats.distinct_ratio >= 1.0 or (stats.distinct_ratio > 0.5 and rows >= 20):
        return None  # values that (mostly) never repeat do not name classes
    fewness = 1.0 - math.log(stats.distinct) / math.log(MAX_CLASSES + 1)
    shortness = 1.0 - min(stats.mean_length, 40.0) / 40.0
    return fewness + shortness + HINT_WEIGHT * name_hint(stats.name, LABEL_HINTS)


def _ranked(scores: dict[str, float]) -> list[str]:
    return sorted(scores, key=lambda name: -scores[name])


def _close(scores: dict[str, float], ranked: list[str]) -> bool:
    if len(ranked) < 2:
        return False
    best, second = scores[ranked[0]], scores[ranked[1]]
    return best - second <= CLOSE_CALL * abs(best)


def guess_columns(table, strict: bool = False) -> ColumnGuess:
    """Guess the text and label columns of a :class:`~core.textdata.loading.Table`.

    Raises DataError: ``one_column``, ``no_text_column``, ``no_label_column``, and with ``strict`` also
    ``ambiguous_columns`` when the best choice is a near tie.
    """
    if len(table.columns) < 2:
        raise DataError("one_column")
    step = max(1, len(table) // SAMPLE_ROWS)  # evenly spread: files are often sorted by label
    stats = [ColumnStats.of(name, table.column(name)[::step]) for name in table.columns]
    rows = len(range(0, len(table), step))
    texts = {column.name: score for column in stats if (score := text_score(column)) is not None}
    if not texts:
        raise DataError("no_text_column", columns=join_names(table.columns))
    labels_all = {column.name: score for column in stats if (score := label_score(column, rows)) is not None}
    text_ranked = _ranked(texts)
    # The text column is the best text that leaves a label column behind.
    for text in text_ranked:
        labels = {name: score for name, score in labels_all.items() if name != text}
        if labels:
            break
    else:
        raise DataError("no_label_column", columns=join_names(table.columns), max_classes=MAX_CLASSES)
    label_ranked = _ranked(labels)
    label = label_ranked[0]
    text_options = {name: score for name, score in texts.items() if name != label}
    text_ranked = _ranked(text_options)
    confident = not (_close(text_options, text_ranked) or _close(labels, label_ranked))
    if strict and not confident:
        tied = text_ranked[:2] if _close(text_options, text_ranked) else label_ranked[:2]
        raise DataError("ambiguous_columns", columns=join_names(tied))
    return ColumnGuess(text, label, text_ranked, label_ranked, confident)
