"""Look-alike labels: found, described, merged only on request."""

import pytest

from core.textdata.dataset import LabeledTexts
from core.textdata.labels import align_labels, describe_groups, label_key, merge_labels, similar_label_groups
from core.textdata.loading import Table


@pytest.mark.parametrize("left, right", [
    ("pos", "POS"), ("pos", " pos "), ("very good", "Very  Good"), ("ｐｏｓ", "pos"), ("1", "1.0"), ("01", "1"),
    ("1e0", "1"), ("1,000", "1000"), ("-0", "0"), ("Straße", "STRASSE"),
])
def test_similar(left, right):
    assert label_key(left) == label_key(right)


@pytest.mark.parametrize("left, right", [("pos", "neg"), ("1", "10"), ("0.5", "5"), ("pos", "positive")])
def test_not_similar(left, right):
    assert label_key(left) != label_key(right)


def test_groups_list_the_most_frequent_spelling_first():
    labels = ["pos"] * 5 + ["POS"] * 2 + ["Pos"] + ["neg"] * 4 + ["1.0"] * 3 + ["1"] * 3
    groups = similar_label_groups(labels)
    assert groups == (("1", "1.0"), ("pos", "POS", "Pos"))  # a tie goes to the alphabetically first
    assert merge_labels(["POS", "neg", "1.0", "Pos"], groups) == ["pos", "neg", "1", "pos"]
    assert describe_groups(groups) == "“1” = “1.0”; “pos” = “POS” = “Pos”"
    assert similar_label_groups(["a", "b", "c"]) == ()


def table(labels):
    return Table(["text", "label"], [[f"text {index}", label] for index, label in enumerate(labels)],
                 "utf-8", ",", "csv", [])


def test_from_table_reports_then_merges_before_rare_classes_are_dropped():
    labels = ["pos"] * 6 + ["neg"] * 6 + ["POS"]  # one "POS": alone it would be dropped as a rare class
    kept = LabeledTexts.from_table(table(labels), "text", "label")
    assert kept.similar_labels == (("pos", "POS"),)
    assert [code for code, _ in kept.warnings] == ["similar_labels", "rare_classes_dropped"]
    merged = LabeledTexts.from_table(table(labels), "text", "label", merge_similar_labels=True)
    assert merged.class_counts() == {"neg": 6, "pos": 7} and merged.similar_labels == ()
    assert merged.warnings == [("similar_labels_merged", {"groups": "“pos” = “POS”"})]
    assert merged.texts == kept.texts[:12] + ["text 12"]  # nothing dropped, texts untouched


def test_align_labels_to_the_training_spelling():
    assert align_labels(["POS", "neg ", "1.0", "other"], ["pos", "neg", "1"]) == ["pos", "neg", "1", "other"]
