"""Which column holds the text and which the label, guessed from the cells and the header names.

Text: long, mostly distinct values (a review, a message). Label: a few (2 to ``MAX_CLASSES``) short values that
repeat. Header names ("review", "sentiment", "标签", ...) decide between plausible columns: a column named like a
text is plausible even when its texts are short and repeat (ten-character Chinese reviews), but never makes an
implausible column win: a column called "label" with ten thousand distinct sentences is not a label column.
In every pair the text column has more distinct values than the label column (texts vary more than labels).

Statistics of a large file come from ``SAMPLE_ROWS`` rows drawn at random with a fixed seed: every k-th row
would alias with a file's period (labels that alternate a, b, a, b seen at an even step look like one class).

The page always shows the guess in two select boxes, so a wrong guess costs one click; ``confident`` tells it to
point the user at them. A program that cannot ask (the command line) passes ``strict=True`` and gets an
``ambiguous_columns`` error instead of a coin toss.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from core.textdata.delimited import LABEL_HINTS, LABEL_MAX_DISTINCT, TEXT_HINTS, is_number, name_hint
from core.textdata.errors import DataError, join_names, warning

MAX_CLASSES = LABEL_MAX_DISTINCT
HINT_WEIGHT = 1.5  # per hint level (exact name 2, contained 1): decides between plausible columns
CLOSE_CALL = 0.1  # relative score gap under which two candidates are a toss-up
SAMPLE_ROWS = 20_000  # statistics of a large file come from this many rows
SAMPLE_SEED = 0  # the same file always gives the same guess


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
    confident: bool  # False: two columns were nearly tied, or only a weak guess was possible; ask the user

    @property
    def warnings(self) -> list:
        if self.confident:
            return []
        return [warning("ambiguous_columns", columns=join_names([self.text, self.label]))]


def sample_rows(count: int, size: int = SAMPLE_ROWS, seed: int = SAMPLE_SEED) -> list[int]:
    """Sorted row indices: all rows when ``count <= size``, else ``size`` drawn at random with ``seed``."""
    if count <= size:
        return list(range(count))
    return sorted(random.Random(seed).sample(range(count), size))


def text_score(stats: ColumnStats, relaxed: bool = False) -> float | None:
    """How much a column looks like free text; None when it cannot be the text.

    Short, repetitive values look like a category, so they are ruled out unless the column is named like a
    text column (``relaxed`` drops that rule for every column: the fallback when nothing else fits).
    """
    if stats.filled < 0.5 or stats.numeric > 0.9 or stats.distinct < 2:
        return None
    hint = name_hint(stats.name, TEXT_HINTS)
    if stats.distinct_ratio < 0.3 and stats.mean_length < 20 and not hint and not relaxed:
        return None
    return math.log1p(stats.mean_length) + 2.0 * stats.distinct_ratio + HINT_WEIGHT * hint


def label_score(stats: ColumnStats, rows: int) -> float | None:
    """How much a column looks like class labels; None when it cannot be the label."""
    if stats.filled < 0.5 or not 2 <= stats.distinct <= MAX_CLASSES or stats.mean_length > 40:
        return None
    hint = name_hint(stats.name, LABEL_HINTS)
    if stats.distinct_ratio >= 1.0 or (stats.distinct_ratio > 0.5 and rows >= 20 and not hint):
        return None  # values that (mostly) never repeat do not name classes, unless the header says they do
    fewness = 1.0 - math.log(stats.distinct) / math.log(MAX_CLASSES + 1)
    shortness = 1.0 - min(stats.mean_length, 40.0) / 40.0
    return fewness + shortness + HINT_WEIGHT * hint


def _ranked(scores: dict[str, float]) -> list[str]:
    return sorted(scores, key=lambda name: -scores[name])


def _close(scores: dict[str, float], ranked: list[str]) -> bool:
    if len(ranked) < 2:
        return False
    best, second = scores[ranked[0]], scores[ranked[1]]
    return best - second <= CLOSE_CALL * abs(best)


def _best_pair(stats: list[ColumnStats], rows: int, relaxed: bool):
    """(text scores, label scores, best (text, label) pair or None) under the strict or the relaxed rules."""
    distinct = {column.name: column.distinct for column in stats}
    texts = {column.name: score for column in stats if (score := text_score(column, relaxed)) is not None}
    labels = {column.name: score for column in stats if (score := label_score(column, rows)) is not None}
    pairs = [(text, label) for text in texts for label in labels
             if text != label and distinct[text] > distinct[label]]
    if not pairs:
        return texts, labels, None
    return texts, labels, max(pairs, key=lambda pair: texts[pair[0]] + labels[pair[1]])


def _refuse_single_label(table, stats: list[ColumnStats], texts: dict[str, float]) -> None:
    """Raise ``one_class`` when the only label-like column holds one value: that says more than "no label"
    (``one_class_labelled`` when the rest of that column is empty)."""
    single = [column.name for column in stats if column.distinct == 1 and column.filled >= 0.5
              and column.name not in texts and name_hint(column.name, LABEL_HINTS)]
    if len(single) == 1:
        cells = [cell.strip() for cell in table.column(single[0])]
        value, empty = next(cell for cell in cells if cell), cells.count("")
        if empty:
            raise DataError("one_class_labelled", label=value, count=empty)
        raise DataError("one_class", label=value)


def guess_columns(table, strict: bool = False) -> ColumnGuess:
    """Guess the text and label columns of a :class:`~core.textdata.loading.Table`.

    Raises DataError: ``one_column``, ``no_text_column``, ``no_label_column``, ``one_class`` (a column named
    like a label holds a single value), and with ``strict`` also
    ``ambiguous_columns`` when the best choice is a near tie or only the relaxed rules found one.
    """
    if len(table.columns) < 2:
        raise DataError("one_column")
    indices = sample_rows(len(table))
    stats = [ColumnStats.of(name, [cells[index] for index in indices])
             for name, cells in ((name, table.column(name)) for name in table.columns)]
    texts, labels, pair = _best_pair(stats, len(indices), relaxed=False)
    weak = pair is None
    if weak:  # short, repetitive texts under unknown names: still a guess, but one to check
        relaxed_texts, relaxed_labels, pair = _best_pair(stats, len(indices), relaxed=True)
        if pair is None:
            if not texts:
                raise DataError("no_text_column", columns=join_names(table.columns))
            _refuse_single_label(table, stats, texts)
            raise DataError("no_label_column", columns=join_names(table.columns), max_classes=MAX_CLASSES)
        texts, labels = relaxed_texts, relaxed_labels
    text, label = pair
    distinct = {column.name: column.distinct for column in stats}
    text_options = {name: score for name, score in texts.items() if name != label and distinct[name] > distinct[label]}
    label_options = {name: score for name, score in labels.items() if name != text and distinct[name] < distinct[text]}
    text_ranked, label_ranked = _ranked(text_options), _ranked(label_options)
    text_close, label_close = _close(text_options, text_ranked), _close(label_options, label_ranked)
    confident = not (weak or text_close or label_close)
    if strict and not confident:
        tied = text_ranked[:2] if text_close else label_ranked[:2] if label_close else [text, label]
        raise DataError("ambiguous_columns", columns=join_names(tied))
    return ColumnGuess(text, label, text_ranked, label_ranked, confident)
