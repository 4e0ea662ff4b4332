"""Lesson links carry codes, never translated labels: a link made in Chinese opens the same view in English.

Each lesson option widget is opened from ``?key=<code>`` and from ``?key=<label>`` written in either language (the
form links had before), in both languages; the widget shows the option and the URL is rewritten to the code. Moving
the widget in Chinese writes the code, not the Chinese label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import pytest
from streamlit.testing.v1 import AppTest

from pages.kit.i18n import texts
from pages.kit.registry import BY_NAME

GRADIENT_SENTENCE = "the cat which ate a lot was full"  # words 1…8
WHY_SENTENCE = "我 爱 北京 天安门 和 长城 很 美"  # words 1…4 lie before the window net's last four
BPTT_SENTENCE = "我 爱 北京 天安门"


@dataclass(frozen=True)
class Link:
    page: str
    key: str
    widget: str  # AppTest accessor: "segmented_control" or "selectbox"
    value: Any  # the option the link names
    code: str  # how the URL names it
    label: Callable[[str], str]  # the option's visible label in a language (what links carried before)
    extra: dict = field(default_factory=dict)  # other parameters the view needs


LINKS = (
    Link("gradients", "gradients.matrix", "segmented_control", "gaussian", "gaussian",
         lambda lang: texts("gradients", lang)["controls"]["gaussian"]),
    Link("gradients", "gradients.source", "segmented_control", "sentence", "sentence",
         lambda lang: texts("gradients", lang)["controls"]["sentence"]),
    Link("gradients", "gradients.start", "selectbox", 5, "6", lambda lang: "6 · lot",
         {"gradients.source": "sentence", "gradients.text": GRADIENT_SENTENCE}),
    Link("gradients", "gradients.reach", "selectbox", 2, "3", lambda lang: "3 · which",
         {"gradients.source": "sentence", "gradients.text": GRADIENT_SENTENCE}),
    Link("lstm_step", "lstm_step.path", "segmented_control", "sentence", "sentence",
         lambda lang: texts("lstm_step", lang)["path_sources"]["sentence"]),
    Link("bptt", "bptt.loss", "selectbox", 3, "3",
         lambda lang: texts("bptt", lang).format("loss_step", step=3, token="北京"), {"bptt.text": BPTT_SENTENCE}),
    Link("bptt", "bptt.loss", "selectbox", 0, "all", lambda lang: texts("bptt", lang)["loss_all"],
         {"bptt.text": BPTT_SENTENCE, "bptt.seed": "1"}),
    Link("architectures", "architectures.view", "segmented_control", "seq2seq", "seq2seq",
         lambda lang: texts("architectures", lang)["names"]["seq2seq"]),
    Link("why_sequences", "why_sequences.position", "selectbox", 2, "3", lambda lang: "3 · 北京",
         {"why_sequences.s1": WHY_SENTENCE}),
)
IDS = [f"{link.key}={link.code}" for link in LINKS]


def open_link(link: Link, lang: str, named: str) -> AppTest:
    app = AppTest.from_file(str(BY_NAME[link.page].script), default_timeout=30)
    app.session_state["lang"] = lang
    app.query_params.update({**link.extra, link.key: named})
    app.run()
    assert not app.exception, app.exception
    return app


def widget(app: AppTest, link: Link):
    return getattr(app, link.widget)(key=link.key)


@pytest.mark.parametrize("link", LINKS, ids=IDS)
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("made_in", ["code", "en", "zh"])
def test_a_link_opens_its_view_in_either_language_and_is_rewritten_to_the_code(link, lang, made_in):
    named = link.code if made_in == "code" else link.label(made_in)
    app = open_link(link, lang, named)
    assert widget(app, link).value == link.value
    at_default = link.code == "all"  # every step is bptt.loss's default: a clean link has no parameter for it
    assert app.query_params.get(link.key) == (None if at_default else link.code)


@pytest.mark.parametrize("link", LINKS[:2] + LINKS[4:5] + LINKS[7:8], ids=IDS[:2] + IDS[4:5] + IDS[7:8])
def test_choosing_an_option_in_chinese_writes_its_code_and_the_default_leaves_the_url(link):
    app = AppTest.from_file(str(BY_NAME[link.page].script), default_timeout=30)
    app.session_state["lang"] = "zh"
    app.run()
    assert link.key not in app.query_params  # a clean link at the default
    widget(app, link).set_value(link.value).run()
    assert not app.exception
    assert app.query_params[link.key] == link.code
    default = {"gradients.matrix": "orthogonal", "gradients.source": "random", "lstm_step.path": "long",
               "architectures.view": "many_to_one"}[link.key]
    widget(app, link).set_value(default).run()
    assert link.key not in app.query_params


def test_an_unknown_name_falls_back_to_the_default_and_leaves_the_url():
    link = LINKS[0]
    app = open_link(link, "en", "<script>")
    assert widget(app, link).value == "orthogonal"
    assert link.key not in app.query_params


def test_a_word_number_past_an_edited_sentence_goes_back_to_the_default():
    link = LINKS[8]  # why_sequences.position=3 on an eight-word sentence
    app = open_link(link, "en", "3")
    assert widget(app, link).value == 2
    app.text_input(key="why_sequences.s1").set_value("a b c d e").run()  # one word before the window
    assert not app.exception
    assert widget(app, link).value == 0
    assert link.key not in app.query_params
