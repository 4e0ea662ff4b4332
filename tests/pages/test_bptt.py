"""Lesson 3 page: renders in both languages, shows autograd's numbers, and recomputes when the input changes."""

import numpy as np
import pytest

from core.lessons import latex_number
from core.lessons.bptt import BPTTSetup, backward_pass
from tests.pages.page_app import chart_specs, latex, page_opener

open_page = page_opener("bptt")


@pytest.mark.parametrize("lang, title", [("en", "Backpropagation through time"), ("zh", "随时间反向传播（BPTT）")])
def test_first_view_shows_the_backward_pass(lang, title):
    app = open_page(lang)
    assert app.title[0].value == title
    result = backward_pass("我 爱 北京 天安门")
    assert len(app.success) == 4 and not app.error  # recursion, Σ terms = weight_hh_l0.grad, forward, ∂L/∂x_t
    assert any("weight_hh_l0.grad" in box.value for box in app.success)
    specs = chart_specs(app)
    assert len(specs) == 1 and [frame["name"] for frame in specs[0]["frames"]] == ["4", "3", "2", "1"]
    table = app.dataframe[0].value
    assert table.iloc[:, 1].tolist() == ["我", "爱", "北京", "天安门"]
    np.testing.assert_allclose(table.iloc[:, 5].to_numpy(float), result.grad_norms, rtol=1e-6)
    shown = latex(app)
    assert latex_number(result.grad_hidden[2][0], 3) in shown  # default step t = 3 written out
    assert any(f"{result.loss:.6f}" in block.value for block in app.markdown)


def test_typing_a_sentence_and_moving_the_loss_recompute():
    app = open_page("en")
    before = latex(app)
    app.text_input(key="bptt.text").set_value("the cat sat on the mat").run()
    assert not app.exception
    assert latex(app) != before
    assert len(chart_specs(app)[0]["frames"]) == 6
    app.selectbox(key="bptt.loss").set_value(2).run()
    assert not app.exception
    result = backward_pass("the cat sat on the mat", 1)
    table = app.dataframe[0].value
    np.testing.assert_allclose(table.iloc[:, 5].to_numpy(float), result.grad_norms, rtol=1e-6)
    assert np.all(table.iloc[2:, 5].to_numpy(float) == 0)  # nothing flows back from after the loss
    app.slider(key="bptt.step").set_value(1).run()
    assert not app.exception and latex_number(result.grad_hidden[0][1], 3) in latex(app)


def test_seed_preset_and_empty_input():
    app = open_page("zh")
    app.number_input(key="bptt.seed").set_value(4).run()
    seeded = backward_pass("我 爱 北京 天安门", None, BPTTSetup(seed=4))
    np.testing.assert_allclose(app.dataframe[0].value.iloc[:, 5].to_numpy(float), seeded.grad_norms, rtol=1e-6)
    app.selectbox(key="bptt.preset").set_value("I love Beijing Tiananmen").run()
    assert app.text_input(key="bptt.text").value == "I love Beijing Tiananmen"
    app.text_input(key="bptt.text").set_value("   ").run()
    assert not app.exception and app.warning and not app.get("plotly_chart")


def test_a_shorter_sentence_pulls_the_step_back_into_range():
    app = open_page("en")
    app.text_input(key="bptt.text").set_value("one two three four five six seven").run()
    app.slider(key="bptt.step").set_value(7).run()
    app.selectbox(key="bptt.loss").set_value(7).run()
    app.text_input(key="bptt.text").set_value("one two").run()
    assert not app.exception, app.exception
    assert app.slider(key="bptt.step").value == 2
    assert len(app.dataframe[0].value) == 2


@pytest.mark.parametrize("lang, switch", [("en", "Trained"), ("zh", "已训练")])
def test_trained_switch_runs_the_backward_pass_on_the_agreement_model(lang, switch):
    from core.lessons.trained.grammar import DEFAULT_SENTENCE as TRAINED

    app = open_page(lang)
    toggle = app.toggle(key="bptt.trained")
    assert toggle.label == switch and toggle.value is False
    toggle.set_value(True).run()
    assert not app.exception
    assert app.text_input(key="bptt.text").value == TRAINED
    result = backward_pass(TRAINED, setup=BPTTSetup(trained=True))
    np.testing.assert_allclose(app.dataframe[0].value.iloc[:, 5].to_numpy(float), result.grad_norms, rtol=1e-6)
    assert any(f"{result.loss:.6f}" in block.value for block in app.markdown)
    assert any("were" in block.value for block in app.caption)  # what output 1 means for this model
