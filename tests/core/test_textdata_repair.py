"""Two-column files written without quoting, where every row has the same width: when the fields are pieces of
sentences (core/textdata/repair.py), and when they are columns."""

from __future__ import annotations

import pytest

from core.textdata.loading import read_table

REVIEWS = [("Great food, slow service", "positive"), ("Terrible, never again", "negative"),
           ("Nice place, friendly staff", "positive"), ("Cold soup, rude waiter", "negative"),
           ("Lovely, would return", "positive"), ("Dirty tables, long wait", "negative")]


@pytest.mark.parametrize("label_first", [False, True])
def test_every_text_holding_exactly_one_comma_is_one_text(label_first):
    # Every row has three fields, so no width stands out; before, three columns were read and every text cut.
    lines = [f"{label},{text}" if label_first else f"{text},{label}" for text, label in REVIEWS]
    table = read_table("\n".join(lines).encode("utf-8"), "reviews.csv")
    assert table.columns == ["#1", "#2"]
    text_column, label_column = (1, 0) if label_first else (0, 1)
    assert [(row[text_column], row[label_column]) for row in table.rows] == REVIEWS
    assert table.warnings == [("rows_repaired", {"count": len(REVIEWS)})]


def test_a_file_separated_by_comma_and_space_keeps_its_columns():
    # the label has a space before it too: a writer's separator, not a sentence going on
    lines = [f"{text.replace(',', ';')}, note {index}, {label}" for index, (text, label) in enumerate(REVIEWS)]
    table = read_table("\n".join(lines).encode("utf-8"), "notes.csv")
    assert table.columns == ["#1", "#2", "#3"]
    assert table.rows[0] == ["Great food; slow service", " note 0", " positive"]


def test_fields_without_a_space_after_the_comma_stay_columns():
    lines = [f"{text.split(',')[0]},{index % 3},{label}" for index, (text, label) in enumerate(REVIEWS)]
    table = read_table("\n".join(lines).encode("utf-8"), "three.csv")
    assert table.columns == ["#1", "#2", "#3"]


def test_an_id_column_of_one_width_stays_apart():
    lines = [f"{index}, {text.split(',')[0]},{label}" for index, (text, label) in enumerate(REVIEWS)]
    table = read_table("\n".join(lines).encode("utf-8"), "ids.csv")
    assert table.columns == ["#1", "#2", "#3"]
    assert table.rows[0] == ["0", " Great food", "positive"]


@pytest.mark.parametrize("header", ["", "text,label\n"])
def test_trailing_delimiters_after_texts_with_commas(header):
    # a spreadsheet's export: "text,label,," where texts hold commas; the empty cells go, the texts come back whole
    pairs = [(f"review {index}, with a comma" if index % 5 else f"review {index} plain", "ab"[index % 2])
             for index in range(40)]
    lines = [f"{text},{label},," for text, label in pairs]
    table = read_table((header + "\n".join(lines)).encode("utf-8"), "export.csv")
    assert [tuple(row) for row in table.rows] == pairs
    assert table.warnings == [("rows_repaired", {"count": sum("," in text for text, _ in pairs)})]


def test_an_empty_label_cell_of_its_own_width_is_kept():
    # a row as wide as the header keeps its empty last cell: only cells past the width are trimmed
    table = read_table(b"id,text,label\n1,hello,a\n2,hi there,\n3,see you,b\n", "gaps.csv")
    assert table.rows[1] == ["2", "hi there", ""]


def test_a_first_text_without_a_comma_is_not_taken_for_a_header():
    # The first row is "text,label"-wide, most rows below are longer: compared over all of them, the pieces of texts
    # under its label read as a long-text column under a short name, and the row was lost as a header.
    tails = ["the staff were friendly and helpful", "we waited almost an hour for our food",
             "the rooms were clean and quiet", "breakfast was cold and overpriced"]
    labels = "pos neg neg pos neg pos pos neg pos".split()
    pairs = [("Lovely stay overall", "pos")] + [
        (f"Review {index}, {tails[index % 4]} ({index})" if index % 3 else f"Review {index} without a comma",
         labels[index % 9])
        for index in range(1, 60)]
    table = read_table("\n".join(f"{text},{label}" for text, label in pairs).encode("utf-8"), "reviews.csv")
    assert table.columns == ["#1", "#2"]
    assert [tuple(row) for row in table.rows] == pairs


