"""Lesson 2 page: renders in both languages, shows torch's numbers, and recomputes when the input changes."""

import json

import numpy as np
import pytest

from core.escape import markdown_text
from core.lessons import bmatrix
from core.lessons.rnn_step import run_lesson
from tests.pages.page_app import chart_specs, latex, page_opener

open_page = page_opener("rnn_step")


def without_player(spec: dict) -> bool:
    return "frames" not in spec and "sliders" not in spec["layout"] and "updatemenus" not in spec["layout"]


def tokens_drawn(unrolled: dict) -> list[str]:
    """The token row under the unrolled figure (its text-only trace)."""
    return next(trace["text"] for trace in unrolled["data"] if trace.get("mode") == "text")


def step_drawn(unrolled: dict) -> int:
    """The step the unrolled figure highlights (the centre of its tinted column, the first trace)."""
    return round(sum(set(unrolled["data"][0]["x"])) / 2)


@pytest.mark.parametrize("lang, title", [("en", "RNN, step by step"), ("zh", "RNN 逐步计算")])
def test_first_view_shows_the_worked_example(lang, title):
    app = open_page(lang)
    assert app.title[0].value == title
    assert any("torch.nn.RNN" in box.value and "✓" in box.value for box in app.success)
    lesson = run_lesson("我 爱 北京 天安门", seed=0)
    shown = latex(app)
    assert bmatrix(lesson.hidden[1]) in shown  # h_2 of the default step, as torch computed it
    assert bmatrix(lesson.weight_input) in shown
    specs = chart_specs(app)[1:]  # after the folded loop
    assert len(specs) == 5  # unrolled, step terms, three weight heatmaps
    assert all(without_player(spec) for spec in specs[:2])  # the page's step drives them, no player of their own
    assert tokens_drawn(specs[0]) == ["我", "爱", "北京", "天安门"] and step_drawn(specs[0]) == 2
    shapes = app.dataframe[0].value
    assert "[4 × 3]" in shapes.iloc[:, 2].tolist() and "rnn.weight_hh_l0" in shapes.iloc[:, 3].tolist()


def test_typing_a_sentence_recomputes_everything():
    app = open_page("en")
    before = latex(app)
    app.text_input(key="rnn_step.text").set_value("the cat sat on the mat").run()
    assert not app.exception
    lesson = run_lesson("the cat sat on the mat", seed=0)
    assert latex(app) != before and bmatrix(lesson.hidden[1]) in latex(app)
    assert tokens_drawn(chart_specs(app)[1]) == list(lesson.tokens)


def test_step_seed_and_preset_controls():
    app = open_page("zh")
    app.slider(key="rnn_step.step").set_value(4).run()
    lesson = run_lesson("我 爱 北京 天安门", seed=0)
    assert r"h_{4} = \tanh" in latex(app) and bmatrix(lesson.hidden[3]) in latex(app)
    assert step_drawn(chart_specs(app)[1]) == 4  # the figure shows the step the formulas show
    app.number_input(key="rnn_step.seed").set_value(7).run()
    reseeded = run_lesson("我 爱 北京 天安门", seed=7)
    assert bmatrix(reseeded.weight_hidden) in latex(app)
    assert not np.allclose(reseeded.weight_hidden, lesson.weight_hidden)
    app.selectbox(key="rnn_step.preset").set_value("I love Beijing Tiananmen").run()
    assert app.text_input(key="rnn_step.text").value == "I love Beijing Tiananmen"
    assert not app.exception


def test_bad_input_gets_a_message_in_the_users_language():
    app = open_page("zh")
    app.text_input(key="rnn_step.text").set_value("   ").run()
    assert not app.exception
    assert app.warning[0].value.startswith("请至少输入一个词")
    app.text_input(key="rnn_step.text").set_value("一").run()
    assert not app.exception and app.latex  # one word: one step, no slider
    app.text_input(key="rnn_step.text").set_value(" ".join(f"w{i}" for i in range(30))).run()
    assert any("12" in box.value for box in app.info)


