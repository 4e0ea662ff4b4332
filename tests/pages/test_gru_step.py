"""Lesson 6 page: renders in both languages, shows torch's GRU numbers, both conventions, and a measured table."""

import pytest

from core.lessons import bmatrix
from core.lessons.gru_step import walkthrough
from pages.kit.i18n import texts
from tests.pages.page_app import chart_specs, latex, page_opener

open_page = page_opener("gru_step")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_first_view_shows_torch_numbers_and_both_conventions(lang):
    app = open_page(lang)
    words = texts("gru_step", lang)
    assert app.title[0].value == words["title"]
    assert any("torch.nn.GRU" in box.value and "✓" in box.value for box in app.success)
    assert len(app.success) == 2  # torch's module, and the tutorial's z' = 1 - z formula
    lesson = walkthrough("我 爱 北京 天安门", seed=0)
    shown = latex(app)
    assert bmatrix(lesson.gates["reset"][1]) in shown
    assert bmatrix(lesson.hidden[1]) in shown and bmatrix(lesson.tutorial_hidden[1]) in shown
    specs = chart_specs(app)
    assert len(specs) == 4  # cell diagram, gate bars, heatmaps, conventions
    # the page's step drives them: no player (and no other step) of their own
    assert all("frames" not in spec and "sliders" not in spec["layout"] for spec in specs[:2])
    assert app.metric[0].value == f"{lesson.reset_placement_gap:.3f}"
    table = app.dataframe[0].value
    assert table.iloc[2, 1:].tolist() == ["144", "108"]  # parameters counted on nn.LSTM(3, 4) / nn.GRU(3, 4)
    assert table.iloc[3, 1].endswith("= 144") and table.iloc[3, 2].startswith("3·(4² + 4·3 + 2·4)")
    assert table.iloc[0, 1:].tolist() == ["3", "2"]
    assert all(float(value) > 0 for value in table.iloc[4:, 1:].to_numpy().ravel())


def test_sentence_and_seed_change_the_numbers():
    app = open_page("en")
    before = latex(app)
    app.text_input(key="gru_step.text").set_value("a b c d e").run()
    assert not app.exception
    lesson = walkthrough("a b c d e", seed=0)
    assert latex(app) != before and bmatrix(lesson.hidden[1]) in latex(app)
    drawn = chart_specs(app)[0]
    app.slider(key="gru_step.step").set_value(5).run()
    assert chart_specs(app)[0] != drawn  # the figure moved with the step
    assert bmatrix(lesson.gates["new"][4]) in latex(app)
    app.number_input(key="gru_step.seed").set_value(4).run()
    assert bmatrix(walkthrough("a b c d e", seed=4).gates["new"][4]) in latex(app)


def test_sizes_recount_the_table():
    app = open_page("zh")
    app.number_input(key="gru_step.hidden").set_value(8).run()
    app.number_input(key="gru_step.input").set_value(5).run()
    assert not app.exception
    table = app.dataframe[0].value
    # 4·(8² + 8·5 + 2·8) = 480 and 3·(…) = 360, counted on the modules
    assert table.iloc[2, 1:].tolist() == ["480", "360"]
    app.button(key="gru_step.measure").click().run()
    assert not app.exception
    assert app.dataframe[0].value.iloc[2, 1:].tolist() == ["480", "360"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_trained_switch_tells_the_gru_story_and_ends_with_check_yourself(lang):
    from core.lessons.gru_step import walkthrough
    from core.lessons.trained.grammar import DEFAULT_SENTENCE as TRAINED
    from core.lessons.trained.story import gate_story
    from pages.kit.i18n import texts

    app = open_page(lang)
    assert app.header[-1].value == texts("questions", lang)["ui"]["title"]
    app.toggle(key="gru_step.trained").set_value(True).run()
    assert not app.exception
    lesson = walkthrough(TRAINED, seed=0, trained=True)
    assert bmatrix(lesson.hidden[1]) in latex(app)
    story = gate_story("gru", TRAINED)
    notes = " ".join(block.value for block in app.markdown)
    assert f"{story.forget.value:.3f}" in notes and f"{story.replaced_by:+.2f}" in notes
