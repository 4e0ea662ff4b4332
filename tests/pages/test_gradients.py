"""Lesson 4 page: renders in both languages, its numbers are the model's, and every control recomputes them."""

import base64

import numpy as np
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
    assert len(specs) == 4 and specs[0]["frames"][0]["name"] == "60" and specs[0]["frames"][-1]["name"] == "1"
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


def test_saturation_scenario_explains_its_banner_with_the_measured_share():
    from core.lessons.gradient_reading import read_chain

    app = open_page("en")
    assert not any("Saturation is holding" in caption.value for caption in app.caption)
    app.pills(key="gradients.scenario").set_value("saturated").run()
    assert not app.exception
    setup = ChainSetup(radius=3.0)
    reading = read_chain(measure_chain(random_inputs(60, setup), setup), "tanh")
    banner = " ".join(box.value for box in app.info)
    assert reading.regime == "exploding" and "Exploding" in banner  # the banner says what the numbers say …
    notes = [caption.value for caption in app.caption if "Saturation is holding" in caption.value]
    assert notes and f"{reading.inactive_share:.0%}" in notes[0]  # … and why it is far below ρⁿ
    assert app.header[-1].value == "Check yourself"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_trained_switch_measures_the_agreement_models_chain_against_their_start(lang):
    from core.lessons.trained.reach import reach
    from pages.kit.i18n import texts

    words = texts("gradients", lang)["trained"]
    app = open_page(lang)
    toggle = app.toggle(key="gradients.trained")
    assert toggle.label == texts("trained", lang)["switch"] and toggle.value is False
    tokens = "The cat , which already ate a lot of food , was".split()  # the preset up to "was", reaching "cat"
    results = {kind: reach(kind, tokens) for kind in ("rnn", "gru")}
    shown = "\n".join(block.value for block in app.markdown)
    assert f"{results['rnn'].untrained[1]:.3g}" in shown and f"{results['rnn'].trained[1]:.3g}" not in shown
    toggle.set_value(True).run()
    assert not app.exception
    for kind, verdict in (("rnn", "closed"), ("gru", "opened")):  # the sentence is picked by the numbers
        app.segmented_control(key="gradients.cell").set_value(kind).run()
        result = results[kind]
        ratio = result.ratio(1) if verdict == "opened" else 1 / result.ratio(1)
        expected = words.format(verdict, word="cat", distance=10, state="h", before=f"{result.untrained[1]:.3g}",
                                after=f"{result.trained[1]:.3g}", ratio=f"{ratio:.3g}")
        assert expected in [block.value for block in app.markdown]
        trained_curve = [trace for trace in chart_specs(app)[2]["data"] if words["names"][kind] in trace["name"]][-1]
        values = trained_curve["y"]  # plotly ships numpy arrays as base64 ("bdata") with their dtype
        values = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]) if "bdata" in values else values
        assert values == pytest.approx(result.trained)


def test_a_new_threshold_or_sentence_reuses_the_batches_gradients(monkeypatch):
    """Clipping's gradients depend on the RNN's setup only: moving the threshold or typing a sentence clips the
    gradients already computed (the shown numbers are still clipping_demo's)."""
    import pages.lessons.gradients_sections as sections

    computed = []
    original = sections.batch_gradients
    monkeypatch.setattr(sections, "batch_gradients", lambda *args, **kwargs: computed.append(args) or original(
        *args, **kwargs))
    app = open_page("en")
    app.number_input(key="gradients.seed").set_value(31_337).run()  # a seed no other test asked for
    assert not app.exception and len(computed) == 1
    app.select_slider(key="gradients.threshold").set_value(0.01).run()
    app.segmented_control(key="gradients.source").set_value("sentence").run()
    app.text_input(key="gradients.text").set_value("the keys to the cabinet are here").run()
    assert not app.exception and len(computed) == 1
    result = clipping_demo(0.01, ChainSetup(seed=31_337))
    summary = f"{result.clipped.sum()} of {len(result.clipped)} batches"
    assert result.clipped.all() and any(summary in block.value for block in app.markdown)
