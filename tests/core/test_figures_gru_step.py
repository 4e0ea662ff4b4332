"""Lesson 6 figures, built from fixed arrays."""

import numpy as np

from core.figures.player import PlayerLabels
from core.figures.gru_step import conventions_figure, gru_cell_figure, gru_diagram
from core.lessons.gru_step import walkthrough

NOTES = {"highway": "h path", "reset_after": "r after"}


def test_every_chip_draws_a_lesson_vector():
    lesson = walkthrough("a b c", 0)
    assert {chip.name for chip in gru_diagram(NOTES).chips} <= set(lesson.vectors())
    figure = gru_cell_figure(lesson.vectors(), lesson.tokens, NOTES, "{step}:{token}",
                             PlayerLabels("Play", "Pause", "t = ")).validated()
    assert len(figure.frames) == 3
    assert figure.frames[2].layout.title.text == "3:c"
    chips = gru_diagram(NOTES).chips
    offset = sum(np.asarray(lesson.vectors()[chip.name]).shape[1]
                 for chip in chips[: [c.name for c in chips].index("update")])
    np.testing.assert_allclose(figure.frames[1].data[0].marker.color[offset:offset + 4], lesson.gates["update"][1])


def test_conventions_figure_plots_both_formulas():
    hidden = np.array([[0.1, -0.2], [0.3, 0.4]])
    update = np.array([[0.2, 0.7], [0.5, 0.9]])
    labels = {"hidden_title": "h", "update_title": "z", "torch_axis": "torch", "tutorial_axis": "教程",
              "unit": "单元"}
    figure = conventions_figure(hidden, hidden + 1e-9, update, 1 - update, ["x", "<y>"], labels).validated()
    np.testing.assert_allclose(figure.data[0].x, hidden.ravel())
    np.testing.assert_allclose(figure.data[2].y, (1 - update).ravel())
    assert list(figure.data[3].y) == [1.0, 0.0]  # the z' = 1 - z reference line runs downhill
    assert figure.data[0].text[3] == "t = 2 · &lt;y&gt;, 单元 1"  # the page's words, user text escaped
    assert "教程: %{y" in figure.data[0].hovertemplate


def test_cell_figure_opens_at_the_chosen_step():
    lesson = walkthrough("a b <c>", 0)
    figure = gru_cell_figure(lesson.vectors(), lesson.tokens, NOTES, "{step}:{token}",
                             PlayerLabels("Play", "Pause", "t = "), step=3).validated()
    assert figure.layout.sliders[0].active == 2
    assert figure.layout.title.text == "3:&lt;c&gt;" == figure.frames[2].layout.title.text
    np.testing.assert_allclose(figure.data[0].marker.color, figure.frames[2].data[0].marker.color)
    assert [tick.label for tick in figure.layout.sliders[0].steps] == ["1 · a", "2 · b", "3 · &lt;c&gt;"]
