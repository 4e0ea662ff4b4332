"""The reach chart (lesson 4's trained section, the summary) built from fixed numbers."""

import numpy as np

from core.figures.reach import ReachCurve, reach_figure


def test_reach_figure_leaves_gaps_for_underflow_and_marks_the_word_to_reach():
    curves = [ReachCurve(np.array([0.0, 1e-3, 1.0]), "<i>before</i>", "#95A5A6", "dot"),
              ReachCurve(np.array([0.2, 0.5, 1.0]), "after", "#2E86DE")]
    figure = reach_figure(["the", "<b>cat</b>", "was"], curves, "word", "norm", highlight=1).validated()
    before, after = figure.data
    assert np.isnan(before.y[0]) and list(before.y[1:]) == [1e-3, 1.0]  # 0 has no place on a log axis
    np.testing.assert_allclose(after.y, [0.2, 0.5, 1.0])
    assert list(after.x) == ["1·the", "2·&lt;b&gt;cat&lt;/b&gt;", "3·was"]  # user text escaped
    assert before.name == "&lt;i&gt;before&lt;/i&gt;" and before.line.dash == "dot"
    assert figure.layout.yaxis.type == "log" and figure.layout.xaxis.title.text == "word"
    line = figure.layout.shapes[0]
    assert (line.x0, line.x1, line.yref, line.y0, line.y1) == (1, 1, "y domain", 0, 1)  # the full height at word 2


def test_reach_figure_without_a_highlight_draws_no_line():
    figure = reach_figure(["a"], [ReachCurve(np.array([1.0]), "x", "#000000")], "t", "y").validated()
    assert figure.layout.shapes == ()