@pytest.mark.parametrize("header", ["id,review,label\n", ""])
def test_commas_go_back_into_the_one_text_column_of_a_wider_file(header):
    # id,text,label written without quoting: before, every row with a comma in its text was skipped, and a file
    # where most texts hold one was refused as ragged
    triples = [(str(index), f"review {index}, with a comma" if index % 3 else f"review {index}", "ab"[index % 2])
               for index in range(30)]
    triples[4] = ("4", "review 4, with two, commas", "a")
    lines = [",".join(triple) for triple in triples]
    table = read_table((header + "\n".join(lines)).encode("utf-8"), "wide.csv")
    assert [tuple(row) for row in table.rows] == triples
    assert table.warnings == [("rows_repaired", {"count": sum("," in text for _, text, _ in triples)})]


def test_two_free_text_columns_leave_the_commas_ambiguous():
    # title,body,label: a long row's comma could belong to either text, so such rows are skipped, not guessed
    lines = ["title,body,label"] + [f"title {index},body number {index},{'ab'[index % 2]}" for index in range(20)]
    lines += ["a title, with a comma,a body,a", "a title,a body, with a comma,b"]
    table = read_table("\n".join(lines).encode("utf-8"), "two_texts.csv")
    assert len(table) == 20
    assert table.warnings == [("ragged_rows", {"count": 2, "total": 22})]


def test_a_joined_row_must_read_like_the_others():
    # the last cell after joining must be one of the label column's values, the first a number like the ids
    lines = ["id,text,label"] + [f"{index},text {index},{'ab'[index % 2]}" for index in range(20)]
    lines += ["20,text, with a comma,c", "x,text, with a comma,a", "21,text, with a comma,a"]
    table = read_table("\n".join(lines).encode("utf-8"), "checked.csv")
    assert table.rows[-1] == ["21", "text, with a comma", "a"] and len(table) == 21
    assert ("ragged_rows", {"count": 2, "total": 23}) in table.warnings


def test_a_genuine_fourth_column_is_not_joined_into_the_text():
    # id,text,note,label without a header, a few rows missing their note: the narrower width would join the notes
    # into the texts, but the notes do not go on after a space as a sentence would, so four columns stay
    lines = [f"{index},text {index},note{index % 7},{'ab'[index % 2]}" for index in range(30)]
    lines += [f"{index},text {index},{'ab'[index % 2]}" for index in range(30, 36)]
    table = read_table("\n".join(lines).encode("utf-8"), "four.csv")
    assert table.columns == ["#1", "#2", "#3", "#4"] and len(table) == 30


@pytest.mark.parametrize("header", ["id,text,label\n", ""])
def test_every_text_of_a_wider_file_holding_one_comma(header):
    # no row has the header's width (or, without one, every row is four fields): the text column is still found
    triples = [(str(index), f"review number {index}, " + ["great food", "cold soup and a wait"][index % 2],
                ["pos", "neg"][index % 2]) for index in range(40)]
    table = read_table((header + "\n".join(",".join(triple) for triple in triples)).encode("utf-8"), "wide.csv")
    assert [tuple(row) for row in table.rows] == triples
    assert table.warnings == [("rows_repaired", {"count": 40})]


def test_a_file_with_comma_and_space_between_all_fields_keeps_four_columns():
    lines = [f"{index}, text {index}, note {index % 3}, {'ab'[index % 2]}" for index in range(30)]
    table = read_table("\n".join(lines).encode("utf-8"), "spaced_four.csv")
    assert table.columns == ["#1", "#2", "#3", "#4"]