@pytest.mark.parametrize("lang, switch, heading", [("en", "Trained", "Check yourself"), ("zh", "已训练", "自测")])
def test_trained_switch_swaps_in_the_agreement_model(lang, switch, heading):
    from core.lessons.trained.grammar import DEFAULT_SENTENCE as TRAINED

    app = open_page(lang)
    toggle = app.toggle(key="rnn_step.trained")
    assert toggle.label == switch and toggle.value is False
    assert app.header[-1].value == heading
    toggle.set_value(True).run()
    assert not app.exception
    assert app.text_input(key="rnn_step.text").value == TRAINED
    trained = run_lesson(TRAINED, seed=0, trained=True)
    assert bmatrix(trained.weight_hidden) in latex(app)
    assert any("safetensors" not in box.value and "%" in box.value for box in app.info)  # the model card
    app.toggle(key="rnn_step.trained").set_value(False).run()
    assert app.text_input(key="rnn_step.text").value == "我 爱 北京 天安门"


def test_check_yourself_reveals_the_computed_answer():
    from core.lessons.questions import questions_for

    app = open_page("en")
    questions = questions_for("rnn_step", "我 爱 北京 天安门", 0)
    radios = app.radio
    assert len(radios) == len(questions)
    radios[1].set_value(questions[1].correct).run()
    reveal = [button for button in app.button if button.key.startswith("check.")]  # not the step keys
    assert [button.disabled for button in reveal] == [True, False, True]  # predict first, then reveal
    reveal[1].click().run()
    assert not app.exception
    assert f"Right: {questions[1].choices[questions[1].correct]}." in [box.value for box in app.success]


HOSTILE = 'I say "yes" & no [ok](https://example.com) $\\Huge{BIG}$ :red[red]'


@pytest.mark.parametrize("step, token", [(3, '"yes"'), (6, "[ok](https://example.com)"), (7, "$\\Huge{BIG}$"),
                                         (8, ":red[red]")])
def test_a_hostile_sentence_is_shown_literally_and_escaped_once(step, token):
    app = open_page("en")
    app.text_input(key="rnn_step.text").set_value(HOSTILE).run()
    app.slider(key="rnn_step.step").set_value(step).run()
    assert not app.exception
    prose = next(block.value for block in app.markdown if block.value.startswith(f"Step t = {step} "))
    assert f"**{markdown_text(token)}**" in prose  # every mark escaped: no link, no math, no colour
    assert token not in prose
    unrolled = chart_specs(app)[1]
    tokens = tokens_drawn(unrolled)
    assert tokens[2] == '"yes"' and tokens[3] == "&amp;"  # quotes as they are; & escaped once for plotly
    assert "&quot;" not in json.dumps(unrolled) and "&amp;amp;" not in json.dumps(unrolled)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_trained_view_says_why_was_needs_cat_with_the_models_numbers(lang):
    from core.lessons.trained.verb_evidence import verb_evidence

    app = open_page(lang)
    assert not [block for block in app.subheader if "cat" in block.value]  # only with the trained model
    app.toggle(key="rnn_step.trained").set_value(True).run()
    evidence = verb_evidence("rnn")
    prose = next(block.value for block in app.markdown if f"{evidence.was_as_written:.3f}" in block.value)
    assert f"{evidence.was_flipped:.3f}" in prose and "cats" in prose and f"t = {evidence.verb_step - 1}" in prose


@pytest.mark.parametrize("lang, term", [("en", "recurrent connection"), ("zh", "循环连接")])
def test_the_folded_loop_comes_before_the_equations_with_the_configs_sizes(lang, term):
    from core.lesson_models import RNNStepConfig

    app = open_page(lang)
    folded = chart_specs(app)[0]
    texts_shown = " ".join(annotation.get("text", "") for annotation in folded["layout"]["annotations"])
    config = RNNStepConfig()
    assert term in texts_shown and f"{config.hidden_size} × {config.hidden_size}" in texts_shown
    assert f"{config.hidden_size} × {config.input_size}" in texts_shown  # W_xh's shape, read from the config
    assert any(shape["type"] == "path" for shape in folded["layout"]["shapes"])  # the loop itself
