"""Labelled texts checked for training, and a profile of them for the page to show before training starts.

``LabeledTexts.from_table`` turns two chosen columns into (text, label) pairs and refuses what cannot train: fewer
than ``MIN_ROWS`` rows, a single class, or more classes than ``MAX_CLASSES`` (usually the wrong column). Rows with an
empty text or label are dropped and counted; a class with a single example is dropped too (a stratified split needs
two, one for training and one for validation) and named in a warning, so "spam" x 11 plus one "ham" is one class.
Labels that differ only in spelling (``pos`` / ``POS``, ``1`` / ``1.0``, see ``labels``) are reported as
``similar_labels``, or merged before anything else when ``merge_similar_labels`` is set.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from core.textdata.columns import MAX_CLASSES
from core.textdata.delimited import is_number
from core.textdata.errors import DataError, Warning, join_names, warning
from core.textdata.label_lists import first_listed
from core.textdata.labels import describe_groups, merge_labels, similar_label_groups

MIN_ROWS = 10
MIN_PER_CLASS = 2  # one for training, one for validation
TINY_CLASS = 10  # fewer examples than this: the validation score of that class is noise
IMBALANCE_RATIO = 5.0  # majority / minority above this: accuracy alone misleads
MINORITY_SHARE = 0.10


def class_order(labels) -> list[str]:
    """Distinct labels in natural order: numerically when all are numbers ("2" before "10"), else by text."""
    distinct = set(labels)
    if all(is_number(label) for label in distinct):
        return sorted(distinct, key=lambda label: (float(label.replace(",", "")), label))
    return sorted(distinct)


@dataclass(frozen=True)
class LabeledTexts:
    """Parallel lists: ``texts[i]`` carries ``labels[i]``."""

    texts: list[str]
    labels: list[str]
    warnings: list[Warning] = field(default_factory=list)  # what was dropped on the way, for the page
    similar_labels: tuple[tuple[str, ...], ...] = ()  # unmerged groups of look-alike labels (see `labels`)

    def __post_init__(self):
        if len(self.texts) != len(self.labels):
            raise ValueError(f"{len(self.texts)} texts but {len(self.labels)} labels")

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def classes(self) -> list[str]:
        return class_order(self.labels)

    def class_counts(self) -> dict[str, int]:
        counts = Counter(self.labels)
        return {label: counts[label] for label in self.classes}

    def subset(self, indices: Sequence[int]) -> "LabeledTexts":
        return LabeledTexts([self.texts[index] for index in indices], [self.labels[index] for index in indices])

    @classmethod
    def from_table(cls, table, text_column: str, label_column: str, min_rows: int = MIN_ROWS,
                   max_classes: int = MAX_CLASSES, merge_similar_labels: bool = False) -> "LabeledTexts":
        """Pairs from two columns of a :class:`~core.textdata.loading.Table`, validated for training.

        ``merge_similar_labels``: labels such as ``pos`` and ``POS`` become one class (the most frequent
        spelling), reported as ``similar_labels_merged``; otherwise they stay apart and are reported as
        ``similar_labels`` with the groups in ``similar_labels``.
        """
        if text_column == label_column:
            raise DataError("same_column", name=text_column)
        texts_in, labels_in = table.column(text_column), table.column(label_column)
        warnings = list(table.warnings)
        # Labels are compared stripped (" spam" is "spam"); texts stay exactly as written.
        pairs = [(text, label.strip()) for text, label in zip(texts_in, labels_in)]
        listed = [first_listed(label) for _, label in pairs]
        if any(listed):  # labels written as lists: one label per text, the first (core/textdata/label_lists.py)
            pairs = [(text, label if item is None else item[0]) for (text, label), item in zip(pairs, listed)]
            several = sum(item is not None and item[1] > 1 for item in listed)
            if several:
                warnings.append(warning("first_label_kept", count=several))
        kept = [(text, label) for text, label in pairs if text.strip() and label]
        if len(kept) < len(pairs):
            warnings.append(warning("empty_rows", count=len(pairs) - len(kept)))
        groups = similar_label_groups(label for _, label in kept)
        if groups and merge_similar_labels:
            merged = merge_labels([label for _, label in kept], groups)
            kept = [(text, label) for (text, _), label in zip(kept, merged)]
            warnings.append(warning("similar_labels_merged", groups=describe_groups(groups)))
            groups = ()
        elif groups:
            warnings.append(warning("similar_labels", groups=describe_groups(groups)))
        counts = Counter(label for _, label in kept)
        if len(counts) > max_classes:
            raise DataError("too_many_classes", count=len(counts), limit=max_classes)
        rare = [label for label in class_order(counts) if counts[label] < MIN_PER_CLASS]
        if rare:
            kept = [(text, label) for text, label in kept if counts[label] >= MIN_PER_CLASS]
            warnings.append(warning("rare_classes_dropped", labels=join_names(rare),
                                    count=sum(counts[label] for label in rare)))
            counts = Counter(label for _, label in kept)
        if len(kept) < min_rows:
            raise DataError("too_few_rows", rows=len(kept), minimum=min_rows)
        if len(counts) < 2 and rare:  # the file had more labels: say which were too rare, not "all the same"
            raise DataError("one_class_left", label=next(iter(counts)), labels=join_names(rare),
                            minimum=MIN_PER_CLASS)
        if len(counts) < 2 and len(pairs) > len(kept):  # say that the rest had no label, not "all the same"
            raise DataError("one_class_labelled", label=next(iter(counts)), count=len(pairs) - len(kept))
        if len(counts) < 2:
            raise DataError("one_class", label=next(iter(counts)))
        return cls([text for text, _ in kept], [label for _, label in kept], warnings, groups)


@dataclass(frozen=True)
class DatasetProfile:
    """Counts, lengths and warnings of a labelled dataset (what the page shows before training)."""

    size: int
    classes: list[str]
    class_counts: list[int]  # aligned with `classes`
    length_unit: str  # "characters" or "tokens"
    length_min: int
    length_median: float
    length_mean: float
    length_p95: float
    length_max: int
    histogram_edges: list[float]  # at most bins+1 edges over [min, 99th percentile], halfway between whole lengths
    histogram_counts: list[int]  # texts per bin; longer ones are in `histogram_overflow`
    histogram_overflow: int
    duplicate_texts: int  # texts that repeat an earlier one exactly
    conflicting_texts: int  # distinct texts that appear with more than one label
    warnings: list[Warning]


def profile(texts: Sequence[str], labels: Sequence[str], lengths: Sequence[int] | None = None,
            length_unit: str | None = None, bins: int = 20) -> DatasetProfile:
    """Profile a dataset. ``lengths`` (e.g. token counts) default to character counts of ``texts``."""
    if len(texts) != len(labels) or not texts:
        raise ValueError("profile needs equally many texts and labels, at least one")
    if lengths is None:
        lengths, length_unit = [len(text) for text in texts], length_unit or "characters"
    if len(lengths) != len(texts):
        raise ValueError(f"{len(lengths)} lengths for {len(texts)} texts")
    values = np.asarray(lengths, dtype=np.float64)  # (num_texts,)
    classes = class_order(labels)
    counts = Counter(labels)
    class_counts = [counts[label] for label in classes]
    low = float(values.min())
    top = math.floor(max(float(np.percentile(values, 99)), low + 1.0))
    # Lengths are whole numbers: each bin holds a whole number of lengths and its edges lie halfway between
    # two lengths, so no bin falls between two lengths and draws a false gap (15 lengths in 20 bins would).
    width = max(1, math.ceil((top - low + 1) / bins))
    edges = low - 0.5 + width * np.arange(math.ceil((top - low + 1) / width) + 1)  # (at most bins + 1,)
    histogram, _ = np.histogram(values[values <= top], bins=edges)
    labels_of: dict[str, set[str]] = {}
    for text, label in zip(texts, labels):
        labels_of.setdefault(text, set()).add(label)
    duplicates = len(texts) - len(labels_of)
    conflicts = sum(1 for seen in labels_of.values() if len(seen) > 1)
    return DatasetProfile(
        size=len(texts), classes=classes, class_counts=class_counts, length_unit=length_unit or "tokens",
        length_min=int(values.min()), length_median=float(np.median(values)), length_mean=float(values.mean()),
        length_p95=float(np.percentile(values, 95)), length_max=int(values.max()),
        histogram_edges=edges.tolist(), histogram_counts=histogram.astype(int).tolist(),
        histogram_overflow=int((values > top).sum()),
        duplicate_texts=duplicates, conflicting_texts=conflicts,
        warnings=_profile_warnings(classes, class_counts, duplicates, conflicts),
    )


def _profile_warnings(classes: list[str], counts: list[int], duplicates: int, conflicts: int) -> list[Warning]:
    warnings = []
    if len(classes) >= 2:
        majority = classes[int(np.argmax(counts))]
        minority = classes[int(np.argmin(counts))]
        ratio = max(counts) / min(counts)
        if ratio > IMBALANCE_RATIO or min(counts) / sum(counts) < MINORITY_SHARE:
            warnings.append(warning("imbalance", majority=majority, minority=minority, ratio=round(ratio, 1)))
    tiny = [label for label, count in zip(classes, counts) if count < TINY_CLASS]
    if tiny:
        warnings.append(warning("tiny_class", labels=join_names(tiny), minimum=TINY_CLASS))
    if duplicates:
        warnings.append(warning("duplicate_texts", count=duplicates))
    if conflicts:
        warnings.append(warning("conflicting_labels", count=conflicts))
    return warnings
