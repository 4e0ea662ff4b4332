"""A stratified, shuffled, deterministic train/validation split.

Uploaded files are often sorted by label (ChnSentiCorp lists every positive review first), so taking the last 20%
as validation would validate on one class only. Each class is shuffled and cut on its own, which keeps the class
ratios of the whole file in both parts and puts every class with at least two examples into both.
"""

from __future__ import annotations

from typing import Hashable, Sequence

import numpy as np


def held_out(count: int, validation_fraction: float) -> int:
    """How many of a class's ``count`` examples `stratified_split` puts into validation."""
    return min(max(round(count * validation_fraction), 1), count - 1) if count >= 2 else 0


def stratified_split(labels: Sequence[Hashable], validation_fraction: float = 0.2,
                     seed: int = 0) -> tuple[list[int], list[int]]:
    """(train_indices, validation_indices): disjoint, together every index once, each part shuffled.

    A class of n >= 2 examples puts round(n * validation_fraction) of them, clipped to [1, n - 1], into
    validation; a class of one example stays in training. The same labels and seed give the same split.
    """
    if not 0.0 < validation_fraction < 1.0:
        raise ValueError(f"validation_fraction must be in (0, 1), got {validation_fraction}")
    rng = np.random.default_rng(seed)
    by_class: dict[Hashable, list[int]] = {}
    for index, label in enumerate(labels):
        by_class.setdefault(label, []).append(index)
    train: list[int] = []
    validation: list[int] = []
    for label in sorted(by_class, key=repr):  # a fixed order, whatever the label type
        indices = np.asarray(by_class[label])
        rng.shuffle(indices)
        count = len(indices)
        taken = held_out(count, validation_fraction)
        validation.extend(indices[:taken].tolist())
        train.extend(indices[taken:].tolist())
    # Shuffle across classes too, so training never sees a long run of one class.
    return [train[i] for i in rng.permutation(len(train))], [validation[i] for i in rng.permutation(len(validation))]
