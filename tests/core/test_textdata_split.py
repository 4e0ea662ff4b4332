"""Stratified split: shuffled, deterministic, disjoint, complete, class ratios kept."""

from collections import Counter

import pytest

from core.textdata.split import held_out, stratified_split

SORTED = ["1"] * 700 + ["0"] * 300  # files sorted by label, as ChnSentiCorp is


def test_disjoint_and_complete():
    train, validation = stratified_split(SORTED)
    assert not set(train) & set(validation)
    assert sorted(train + validation) == list(range(len(SORTED)))
    assert len(validation) == 200


def test_class_ratios_are_kept():
    labels = ["a"] * 503 + ["b"] * 91 + ["c"] * 17
    train, validation = stratified_split(labels, validation_fraction=0.25)
    counts = Counter(labels[index] for index in validation)
    assert counts == {"a": round(503 * 0.25), "b": round(91 * 0.25), "c": round(17 * 0.25)}
    train_counts = Counter(labels[index] for index in train)
    for label, total in Counter(labels).items():
        assert train_counts[label] + counts[label] == total


def test_sorted_input_is_shuffled():
    train, validation = stratified_split(SORTED, seed=3)
    assert train != sorted(train) and validation != sorted(validation)
    first_labels = {SORTED[index] for index in validation[:20]}
    assert first_labels == {"0", "1"}  # the classes are mixed, not in runs


def test_deterministic_per_seed():
    assert stratified_split(SORTED, seed=5) == stratified_split(SORTED, seed=5)
    assert stratified_split(SORTED, seed=5) != stratified_split(SORTED, seed=6)


def test_small_classes_land_in_both_parts():
    labels = ["big"] * 50 + ["two"] * 2 + ["three"] * 3 + ["one"]
    train, validation = stratified_split(labels, validation_fraction=0.1)
    val_labels = {labels[index] for index in validation}
    train_labels = {labels[index] for index in train}
    assert {"two", "three"} <= val_labels and {"two", "three", "one"} <= train_labels
    assert "one" not in val_labels


def test_held_out_counts_what_the_split_holds_out():
    labels = ["big"] * 50 + ["two"] * 2 + ["three"] * 3 + ["one"] + ["odd"] * 7
    for fraction in (0.05, 0.1, 0.2, 0.5, 0.95):
        _, validation = stratified_split(labels, validation_fraction=fraction)
        counts = Counter(labels[index] for index in validation)
        assert all(counts[label] == held_out(total, fraction) for label, total in Counter(labels).items())


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 1.5])
def test_fraction_must_be_a_proper_share(fraction):
    with pytest.raises(ValueError):
        stratified_split(SORTED, validation_fraction=fraction)
