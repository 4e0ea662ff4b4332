import numpy as np
import pytest

import dataclasses

from core.figures.rnn_step import matrix_heatmap, step_terms_figure
from core.lessons.rnn_step import run_lesson
from tests.core.figure_labels import STEP_TERMS


def test_matrix_heatmap_is_laid_out_like_the_matrix():
    matrix = np.array([[0.5, -1.0, 0.25], [2.0, 0.0, -0.125]])
    fig = matrix_heatmap(matrix, "W", "h", "x", "W_xh").validated()
    heatmap = fig.data[0]
    np.testing.assert_array_equal(np.asarray(heatmap.z), matrix)
    assert list(heatmap.y) == ["h[0]", "h[1]"] and list(heatmap.x) == ["x[0]", "x[1]", "x[2]"]
    assert (heatmap.zmin, heatmap.zmax) == (-2.0, 2.0)
    assert "W_xh[%{customdata[0]}, %{customdata[1]}]" in heatmap.hovertemplate and ":.7g" in heatmap.hovertemplate
    assert np.asarray(heatmap.customdata)[1, 2].tolist() == [1, 2]  # hover names entry [i, j] of the matrix
    assert fig.layout.yaxis.autorange == "reversed"  # row 0 on top, as printed
    with pytest.raises(ValueError):
        matrix_heatmap(np.zeros(3), "W", "h", "x", "W")


@pytest.fixture(scope="module")
def lesson():
    return run_lesson("the cat sat", seed=2)


def test_step_terms_frames_show_each_steps_terms(lesson):
    fig = step_terms_figure(lesson.from_input, lesson.from_hidden, lesson.bias_hidden, lesson.pre_hidden,
                            lesson.hidden, lesson.outputs, lesson.tokens, dataclasses.replace(STEP_TERMS, unit="u"),
                            step=3).validated()
    assert [frame.name for frame in fig.frames] == ["1", "2", "3"]
    assert fig.layout.sliders[0].active == 2
    assert fig.layout.barmode == "relative"  # the three terms stack into z_t
    for t, frame in enumerate(fig.frames):
        from_input, from_hidden, bias, pre_hidden, hidden, curve_points, outputs = frame.data
        stacked = np.asarray(from_input.y) + np.asarray(from_hidden.y) + np.asarray(bias.y)
        np.testing.assert_allclose(stacked, pre_hidden.y, atol=1e-6)
        np.testing.assert_allclose(np.tanh(np.asarray(pre_hidden.y)), hidden.y, atol=1e-6)
        np.testing.assert_array_equal(curve_points.x, lesson.pre_hidden[t])
        np.testing.assert_array_equal(outputs.y, lesson.outputs[t])
    assert list(fig.frames[0].data[1].y) == [0.0] * 4  # W_hh · h_0 = 0 at the first step
    assert list(fig.frames[0].data[0].x) == ["u 0", "u 1", "u 2", "u 3"]


def test_step_terms_initial_view_is_the_chosen_step(lesson):
    fig = step_terms_figure(lesson.from_input, lesson.from_hidden, lesson.bias_hidden, lesson.pre_hidden,
                            lesson.hidden, lesson.outputs, lesson.tokens, STEP_TERMS, step=2).validated()
    first_dynamic = fig.frames[0].traces[0]
    np.testing.assert_array_equal(fig.data[first_dynamic].y, lesson.from_input[1])
    with pytest.raises(ValueError):
        step_terms_figure(lesson.from_input, lesson.from_hidden, lesson.bias_hidden, lesson.pre_hidden,
                          lesson.hidden, lesson.outputs, lesson.tokens[:2], STEP_TERMS)
