"""Reading uploads into tables: formats, delimiters, quoting, headers, damage and limits."""

import csv
import io
import json

import pytest

from core.textdata.errors import DataError
from core.textdata.loading import MAX_TEXT_CHARS, Table, read_path, read_table

ROWS = [
    ("今天天气晴朗，适合出门散步。", "天气"),
    ("The match ended 2-1, after \"extra\" time", "体育"),
    ("这家餐厅的红烧肉肥而不腻；价格也实惠！", "美食"),
    ("New phone | battery lasts twice as long", "科技"),
    ("明天有雨，记得带伞", "天气"),
    ("She won the final in straight sets", "体育"),
]


def as_csv(rows, delimiter=",", header=("text", "label")) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def error_code(data: bytes, **kwargs) -> str:
    with pytest.raises(DataError) as caught:
        read_table(data, **kwargs)
    return caught.value.code


@pytest.mark.parametrize("delimiter, form", [(",", "csv"), ("\t", "tsv"), (";", "csv"), ("|", "csv")])
def test_delimiters_are_detected(delimiter, form):
    table = read_table(as_csv(ROWS, delimiter).encode("utf-8"))
    assert table.delimiter == delimiter and table.format == form
    assert table.columns == ["text", "label"]
    assert [tuple(row) for row in table.rows] == ROWS
    assert table.warnings == []


def test_quoted_fields_with_commas_newlines_and_quotes():
    rows = [("Line one,\nline two, \"quoted\"", "a"), ("plain", "b"), ("多行\r\n文本，带逗号", "a"), ("x, y", "b")]
    table = read_table(as_csv(rows).encode("utf-8"))
    assert [tuple(row) for row in table.rows] == rows


def test_windows_line_ends_and_trailing_blank_lines():
    text = as_csv(ROWS).replace("\n", "\r\n") + "\r\n\r\n"
    table = read_table(text.encode("utf-8"))
    assert [tuple(row) for row in table.rows] == ROWS


def test_labeled_lines_without_header_split_on_first_tab():
    # The SMS Spam Collection's own layout: label<TAB>text, unquoted, texts may hold tabs and stray quotes.
    lines = ['ham\tOk lar... Joking wif u oni...', 'spam\tFREE entry\tin 2 a "wkly" comp',
             'ham\t"Hey" he said, see you', 'spam\tWINNER!! Claim your prize', 'ham\tI\'ll call later']
    table = read_table("\n".join(lines).encode("utf-8"), "SMSSpamCollection")
    assert table.format == "labeled_lines" and table.columns == ["label", "text"]
    assert table.rows[1] == ["spam", 'FREE entry\tin 2 a "wkly" comp']
    assert table.rows[2] == ["ham", '"Hey" he said, see you']
    assert len(table) == 5 and table.warnings == []


def test_tsv_with_quoting_in_use_is_unquoted():
    text = 'text\tlabel\n"Tab\tinside"\ta\n"Say ""hi"""\tb\nplain\ta\n'
    table = read_table(text.encode("utf-8"), "data.tsv")
    assert table.rows == [["Tab\tinside", "a"], ['Say "hi"', "b"], ["plain", "a"]]


def test_json_lines():
    lines = [json.dumps({"text": text, "label": label}, ensure_ascii=False) for text, label in ROWS]
    lines.insert(2, "")
    table = read_table("\n".join(lines).encode("utf-8"), "data.jsonl")
    assert table.format == "jsonl" and table.delimiter == ""
    assert table.columns == ["text", "label"]
    assert [tuple(row) for row in table.rows] == ROWS


def test_json_values_become_strings_and_missing_keys_empty():
    lines = ['{"review": "good", "stars": 5, "ok": true}', '{"review": "bad", "stars": 1.5, "extra": null}']
    table = read_table("\n".join(lines).encode("utf-8"))
    assert table.columns == ["review", "stars", "ok", "extra"]
    assert table.rows == [["good", "5", "true", ""], ["bad", "1.5", "", ""]]


def test_json_array_of_objects():
    text = json.dumps([{"text": text, "label": label} for text, label in ROWS], ensure_ascii=False, indent=2)
    table = read_table(text.encode("utf-8"), "data.json")
    assert table.format == "json" and [tuple(row) for row in table.rows] == ROWS


