"""Labels written as lists (core/textdata/label_lists.py): multi-label data trains on each text's first label."""

import json

import pytest

from core.textdata.label_lists import first_listed
from core.textdata.loading import read_table
from core.textdata.prepare import prepare


@pytest.mark.parametrize("cell, expected", [
    ('["joy", "surprise"]', ("joy", 2)), ("[2, 27]", ("2", 2)), ("['neg']", ("neg", 1)), ("[ ' pos ' ]", ("pos", 1)),
    ("[0.5, 1]", ("0.5", 2)),
    ("pos", None), ("[]", None), ("[positive]", None), ('[{"a": 1}]', None), ("[true, false]", None),
    ("[__import__('os')]", None), ("[" + "[" * 5000 + "]" * 5000 + "]", None), ("[1, 2", None)])
def test_first_listed(cell, expected):
    assert first_listed(cell) == expected


def test_json_lines_with_label_lists_train_on_the_first_label():
    rows = [(f"text {index}", ["pos", "neg"][index % 2]) for index in range(30)]
    data = "".join(json.dumps({"text": text, "labels": [label] if index % 3 else [label, "other"]}) + "\n"
                   for index, (text, label) in enumerate(rows)).encode("utf-8")
    table = read_table(data, "multi.jsonl")
    assert table.rows[1] == ["text 1", "neg"]  # a list of one is its label as soon as the file is read
    prepared = prepare(table)
    assert prepared.data.labels == [label for _, label in rows]
    assert ("first_label_kept", {"count": 10}) in prepared.notices


def test_pandas_list_columns_in_a_csv_read_the_same():
    rows = [(f"text {index}", ["pos", "neg"][index % 2]) for index in range(30)]
    lines = ["text,labels"] + [f'{text},"{[label] if index % 3 else [label, "other"]}"'
                               for index, (text, label) in enumerate(rows)]
    prepared = prepare(read_table("\n".join(lines).encode("utf-8"), "multi.csv"))
    assert prepared.data.classes == ["neg", "pos"]
    assert ("first_label_kept", {"count": 10}) in prepared.notices
