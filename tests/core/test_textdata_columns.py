"""Guessing the text and label columns from cells and header names."""

import pytest

from core.textdata.columns import ColumnStats, guess_columns
from core.textdata.errors import DataError
from core.textdata.loading import Table, read_table

REVIEWS = [
    "The room was spotless and the staff were friendly",
    "Terrible service, we waited an hour for a cold meal",
    "Great location near the station, would stay again",
    "The bed was hard and the walls were thin",
    "Breakfast was generous and the coffee excellent",
    "Noisy at night and the air conditioning was broken",
    "Lovely view of the river from our balcony",
    "Overpriced for what you get, not coming back",
    "房间干净整洁，服务员很热情",
    "隔音太差，晚上根本睡不着",
    "早餐种类丰富，性价比很高",
    "前台态度冷淡，入住等了半小时",
]
LABELS = ["pos", "neg"] * 6


def table_of(columns, *cells):
    return Table(list(columns), [list(row) for row in zip(*cells)], "utf-8", ",", "csv", [])


def test_content_decides_without_names():
    ids = [str(1000 + index) for index in range(12)]
    stars = [str(index % 5 + 1) for index in range(12)]
    dates = [f"2024-03-{index + 1:02d}" for index in range(12)]
    table = table_of(["#1", "#2", "#3", "#4", "#5"], ids, dates, LABELS, REVIEWS, stars)
    guess = guess_columns(table)
    assert guess.text == "#4" and guess.label == "#3"
    assert guess.candidates_text[0] == "#4" and "#1" not in guess.candidates_text  # numbers are not text
    assert guess.candidates_label[:2] == ["#3", "#5"]


@pytest.mark.parametrize("text_name, label_name", [
    ("review", "sentiment"), ("content", "category"), ("评论", "标签"), ("内容", "类别"), ("review_text", "Label"),
])
def test_names_are_hints(text_name, label_name):
    titles = [review.split(",")[0][:18] for review in REVIEWS]  # shorter text: names must tip the balance
    table = table_of(["title", text_name, label_name, "topic"], titles, REVIEWS, LABELS,
                     ["hotel", "food", "room"] * 4)
    guess = guess_columns(table)
    assert (guess.text, guess.label) == (text_name, label_name)
    assert guess.confident


def test_a_label_name_does_not_make_free_text_a_label():
    table = table_of(["label", "text"], REVIEWS * 2, LABELS * 2)  # names swapped by mistake
    guess = guess_columns(table)
    assert (guess.text, guess.label) == ("label", "text")


def test_pandas_index_column_is_ignored():
    data = ",text,label\n" + "".join(f"{index},\"{review}\",{label}\n"
                                      for index, (review, label) in enumerate(zip(REVIEWS, LABELS)))
    table = read_table(data.encode("utf-8"))
    assert table.columns == ["#1", "text", "label"]
    guess = guess_columns(table)
    assert (guess.text, guess.label) == ("text", "label")


def test_one_column():
    with pytest.raises(DataError) as caught:
        guess_columns(table_of(["text"], REVIEWS))
    assert caught.value.code == "one_column"


def test_a_label_column_half_empty_with_one_value_says_the_rest_is_empty():
    labels = ["pos", ""] * 6  # the negatives were never labelled
    with pytest.raises(DataError) as caught:
        guess_columns(table_of(["text", "label"], REVIEWS, labels))
    assert caught.value.code == "one_class_labelled" and caught.value.params == {"label": "pos", "count": 6}
    with pytest.raises(DataError) as caught:
        guess_columns(table_of(["text", "label"], REVIEWS, ["pos"] * 12))
    assert caught.value.code == "one_class"


def test_no_text_column():
    table = table_of(["a", "b"], [str(index) for index in range(12)], LABELS)
    with pytest.raises(DataError) as caught:
        guess_columns(table)
    assert caught.value.code == "no_text_column" and caught.value.params == {"columns": "a, b"}


def test_no_label_column():
    table = table_of(["question", "answer"], REVIEWS, [review[::-1] for review in REVIEWS])
    with pytest.raises(DataError) as caught:
        guess_columns(table)
    assert caught.value.code == "no_label_column"
    assert caught.value.params == {"columns": "question, answer", "max_classes": 50}


def test_too_many_distinct_values_is_no_label():
    texts = [f"{review} ({index})" for index, review in enumerate(REVIEWS * 10)]
    table = table_of(["text", "label"], texts, [f"class {index}" for index in range(120)])
    with pytest.raises(DataError) as caught:
        guess_columns(table)
    assert caught.value.code == "no_label_column"


def test_ambiguous_columns_best_guess_or_strict_error():
    # Two unnamed text columns alike in length and variety: the page asks, the command line refuses.
    other = [review.upper() for review in REVIEWS]
    table = table_of(["#1", "#2", "#3"], REVIEWS, other, LABELS)
    guess = guess_columns(table)
    assert guess.text in ("#1", "#2") and guess.label == "#3" and not guess.confident
    assert guess.warnings == [("ambiguous_columns", {"columns": f"{guess.text}, #3"})]
    with pytest.raises(DataError) as caught:
        guess_columns(table, strict=True)
    assert caught.value.code == "ambiguous_columns" and caught.value.params == {"columns": "#1, #2"}


def test_column_stats():
    stats = ColumnStats.of("x", ["a", "bb", "", "a", "3"])
    assert stats.filled == 0.8 and stats.distinct == 3 and stats.mean_length == 1.25
    assert stats.distinct_ratio == 0.75 and stats.numeric == 0.25
