"""Lesson 9 page: every formula, problems linked to their lessons, and a measured LSTM-vs-Transformer comparison."""

import pytest
from streamlit.testing.v1 import AppTest

from core.lessons.summary import CHEAT_SHEET
from pages.kit.i18n import load_table
from pages.kit.registry import PAGES

LINKED = {"gradients", "lstm_step", "train", "lab", "code"}  # exploding gradients too: clipping lives on lesson 4


def texts_rows(lang: str) -> list:
    return load_table(lang, "summary")["problems"]["rows"]


def open_page(lang):
    app = AppTest.from_file("../../pages/lessons/summary.py", default_timeout=60)
    app.session_state["lang"] = lang
    app.run()
    assert not app.exception, app.exception
    return app


@pytest.mark.parametrize("lang,title", [("en", "Summary"), ("zh", "总结")])
def test_cheat_sheet_problems_and_comparison(lang, title):
    app = open_page(lang)
    assert title in app.title[0].value
    formulas = [latex for _, section in CHEAT_SHEET for _, latex in section]
    assert sorted(element.value.strip("$\n") for element in app.latex) == sorted(formulas)
    # Run alone (no navigation), each problem links to its lesson by URL path.
    links = [element.value for element in app.markdown if "](/" in element.value]
    assert {link.rsplit("(/", 1)[1].rstrip(")") for link in links} == LINKED
    assert LINKED <= {entry.name for entry in PAGES}
    counts = {metric.label: metric.value for metric in app.metric}
    assert list(counts.values()) == ["33,280", "49,984"]
    steps = app.table[1].value
    assert list(steps.iloc[:, 0]) == list(steps.iloc[:, 1])  # the LSTM needs T dependent steps
    assert set(steps.iloc[:, 2]) == {1}
    assert any(message.value.startswith("✓") for message in app.success)
    assert len(app.get("plotly_chart")) == 3  # the course's picture, parameters, timing


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_what_to_notice_prints_the_trained_models_own_reach(lang):
    """The story's numbers are the shipped models' chains on the tutorial's sentence, and they say what it claims:
    after training the gated cells keep far more of the path to the subject than the plain RNN."""
    from core.lessons.trained.reach import reach

    app = open_page(lang)
    notice = app.info[0].value
    tokens = "the cat , which already ate a lot , was".split()
    for kind in ("rnn", "lstm", "gru"):
        result = reach(kind, tokens)
        assert f"{result.trained[1]:.2g}" in notice and f"{result.untrained[1]:.2g}" in notice
    assert "«was»" in notice or "「was」" in notice
    assert f" {len(tokens) - 2} " in notice
    gated = min(reach(kind, tokens).trained[1] for kind in ("lstm", "gru"))
    assert gated > 1000 * reach("rnn", tokens).trained[1]


def test_changing_the_width_recounts_and_retimes():
    app = open_page("en")
    app.segmented_control(key="summary.width").set_value(32)
    app.run()
    assert not app.exception
    assert [metric.value for metric in app.metric] == ["8,448", "12,704"]
    assert any(caption.value.startswith("One `nn.LSTM(32, 32)`") for caption in app.caption)


def test_links_are_real_page_links_under_the_app_navigation():
    app = AppTest.from_file("../../app.py", default_timeout=60)
    app.session_state["lang"] = "en"
    app.run()
    app.switch_page("pages/lessons/summary.py")
    app.run()
    assert not app.exception, app.exception
    assert len(app.page_link) == len(texts_rows("en"))  # one link per problem row


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_key_points_name_real_lessons_and_further_reading_links_are_https(lang):
    from pages.kit.i18n import texts
    from pages.kit.registry import BY_NAME

    app = open_page(lang)
    words, pages = texts("summary", lang), texts("common", lang)["pages"]
    table = next(frame.value for frame in app.dataframe if words["key_points"]["point"] in frame.value.columns)
    rows = words["key_points"]["rows"]
    assert len(table) == len(rows) == len(texts("summary", "en")["key_points"]["rows"])
    assert all(name in BY_NAME for row in rows for name in row["lessons"])  # every row points at a real page
    assert table[words["key_points"]["lesson"]].iloc[0] == f"{pages['why_sequences']}; {pages['rnn_step']}"
    items = words["further_reading"]["items"]
    assert len(items) == len(texts("summary", "en")["further_reading"]["items"])
    shown = next(block.value for block in app.markdown if items[0] in block.value)
    assert all(item in shown for item in items)
    links = [link for item in items for link in item.split("](")[1:]]
    assert links and all(link.startswith("https://") for link in links)
