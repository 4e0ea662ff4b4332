"""Quoted fields written after a space ('1, "Great food, slow", "pos"'): core/textdata/delimited.py Layout.spaced."""

from core.textdata.loading import read_table


def test_quoted_fields_after_a_space_are_read_as_quoted():
    # before, the space kept the quote from opening, the comma inside split the text, and every row was ragged
    triples = [(str(index), f"text number {index}, with a comma", "pos neg".split()[index % 2]) for index in range(40)]
    lines = ['"id", "text", "label"'] + [f'{index}, "{text}", "{label}"' for index, text, label in triples]
    table = read_table("\n".join(lines).encode("utf-8"), "spaced.csv")
    assert table.columns == ["id", "text", "label"]
    assert [tuple(row) for row in table.rows] == triples and table.warnings == []


def test_a_few_spaced_quotes_do_not_change_unquoted_texts():
    # most lines unquoted with a comma inside the text: no space is skipped, so the joined texts keep their spaces
    pairs = [(f"review {index}, with a comma", "ab"[index % 2]) for index in range(20)]
    lines = ["text,label"] + [f"{text},{label}" for text, label in pairs] + ['said, "hello" twice,a']
    table = read_table("\n".join(lines).encode("utf-8"), "mostly_plain.csv")
    assert [tuple(row) for row in table.rows][:20] == pairs
