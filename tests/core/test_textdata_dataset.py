"""Labelled texts: validation for training, and the profile the page shows before training."""

import numpy as np
import pytest

from core.textdata.dataset import LabeledTexts, class_order, profile
from core.textdata.errors import DataError
from core.textdata.loading import Table


def table_of(texts, labels, warnings=()):
    return Table(["text", "label"], [[text, label] for text, label in zip(texts, labels)], "utf-8", ",", "csv",
                 list(warnings))


def error_of(table, **kwargs) -> DataError:
    with pytest.raises(DataError) as caught:
        LabeledTexts.from_table(table, "text", "label", **kwargs)
    return caught.value


def test_pairs_are_kept_in_order_and_labels_stripped():
    texts = [f"  text {index} " for index in range(12)]
    labels = [" pos", "neg "] * 6
    data = LabeledTexts.from_table(table_of(texts, labels, [("text_too_long", {"count": 1, "limit": 9})]),
                                   "text", "label")
    assert data.texts == texts  # texts exactly as written
    assert data.labels == ["pos", "neg"] * 6
    assert data.classes == ["neg", "pos"] and data.class_counts() == {"neg": 6, "pos": 6}
    assert data.warnings == [("text_too_long", {"count": 1, "limit": 9})]  # the table's warnings travel on
    assert len(data.subset([0, 3])) == 2 and data.subset([0, 3]).labels == ["pos", "neg"]


def test_empty_texts_and_labels_are_dropped_and_counted():
    texts = [f"text {index}" for index in range(12)] + ["", "   ", "orphan"]
    labels = ["a", "b"] * 6 + ["a", "b", ""]
    data = LabeledTexts.from_table(table_of(texts, labels), "text", "label")
    assert len(data) == 12 and data.warnings == [("empty_rows", {"count": 3})]


def test_single_example_classes_are_dropped_and_named():
    texts = [f"text {index}" for index in range(14)]
    labels = ["a", "b"] * 6 + ["typo", "c"]
    data = LabeledTexts.from_table(table_of(texts, labels), "text", "label")
    assert data.classes == ["a", "b"]
    assert data.warnings == [("rare_classes_dropped", {"labels": "c, typo", "count": 2})]


def test_one_class():
    error = error_of(table_of([f"t{index}" for index in range(12)], ["spam"] * 12))
    assert error.code == "one_class" and error.params == {"label": "spam"}
    error = error_of(table_of([f"t{index}" for index in range(13)], ["spam"] * 11 + ["ham", "eggs"]))
    # "ham" and "eggs" alone cannot be split, which leaves one class: the message names them, not "all the same"
    assert error.code == "one_class_left"
    assert error.params == {"label": "spam", "labels": "eggs, ham", "minimum": 2}


def test_one_class_once_the_rows_without_a_label_are_left_out():
    # half the labels empty, the rest all "spam": the message says the others were empty, not "all the same"
    error = error_of(table_of([f"t{index}" for index in range(24)], ["spam", ""] * 12))
    assert error.code == "one_class_labelled" and error.params == {"label": "spam", "count": 12}


def test_too_few_rows():
    error = error_of(table_of(["a", "b", "c", "d"], ["x", "y", "x", "y"]))
    assert error.code == "too_few_rows" and error.params == {"rows": 4, "minimum": 10}
    assert error_of(table_of([""] * 20, ["x"] * 20)).params == {"rows": 0, "minimum": 10}


def test_too_many_classes():
    texts = [f"text {index}" for index in range(200)]
    error = error_of(table_of(texts, [str(index % 60) for index in range(200)]))
    assert error.code == "too_many_classes" and error.params == {"count": 60, "limit": 50}


def test_same_and_unknown_columns():
    table = table_of([f"t{index}" for index in range(12)], ["a", "b"] * 6)
    with pytest.raises(DataError) as caught:
        LabeledTexts.from_table(table, "text", "text")
    assert caught.value.code == "same_column"
    with pytest.raises(DataError) as caught:
        LabeledTexts.from_table(table, "text", "category")
    assert caught.value.code == "unknown_column"


def test_class_order_is_natural():
    assert class_order(["10", "2", "1", "2"]) == ["1", "2", "10"]
    assert class_order(["spam", "ham", "Ham"]) == ["Ham", "ham", "spam"]


def test_profile_counts_lengths_and_histogram():
    texts = ["a" * length for length in range(1, 101)]
    labels = ["x"] * 50 + ["y"] * 50
    result = profile(texts, labels, bins=10)
    assert result.size == 100 and result.classes == ["x", "y"] and result.class_counts == [50, 50]
    assert result.length_unit == "characters"
    assert (result.length_min, result.length_max) == (1, 100)
    assert result.length_median == 50.5 and result.length_mean == 50.5
    assert result.length_p95 == pytest.approx(np.percentile(np.arange(1, 101), 95))
    assert len(result.histogram_edges) == 11 and sum(result.histogram_counts) + result.histogram_overflow == 100
    assert result.histogram_overflow == 1  # beyond the 99th percentile: kept out of the bars, still counted
    assert result.warnings == []


def test_histogram_bins_hold_whole_lengths_so_no_bar_is_missing():
    lengths = [length for length in range(7, 20) for _ in range(5)]  # 13 lengths, fewer than the 20 bins
    result = profile(["t"] * len(lengths), ["x", "y"] * (len(lengths) // 2) + ["x"], lengths=lengths, bins=20)
    np.testing.assert_allclose(result.histogram_edges, np.arange(6.5, 20.5))  # one bin per length, 7 … 19
    assert result.histogram_counts == [5] * 13 and result.histogram_overflow == 0
    wide = profile(["t"] * 100, ["x", "y"] * 50, lengths=list(range(100)), bins=10)
    assert np.all(np.diff(wide.histogram_edges) == 10)  # 0-9, 10-19, …: ten whole lengths a bin
    assert wide.histogram_counts == [10] * 9 + [9] and wide.histogram_overflow == 1  # 99 is past the 99th percentile


def test_profile_with_token_lengths():
    result = profile(["one two", "three"], ["a", "b"], lengths=[2, 1])
    assert result.length_unit == "tokens" and result.length_max == 2
    with pytest.raises(ValueError):
        profile(["one"], ["a"], lengths=[1, 2])


def test_profile_warnings():
    texts = [f"text {index}" for index in range(60)] + ["same"] * 3 + ["both"] * 2
    labels = ["major"] * 57 + ["minor"] * 3 + ["major"] * 3 + ["major", "minor"]
    result = profile(texts, labels)
    codes = dict(result.warnings)
    assert codes["imbalance"] == {"majority": "major", "minority": "minor", "ratio": round(61 / 4, 1)}
    assert codes["tiny_class"] == {"labels": "minor", "minimum": 10}
    assert codes["duplicate_texts"] == {"count": 3} and result.duplicate_texts == 3
    assert codes["conflicting_labels"] == {"count": 1} and result.conflicting_texts == 1


def test_balanced_enough_has_no_imbalance_warning():
    labels = ["a"] * 40 + ["b"] * 10  # ratio 4, minority 20%
    result = profile([f"t{index}" for index in range(50)], labels)
    assert "imbalance" not in dict(result.warnings)