JSON_RECORDS = [{"text": f"sentence number {index} here", "label": "ab"[index % 2]} for index in range(12)]
JSON_OBJECTS = {
    "records-under-a-key": {"data": JSON_RECORDS},
    "columns-of-values": {"text": [row["text"] for row in JSON_RECORDS], "label": [row["label"] for row in JSON_RECORDS]},
    "pandas-columns": {column: {str(index): row[column] for index, row in enumerate(JSON_RECORDS)}
                       for column in ("text", "label")},
    "pandas-index": {str(index): row for index, row in enumerate(JSON_RECORDS)},
}


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("shape", list(JSON_OBJECTS))
def test_a_json_object_holding_the_rows_is_read_as_its_table(shape, indent):
    # before: the object was one row ("too few rows: 1"), or, written over several lines, "bad JSON"
    table = read_table(json.dumps(JSON_OBJECTS[shape], indent=indent).encode("utf-8"), "data.json")
    assert table.format == "json_object" and table.columns == ["text", "label"] and table.warnings == []
    assert table.rows == [[row["text"], row["label"]] for row in JSON_RECORDS]


def test_of_several_lists_of_records_train_or_the_longest_is_read_and_named():
    splits = {"test": JSON_RECORDS[:4], "train": JSON_RECORDS, "validation": JSON_RECORDS[:2]}
    table = read_table(json.dumps(splits).encode("utf-8"))
    assert len(table) == len(JSON_RECORDS)
    assert table.warnings == [("json_list_read", {"chosen": "train", "others": "test, validation"})]
    table = read_table(json.dumps({"a": JSON_RECORDS[:4], "b": JSON_RECORDS}).encode("utf-8"))
    assert len(table) == len(JSON_RECORDS) and table.warnings == [("json_list_read", {"chosen": "b", "others": "a"})]


@pytest.mark.parametrize("filename", ["train.txt", "train.ft", "data.csv", ""])
def test_fasttext_lines_are_label_and_text(filename):
    lines = [f"__label__{'ab'[index % 2]} sentence, number {index}; here" for index in range(12)]
    table = read_table(("\n".join(lines) + "\n").encode("utf-8"), filename)
    assert table.format == "fasttext" and table.columns == ["label", "text"] and table.warnings == []
    assert table.rows[1] == ["b", "sentence, number 1; here"]


def test_fasttext_keeps_a_lines_first_label_and_skips_a_line_without_one():
    lines = [f"__label__{'ab'[index % 2]} sentence {index}" for index in range(20)]
    lines[3] = "__label__b __label__c sentence 3"
    lines.append("a line with no label")
    table = read_table("\n".join(lines).encode("utf-8"))
    assert table.rows[3] == ["b", "sentence 3"] and len(table) == 20
    assert table.warnings == [("ragged_rows", {"count": 1, "total": 21}), ("first_label_kept", {"count": 1})]


def test_a_single_json_record_is_still_one_row():
    table = read_table(b'{"text": "only one", "label": "a"}')
    assert table.format == "jsonl" and table.rows == [["only one", "a"]]


def test_a_few_bad_json_lines_are_skipped_many_are_refused():
    good = [json.dumps({"text": f"text {index}", "label": "a"}) for index in range(8)]
    table = read_table("\n".join(good + ['{"text": "cut off']).encode("utf-8"))
    assert len(table) == 8 and table.warnings == [("bad_json_lines", {"count": 1, "first_line": 9})]
    assert error_code("\n".join(good[:1] + ["[1, 2]", "oops", "{bad"]).encode("utf-8")) == "bad_json"
    assert error_code(b"not json at all", filename="data.jsonl") == "bad_json"


def test_header_detection_without_known_names():
    rows = [(f"a fairly long piece of text number {index}", ["pos", "neg"][index % 2]) for index in range(20)]
    with_header = read_table(as_csv(rows, header=("comentario", "clase")).encode("utf-8"))
    assert with_header.columns == ["comentario", "clase"] and len(with_header) == 20
    without_header = read_table(as_csv(rows, header=None).encode("utf-8"))
    assert without_header.columns == ["#1", "#2"] and len(without_header) == 20


def test_numeric_labels_without_header():
    rows = [(f"review text {index} was fine", str(index % 2)) for index in range(12)]
    table = read_table(as_csv(rows, header=None).encode("utf-8"))
    assert table.columns == ["#1", "#2"] and len(table) == 12


def test_excel_sep_line_and_duplicate_and_empty_header_names():
    text = "sep=;\ntext;text;\nhello;world;x\nfoo;bar;y\n"
    table = read_table(text.encode("utf-8"))
    assert table.columns == ["text", "text (2)", "#3"]
    assert table.delimiter == ";" and len(table) == 2
    assert ("duplicate_columns", {"names": "text"}) in table.warnings


