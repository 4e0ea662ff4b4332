"""Lesson 5 page: renders in both languages, shows torch's LSTM numbers, and recomputes when the input changes."""

import pytest
from streamlit.testing.v1 import AppTest

from core.lessons import bmatrix
from core.lessons.cell_path import cell_path
from core.lessons.lstm_step import walkthrough
from pages.kit.i18n import texts
from tests.pages.page_app import chart_specs, latex, page_opener

open_page = page_opener("lstm_step")


def metrics(app: AppTest) -> list[str]:
    return [metric.value for metric in app.metric]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_first_view_shows_torch_numbers(lang):
    app = open_page(lang)
    words = texts("lstm_step", lang)
    assert app.title[0].value == words["title"]
    assert any("torch.nn.LSTM" in box.value and "✓" in box.value for box in app.success)
    assert len(app.success) == 2  # torch's module, and the tutorial's one-matrix form
    lesson = walkthrough("我 爱 北京 天安门", seed=0)
    shown = latex(app)
    assert bmatrix(lesson.gates["forget"][1]) in shown  # f_2 at the default step
    assert bmatrix(lesson.cell[1]) in shown and bmatrix(lesson.hidden[1]) in shown
    specs = chart_specs(app)
    assert len(specs) == 4  # cell diagram, gate bars, heatmaps, cell path
    # the page's step drives them: no player (and no other step) of their own
    assert all("frames" not in spec and "sliders" not in spec["layout"] for spec in specs[:2])
    layout = app.dataframe[0].value
    assert layout.iloc[:, 2].tolist() == ["[0:4]", "[4:8]", "[8:12]", "[12:16]"]
    assert layout.iloc[:, 1].tolist() == ["i", "f", "g", "o"]
    path = cell_path(words["long_sentence"], 0, 0.0)
    assert metrics(app)[0] == f"{path.forget_product_norm[0]:.2e}"
    assert len(path.tokens) == 30
    notes = " ".join(block.value for block in app.markdown)
    assert f"{path.mean_forget:.2f}" in notes and f"{path.direct_path_spread:.1f}" in notes  # computed, not typed
    assert app.segmented_control(key="lstm_step.path").options[0].startswith("30")


def test_sentence_seed_step_change_the_numbers():
    app = open_page("en")
    before = latex(app)
    app.text_input(key="lstm_step.text").set_value("the cat sat on the mat").run()
    assert not app.exception
    lesson = walkthrough("the cat sat on the mat", seed=0)
    assert latex(app) != before and bmatrix(lesson.cell[1]) in latex(app)
    drawn = chart_specs(app)[0]

    app.slider(key="lstm_step.step").set_value(5).run()
    assert chart_specs(app)[0] != drawn  # the figure moved with the step
    assert bmatrix(lesson.hidden[4]) in latex(app)

    app.number_input(key="lstm_step.seed").set_value(9).run()
    reseeded = walkthrough("the cat sat on the mat", seed=9)
    assert bmatrix(reseeded.hidden[4]) in latex(app)


def test_forget_bias_and_sequence_choice_move_the_path():
    app = open_page("zh")
    before = metrics(app)
    app.slider(key="lstm_step.bias").set_value(2.0).run()
    assert not app.exception
    lifted = metrics(app)
    assert float(lifted[0]) > 100 * float(before[0])  # ∏ f at t = 1 opens up with the forget bias
    path = cell_path(texts("lstm_step", "zh")["long_sentence"], 0, 2.0)
    assert lifted[1] == f"{path.cell_jacobian_norm[0]:.2e}"

    app.segmented_control(key="lstm_step.path").set_value("sentence").run()
    short = cell_path("我 爱 北京 天安门", 0, 2.0)
    assert metrics(app)[0] == f"{short.forget_product_norm[0]:.2e}"


def test_preset_and_empty_sentence():
    app = open_page("en")
    app.selectbox(key="lstm_step.preset").select("the cat which already ate a lot of food was full").run()
    assert app.text_input(key="lstm_step.text").value == "the cat which already ate a lot of food was full"
    long = walkthrough("the cat which already ate a lot of food was full", seed=0)
    assert bmatrix(long.hidden[1]) in latex(app)
    app.text_input(key="lstm_step.text").set_value("   ").run()
    assert not app.exception
    assert app.warning[0].value == texts("common", "en")["messages"]["empty"]


def test_path_note_follows_the_forget_bias():
    from core.lessons.cell_path_reading import read_cell_path

    app = open_page("en")
    words = texts("lstm_step", "en")["path_reading"]
    notes = " ".join(block.value for block in app.markdown)
    assert words["middle"] in notes and words["above_one"].split("{")[0] not in notes
    app.slider(key="lstm_step.bias").set_value(4.0).run()
    reading = read_cell_path(cell_path(words and texts("lstm_step", "en")["long_sentence"], 0, 4.0))
    notes = " ".join(block.value for block in app.markdown)
    assert reading.forget_level == "high" and words["high"] in notes and words["middle"] not in notes
    assert reading.all_paths_above_one and f"{reading.all_paths:.2f}" in notes


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_trained_switch_tells_the_gate_story_on_real_numbers(lang):
    from core.lessons.trained.grammar import DEFAULT_SENTENCE as TRAINED
    from core.lessons.trained.story import gate_story

    app = open_page(lang)
    app.toggle(key="lstm_step.trained").set_value(True).run()
    assert not app.exception
    assert app.text_input(key="lstm_step.text").value == TRAINED
    lesson = walkthrough(TRAINED, seed=0, trained=True)
    assert bmatrix(lesson.cell[1]) in latex(app)
    story = gate_story("lstm", TRAINED)
    notes = " ".join(block.value for block in app.markdown)
    assert f"{story.forget.value:.3f}" in notes and f"{story.written:+.2f}" in notes and "dogs" in notes
    assert app.header[-1].value == texts("questions", lang)["ui"]["title"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_deeper_explains_the_two_concatenation_orders_with_the_lessons_numbers(lang):
    from core.lessons.concat_order import concat_orders
    from core.lessons.lstm_step import walkthrough
    from pages.kit.i18n import texts

    app = open_page(lang)
    # the order section follows the step slider, so it sits in the step fragment's own deeper expander
    deeper = next(expander for expander in app.expander if expander.label == texts("common", lang)["deeper"]
                  and any(r"h_{t-1}" in block.value for block in expander.latex) and expander.caption)
    step = app.slider(key="lstm_step.step").value
    lesson = walkthrough(app.text_input(key="lstm_step.text").value, seed=0)
    order = concat_orders(*lesson.weights["forget"], lesson.inputs[step - 1], lesson.previous_hidden[step - 1])
    captions = " ".join(caption.value for caption in deeper.caption)
    assert f"t = {step}" in captions and f"{order.mismatch_gap:.3f}" in captions
    assert any(r"\begin{bmatrix} x_t \\ h_{t-1} \end{bmatrix}" in block.value for block in deeper.latex)
