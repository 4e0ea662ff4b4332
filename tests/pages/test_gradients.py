"""Lesson 4 page: renders in both languages, its numbers are the model's, and every control recomputes them."""

import pytest
from streamlit.testing.v1 import AppTest

from core.lessons.clipping import clipping_demo
from core.lessons.gradients import ChainSetup, measure_chain, random_inputs, sentence_inputs
from tests.pages.page_app import chart_specs, page_opener

open_page = page_opener("gradients")


def metrics(app: AppTest) -> list[str]:
    return [metric.value for metric in app.metric]


@pytest.mark.parametrize("lang, title", [("en", "Vanishing and exploding gradients"), ("zh", "梯度消失与梯度爆炸")])
def test_first_view_measures_the_default_chain(lang, title):
    app = open_page(lang)
    assert app.title[0].value == title
    chain = measure_chain(random_inputs(60, ChainSetup()), ChainSetup())
    assert metrics(app)[3] == f"{chain.measured[0]:.3e}"
    assert len(app.success) == 2 and not app.error  # autograd check, clip_grad_norm_ check
    specs = chart_specs(app)
    assert len(specs) == 3 and specs[0]["frames"][0]["name"] == "60" and specs[0]["frames"][-1]["name"] == "1"
    powers = app.dataframe[0].value
    assert powers.iloc[:, 1].tolist() == ["0.5", "0.03125", "0.0009765625", "9.536743164e-07", "8.881784197e-16"]
    assert powers.iloc[4, 2] == f"{chain.measured[59 - 50]:.4g}"  # what the RNN did over the last 50 steps
    assert any("0.0009765625" in caption.value for caption in app.caption)


def test_radius_length_and_scenario_change_the_measurement():
    app = open_page("en")
    before = metrics(app)[3]
    app.slider(key="gradients.radius").set_value(0.5).run()
    assert not app.exception and metrics(app)[3] != before
    app.slider(key="gradients.length").set_value(120).run()
    setup = ChainSetup(radius=0.5)
    assert metrics(app)[3] == f"{measure_chain(random_inputs(120, setup), setup).measured[0]:.3e}"
    app.pills(key="gradients.scenario").set_value("exploding").run()
    assert not app.exception
    assert app.slider(key="gradients.radius").value == 2.0
    assert app.segmented_control(key="gradients.activation").value == "relu"
    assert any("Exploding" in box.value for box in app.info)


def test_cat_sentence_reaches_cat_from_was():
    app = open_page("zh")
    app.segmented_control(key="gradients.source").set_value("sentence").run()
    assert not app.exception
    tokens = "The cat , which already ate a lot of food , was full".split()
    chain = measure_chain(sentence_inputs(tokens, ChainSetup()), ChainSetup(), loss_step=11)
    assert metrics(app)[3] == f"{chain.measured[1]:.3e}"
    assert any("**was**" in block.value and "**cat**" in block.value for block in app.markdown)
    ticks = chart_specs(app)[0]["layout"]["xaxis"]["ticktext"]
    assert ticks[:2] == ["The", "cat"] and len(ticks) == 12


def test_threshold_and_factor_controls():
    app = open_page("en")
    app.select_slider(key="gradients.threshold").set_value(100.0).run()
    result = clipping_demo(100.0, ChainSetup())
    assert not app.exception and not result.clipped.any()
    assert any(f"0 of {len(result.clipped)} batches" in block.value for block in app.markdown)
    app.select_slider(key="gradients.factor").set_value(2.0).run()
    assert app.dataframe[0].value.iloc[0, 1] == "2"


def test_a_shorter_input_pulls_the_step_back_into_range():
    app = open_page("en")
    assert app.slider(key="gradients.step").value == 29  # half of the default 60-step chain
    app.segmented_control(key="gradients.source").set_value("sentence").run()
    app.text_input(key="gradients.text").set_value("a b c").run()
    assert not app.exception, app.exception
    assert 1 <= app.slider(key="gradients.step").value <= 3


def test_float64_chain_falls_back_to_the_cpu_and_says_so(monkeypatch):
    import torch

    monkeypatch.setattr("core.device.select_device", lambda: torch.device("mps"))  # Apple MPS has no float64
    monkeypatch.setattr("pages.kit.layout.select_device", lambda: torch.device("mps"))
    app = open_page("en")
    captions = [caption.value for caption in app.caption]
    assert "Computed on: CPU" in captions and not any("MPS" in caption for caption in captions)