def test_trailing_delimiters_are_ignored():
    text = "text,label,,\n" + "".join(f"sentence {index},a,,\n" for index in range(5))
    table = read_table(text.encode("utf-8"))
    assert table.columns == ["text", "label", "#3", "#4"]
    table = read_table(("text,label\n" + "".join(f"sentence {index},a,,\n" for index in range(5))).encode("utf-8"))
    assert table.columns == ["text", "label"] and len(table) == 5 and table.warnings == []


def test_unquoted_commas_in_texts_are_repaired():
    lines = ["text,label"] + [f"sentence number {index},{'pos' if index % 2 else 'neg'}" for index in range(10)]
    lines += ["Great food, slow service, would return,pos", "Cold, bland, overpriced,neg"]
    table = read_table("\n".join(lines).encode("utf-8"))
    assert table.rows[-2:] == [["Great food, slow service, would return", "pos"], ["Cold, bland, overpriced", "neg"]]
    assert table.warnings == [("rows_repaired", {"count": 2})]


def reviews_with_commas(count: int = 40) -> list[tuple[str, str]]:
    """(text, label) pairs where most texts hold one comma, a few none and a few two."""
    texts = [f"review {index}, with a comma" if index % 5 else f"review {index} plain" for index in range(count)]
    texts[3] = "review 3, with two, commas"
    return [(text, "pos" if index % 2 else "neg") for index, text in enumerate(texts)]


@pytest.mark.parametrize("header", [True, False])
@pytest.mark.parametrize("label_first", [False, True])
def test_texts_whose_commas_outnumber_the_rows_without_are_joined_back(header, label_first):
    # Without a header the most common width (three fields) used to win: every text was cut at its comma and the
    # rows without one were dropped, with only a "ragged rows" notice.
    pairs = reviews_with_commas()
    lines = [f"{label},{text}" if label_first else f"{text},{label}" for text, label in pairs]
    if header:
        lines.insert(0, "label,text" if label_first else "text,label")
    table = read_table("\n".join(lines).encode("utf-8"))
    text_column, label_column = (1, 0) if label_first else (0, 1)
    assert len(table) == len(pairs)
    assert [(row[text_column], row[label_column]) for row in table.rows] == pairs
    repaired = sum("," in text for text, _ in pairs)
    assert table.warnings == [("rows_repaired", {"count": repaired})]


def test_every_text_holding_a_comma_is_joined_back_too():
    pairs = [(f"review {index}, with a comma", "ab"[index % 2]) for index in range(20)]
    table = read_table(("text,label\n" + "".join(f"{text},{label}\n" for text, label in pairs)).encode("utf-8"))
    assert [tuple(row) for row in table.rows] == pairs


def test_a_line_of_one_field_does_not_stop_the_repair():
    pairs = reviews_with_commas()
    lines = [f"{text},{label}" for text, label in pairs]
    for header in ("text,label\n", ""):
        table = read_table((header + "\n".join(lines[:10] + ["a line without a delimiter"] + lines[10:]))
                           .encode("utf-8"))
        assert [tuple(row) for row in table.rows] == pairs
        assert ("ragged_rows", {"count": 1, "total": len(pairs) + 1}) in table.warnings


def test_a_one_off_end_is_not_taken_for_a_label():
    # a text whose label is missing ends in the tail of its text: that row is skipped, not given a new class
    pairs = reviews_with_commas()
    lines = [f"{text},{label}" for text, label in pairs] + ["a stray line, no label, at all"]
    table = read_table(("text,label\n" + "\n".join(lines)).encode("utf-8"))
    assert len(table) == len(pairs) and {row[1] for row in table.rows} == {"pos", "neg"}
    assert ("ragged_rows", {"count": 1, "total": len(pairs) + 1}) in table.warnings


def test_an_id_column_keeps_three_fields():
    rows = [f"{index},text {index},{'ab'[index % 2]}" for index in range(20)]
    table = read_table("\n".join(rows).encode("utf-8"))
    assert table.columns == ["#1", "#2", "#3"] and table.rows[1] == ["1", "text 1", "b"]


def test_a_few_ragged_rows_are_skipped_most_are_refused():
    rows = [f"text {index},{'a' if index % 2 else 'b'},{index}" for index in range(10)]
    table = read_table(("text,label,id\n" + "\n".join(rows + ["broken row"])).encode("utf-8"))
    assert len(table) == 10 and table.warnings == [("ragged_rows", {"count": 1, "total": 11})]
    broken = "text,label,id\n" + "\n".join(["one", "two,2", "three,3,3,3", "four", "five,5,5"])
    with pytest.raises(DataError) as caught:
        read_table(broken.encode("utf-8"))
    assert caught.value.code == "ragged_rows"
    assert caught.value.params == {"bad": 4, "total": 5, "expected": 3}


