"""The real developer datasets and the app's own demo datasets read, guess, validate and split correctly."""

from collections import Counter
from pathlib import Path

import pytest

from core.textdata.columns import guess_columns
from core.textdata.dataset import LabeledTexts, profile
from core.textdata.demo import demo_path
from core.textdata.loading import read_path, read_table
from core.textdata.split import stratified_split

DATA = Path("/work/shared/data")


def shared(name: str) -> Path:
    path = DATA / name
    if not path.exists():
        pytest.skip(f"{path} is not on this machine")
    return path


@pytest.mark.parametrize("name, rows, counts", [
    ("sms_spam_en.csv", 5574, {"ham": 4827, "spam": 747}),
    ("chnsenticorp_htl_zh.csv", 7765, {"1": 5322, "0": 2443}),
])
def test_real_dataset(name, rows, counts):
    table = read_path(shared(name))
    assert (table.format, table.encoding, table.columns, len(table)) == ("csv", "utf-8", ["text", "label"], rows)
    guess = guess_columns(table, strict=True)
    assert (guess.text, guess.label) == ("text", "label")
    data = LabeledTexts.from_table(table, guess.text, guess.label)
    assert data.class_counts() == dict(sorted(counts.items()))
    assert data.warnings == []
    train, validation = stratified_split(data.labels)
    validation_counts = Counter(data.labels[index] for index in validation)
    assert validation_counts == {label: round(count * 0.2) for label, count in counts.items()}


def test_real_dataset_without_header_and_in_other_layouts():
    path = shared("sms_spam_en.csv")
    table = read_path(path)
    body = path.read_bytes().split(b"\n", 1)[1]
    headerless = read_table(body)
    assert headerless.columns == ["#1", "#2"] and headerless.rows == table.rows
    guess = guess_columns(headerless, strict=True)
    assert (guess.text, guess.label) == ("#1", "#2")
    # The original SMS Spam Collection layout (label<TAB>text, no header), in UTF-16 for good measure.
    original = "\n".join(f"{label}\t{text}" for text, label in table.rows).encode("utf-16")
    lines = read_table(original, "SMSSpamCollection")
    assert lines.format == "labeled_lines" and lines.encoding == "utf-16-le"
    assert lines.rows == [[label, text] for text, label in table.rows]
    assert (guess_columns(lines).text, guess_columns(lines).label) == ("text", "label")


def test_chinese_dataset_in_gbk_as_excel_saves_it():
    path = shared("chnsenticorp_htl_zh.csv")
    table = read_path(path)
    text = path.read_text(encoding="utf-8")
    try:
        data = text.replace("\n", "\r\n").encode("gbk")
    except UnicodeEncodeError:
        data = text.replace("\n", "\r\n").encode("gb18030")
    again = read_table(data, "评论.csv")
    assert again.encoding in ("gbk", "gb18030") and again.rows == table.rows


def test_real_profiles():
    table = read_path(shared("sms_spam_en.csv"))
    data = LabeledTexts.from_table(table, "text", "label")
    result = profile(data.texts, data.labels)
    assert (result.length_min, result.length_max) == (2, 910)
    assert round(result.length_mean, 1) == 80.5 and result.length_median == 62
    assert dict(result.warnings)["imbalance"] == {"majority": "ham", "minority": "spam", "ratio": 6.5}


@pytest.mark.parametrize("language, classes", [
    ("en", ["food", "sport", "technology", "weather"]),
    ("zh", ["体育", "天气", "科技", "美食"]),
])
def test_demo_datasets(language, classes):
    table = read_path(demo_path(language))
    assert table.columns == ["text", "label"] and table.encoding == "utf-8" and table.warnings == []
    guess = guess_columns(table, strict=True)
    data = LabeledTexts.from_table(table, guess.text, guess.label)
    assert data.classes == classes
    counts = data.class_counts()
    assert all(count == 200 for count in counts.values()), counts
    assert len(set(data.texts)) == len(data.texts)  # no repeated sentence
    result = profile(data.texts, data.labels)
    assert result.warnings == []


def test_demo_path_falls_back_to_english():
    assert demo_path("fr") == demo_path("en") != demo_path("zh")
