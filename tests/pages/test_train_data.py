"""Section 1 of the training page with awkward files: one clear state, notices in the right colour, the look-alike
labels merge, escaped CSV downloads and the upload captions in the user's language."""

import csv
import io
import json

import pytest

import pages.practice.train_notices as notices
from core.textdata.errors import literal_params
from core.textdata.export import safe_csv
from pages.kit.i18n import texts
from tests.pages.test_train import errors, open_page, upload

SHORT_CHINESE = ["很好吃", "服务差", "环境不错", "太贵了", "还会再来", "不推荐", "味道一般", "非常满意"]


def short_chinese_file() -> bytes:
    rows = "".join(f"{SHORT_CHINESE[index % 8]},{'正面' if index % 2 == 0 else '负面'}\n" for index in range(60))
    return ("text,label\n" + rows).encode("utf-8")


def markdown(app) -> list[str]:
    return [element.value for element in app.markdown]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_short_chinese_reviews_load_with_no_error_and_captions_in_the_language(lang):
    app = open_page(lang)
    t = texts("train", lang)
    captions = [element.value for element in app.caption]
    assert t["data"]["upload_limits"] in captions and "50 MiB" in t["data"]["upload_limits"]
    upload(app, short_chinese_file())
    assert not errors(app)
    # The only notice is the true one: 8 texts repeat (52 exact repeats), which can inflate the validation score.
    assert [element.value for element in app.warning] == [t["warnings"].format("duplicate_texts", count=52)]
    assert t["data"].format("dataset_summary", size=60, classes=2) in markdown(app)
    assert (app.selectbox(key="train.text_column").value, app.selectbox(key="train.label_column").value) == (
        "text", "label")
    assert not app.button(key="train.start").proto.disabled


def test_similar_labels_warn_then_merge_in_one_click_and_undo():
    texts_ = [f"review number {index} about the hotel room" for index in range(40)]
    labels = ["pos", "neg", "pos", "neg ", "POS"] * 8
    content = ("text,label\n" + "".join(f"{text},{label}\n" for text, label in zip(texts_, labels))).encode()
    app = open_page("en")
    t = texts("train", "en")
    upload(app, content)
    warning = t["warnings"].format("similar_labels", **literal_params({"groups": "“pos” = “POS”"}))
    assert warning in [element.value for element in app.warning]
    assert t["data"].format("dataset_summary", size=40, classes=3) in markdown(app)
    app.button(key="train.merge_labels").click()
    app.run()
    assert not app.exception and not errors(app)
    assert t["data"].format("dataset_summary", size=40, classes=2) in markdown(app)
    merged = t["warnings"].format("similar_labels_merged", **literal_params({"groups": "“pos” = “POS”"}))
    assert merged in [element.value for element in app.info] and warning not in [w.value for w in app.warning]
    app.button(key="train.unmerge_labels").click()
    app.run()
    assert t["data"].format("dataset_summary", size=40, classes=3) in markdown(app)


def test_notices_are_info_when_done_for_the_user_and_warning_when_to_check():
    korean = "text,label\n" + "".join(f"{text} {index},{'긍정' if index % 2 else '부정'}\n" for index, text in
                                      enumerate(["이 영화 정말 재미있어요", "스토리가 너무 지루했다"] * 10))
    app = open_page("zh")
    t = texts("train", "zh")
    upload(app, korean.encode("cp949"))
    assert t["warnings"].format("encoding_guess", encoding="cp949") in [element.value for element in app.warning]
    assert not errors(app)
    stray = ("text,label\n" + "".join(f"sentence {index} here,{'ab'[index % 2]}\n" for index in range(30))).encode()
    upload(app, stray.replace(b"\n", b"\x00\n", 1), "nuls.csv")
    assert t["warnings"].format("nul_bytes_removed", count=1) in [element.value for element in app.info]
    assert not errors(app)


def test_preview_download_is_escaped(monkeypatch):
    made = []

    def spy(columns, rows):
        made.append(safe_csv(columns, rows))
        return made[-1]

    monkeypatch.setattr(notices, "safe_csv", spy)
    hostile = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3+cmd|' /C x'!A0"]
    rows = [(f"{hostile[index % 4]} {index}", "ab"[index % 2]) for index in range(20)]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([("text", "label"), *rows])
    app = open_page("en")
    upload(app, buffer.getvalue().encode())
    assert [button.label for button in app.get("download_button")] == [texts("train", "en")["data"]["preview_download"]]
    parsed = list(csv.reader(io.StringIO(made[-1].decode("utf-8-sig"), newline="")))
    assert parsed[0] == ["text", "label"] and len(parsed) == 21
    assert [row[0] for row in parsed[1:5]] == ["'" + row[0] for row in rows[:4]]
    assert not any(row[0][:1] in "=+-@" for row in parsed[1:])


def test_misclassified_download_is_escaped(monkeypatch):
    from tests.pages.test_train import TINY, has_model, poll_until, start_training

    made = []

    def spy(columns, rows):
        made.append((list(columns), safe_csv(columns, rows)))
        return made[-1][1]

    monkeypatch.setattr(notices, "safe_csv", spy)
    hostile = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3+cmd|' /C x'!A0"]
    # Labels unrelated to the texts: a one-epoch model gets many wrong, so the mistakes table has rows.
    rows = [(f"{hostile[index % 4]} {index}", "ab"[(index * 7 // 3) % 2]) for index in range(60)]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([("text", "label"), *rows])
    app = open_page("en")
    upload(app, buffer.getvalue().encode())
    start_training(app, TINY)
    poll_until(app, has_model)
    t = texts("train", "en")
    names = t["results"]["misclassified_columns"]
    header = [names[column] for column in ("text", "true", "predicted", "confidence")]
    wrong = app.session_state["train.model"].evaluation.misclassified
    assert wrong, "the model got everything right: no mistakes table to download"
    assert t["results"]["misclassified_download"] in [button.label for button in app.get("download_button")]
    data = [content for columns, content in made if columns == header][-1]
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert parsed[0] == header and len(parsed) == len(wrong) + 1
    assert [row[0] for row in parsed[1:]] == ["'" + row.text for row in wrong]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_fasttext_and_a_json_object_of_splits_load_with_their_notice(lang):
    t = texts("train", lang)
    fasttext = "".join(f"__label__{'ab'[index % 2]} sentence number {index}, here\n" for index in range(40))
    app = open_page(lang)
    upload(app, fasttext.encode("utf-8"), "train.txt")
    assert not errors(app) and not app.button(key="train.start").disabled
    assert any(t["data"]["formats"]["fasttext"] in markdown.value for markdown in app.markdown)
    records = [{"text": f"sentence {index}", "label": "ab"[index % 2]} for index in range(40)]
    splits = json.dumps({"train": records, "test": records[:5]}).encode("utf-8")
    app = open_page(lang)
    upload(app, splits, "data.json")
    assert not errors(app) and not app.button(key="train.start").disabled
    assert t["warnings"].format("json_list_read", chosen="train", others="test") in [w.value for w in app.warning]