def test_empty_and_whitespace_files():
    assert error_code(b"") == "empty_file"
    assert error_code(b"  \n\r\n\t ") == "empty_file"
    assert error_code("\ufeff\n".encode("utf-8")) == "empty_file"
    assert error_code("\n\n".encode("utf-16")) == "empty_file"


def test_header_only():
    with pytest.raises(DataError) as caught:
        read_table(b"text,label\n\n")
    assert caught.value.code == "header_only" and caught.value.params == {"columns": "text, label"}
    assert error_code("评论,标签\r\n".encode("gbk")) == "header_only"


def test_size_limit(tmp_path):
    data = as_csv(ROWS * 100).encode("utf-8")
    with pytest.raises(DataError) as caught:
        read_table(data, max_bytes=1000)
    assert caught.value.code == "too_large"
    assert caught.value.params == {"size_mb": round(len(data) / 2**20, 1), "limit_mb": 0.0}
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    with pytest.raises(DataError):
        read_path(path, max_bytes=1000)
    assert len(read_path(path)) == len(ROWS) * 100


def test_a_five_megabyte_text_is_cut_with_a_warning():
    huge = "这是一段很长的文本。" * 500_000  # 5,000,000 characters
    rows = [(huge, "a"), ("short", "b"), ("also short", "a")]
    table = read_table(as_csv(rows).encode("utf-8"))
    assert len(table.rows[0][0]) == MAX_TEXT_CHARS and table.rows[0][0] == huge[:MAX_TEXT_CHARS]
    assert table.rows[1] == ["short", "b"]
    assert table.warnings == [("text_too_long", {"count": 1, "limit": MAX_TEXT_CHARS})]


def test_binary_uploads_are_refused():
    assert error_code(b"\x89PNG\r\n\x1a\n" + bytes(100), filename="data.csv") == "unsupported_format"
    assert error_code(b"PK\x03\x04" + bytes(100)) == "unsupported_format"


def test_encodings_reach_the_table():
    text = as_csv(ROWS)
    for codec, name in [("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16-le"), ("utf-16-be", "utf-16-be"),
                        ("gbk", "gbk"), ("gb18030", "gbk")]:
        table = read_table(text.encode(codec))
        assert table.columns == ["text", "label"], codec  # no BOM left in the first name
        assert [tuple(row) for row in table.rows] == ROWS and table.encoding == name


def test_table_column_access():
    table = Table(["text", "label"], [["a", "x"], ["b", "y"]], "utf-8", ",", "csv", [])
    assert table.column("label") == ["x", "y"] and len(table) == 2
    with pytest.raises(DataError) as caught:
        table.column("missing")
    assert caught.value.code == "unknown_column" and caught.value.params == {"name": "missing"}


def test_one_column_of_sentences_stays_whole():
    lines = ["text", "Hello, world", "No commas here", "One, two, three", "Plain again"]
    table = read_table("\n".join(lines).encode("utf-8"))
    assert table.columns == ["text"] and table.column("text") == lines[1:] and table.warnings == []


def test_the_size_limit_is_50_mebibytes_like_the_server():
    from core.textdata.loading import MAX_BYTES, check_size

    assert MAX_BYTES == 52_428_800
    check_size(50_000_001)  # over 50 MB but under 50 MiB: the browser let it through, so must Python
    check_size(MAX_BYTES)
    with pytest.raises(DataError) as caught:
        check_size(MAX_BYTES + 1)
    assert caught.value.params == {"size_mb": 50.0, "limit_mb": 50.0}
    with pytest.raises(DataError) as caught:
        check_size(60 * 2**20)
    assert caught.value.params == {"size_mb": 60.0, "limit_mb": 50.0}


def test_an_id_column_stays_apart_when_texts_hold_commas():
    # (not read as text,label with the id joined into the text; the long rows' commas go back into the text column)
    rows = [f"{index},text {index}, with a comma,{'ab'[index % 2]}" if index % 4 == 0 else
            f"{index},text {index},{'ab'[index % 2]}" for index in range(40)]
    table = read_table("\n".join(rows).encode("utf-8"))
    assert table.columns == ["#1", "#2", "#3"] and table.rows[:2] == [["0", "text 0, with a comma", "a"],
                                                                      ["1", "text 1", "b"]]
    assert table.warnings == [("rows_repaired", {"count": 10})]

