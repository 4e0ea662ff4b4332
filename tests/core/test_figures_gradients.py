"""Lesson 4's figures built from fixed arrays. Test names carry "gradients_lesson" for ``-k gradients_lesson``."""

import math

import numpy as np
import plotly.graph_objects as go
import pytest

from core.figures.gradients import activation_figure, chain_figure, clipping_figure, frame_positions
from core.figures.log_axis import log_ticks, tick_text
from tests.core.figure_labels import ACTIVATION, CHAIN, CLIPPING


def chain_arrays(count=120):
    distances = np.arange(count - 1, -1, -1, dtype=float)
    measured = 0.8**distances
    measured[3] = 0.0  # a relu chain can hit exactly zero
    return measured, 0.95**distances, 0.5**distances, distances * 0 + 1.0, 0.9**distances


def test_gradients_lesson_frame_positions():
    assert frame_positions(5) == [5, 4, 3, 2, 1, 0]
    thinned = frame_positions(199, 60)
    assert thinned[0] == 199 and thinned[-1] == 0 and len(thinned) <= 61
    assert all(a > b for a, b in zip(thinned, thinned[1:]))


def test_gradients_lesson_chain_figure_reveals_right_to_left():
    measured, *references = chain_arrays()
    fig = chain_figure(measured, *references, CHAIN, max_frames=40).validated()
    assert len(fig.data) == 6 and len(fig.frames) <= 41
    assert fig.frames[0].name == "120" and fig.frames[-1].name == "1"
    first, last = np.array(fig.frames[0].data[0].y, dtype=float), np.array(fig.frames[-1].data[0].y, dtype=float)
    assert np.isnan(first[:-1]).all() and first[-1] == 1.0
    assert np.isnan(last[3])  # zero cannot be drawn on a log axis
    np.testing.assert_allclose(np.delete(last, 3), np.delete(measured, 3))
    assert list(fig.frames[-1].data[1].x) == [1]
    np.testing.assert_allclose(np.array(fig.data[4].y, dtype=float), last)  # the view opens on the whole chain
    assert fig.layout.sliders[0].active == len(fig.frames) - 1
    assert fig.layout.yaxis.type == "log"
    np.testing.assert_allclose(np.array(fig.data[0].y, dtype=float), references[0])
    go.Figure(fig.to_dict())


def test_gradients_lesson_chain_figure_sentence_ticks_and_highlight():
    measured, *references = chain_arrays(4)
    fig = chain_figure(measured, *references, CHAIN, tick_labels=["the", "<i>cat</i>", "was", "full"],
                       highlight=1).validated()
    assert list(fig.layout.xaxis.ticktext) == ["the", "&lt;i&gt;cat&lt;/i&gt;", "was", "full"]
    assert fig.layout.shapes[0].x0 == 2
    with pytest.raises(ValueError):
        chain_figure(measured, references[0][:2], *references[1:], CHAIN)


def test_gradients_lesson_activation_figure_moves_forward():
    z = np.linspace(-4, 4, 9)
    pre_activation = np.arange(10 * 3, dtype=float).reshape(10, 3) / 10 - 1.5  # (T, H)
    value, slope = np.tanh(pre_activation), 1 - np.tanh(pre_activation) ** 2
    fig = activation_figure(z, np.tanh(z), 1 - np.tanh(z) ** 2, pre_activation, value, slope, ACTIVATION).validated()
    assert [frame.name for frame in fig.frames] == [str(step) for step in range(1, 11)]
    frame = fig.frames[6]
    np.testing.assert_allclose(frame.data[0].x, pre_activation[6])
    np.testing.assert_allclose(frame.data[1].y, slope[6])
    assert len(fig.data[1].x) == 30  # every step's points in the background
    go.Figure(fig.to_dict())
    with pytest.raises(ValueError):
        activation_figure(z, z, z, pre_activation, value[:3], slope, ACTIVATION)


def test_gradients_lesson_clipping_figure():
    fig = clipping_figure(np.array([0.5, 20.0, 3.0]), np.array([0.5, 1.0, 1.0]), 1.0, CLIPPING).validated()
    assert [trace.type for trace in fig.data] == ["bar", "bar"]
    np.testing.assert_allclose(fig.data[1].y, [0.5, 1.0, 1.0])
    assert fig.layout.shapes[0].y0 == 1.0 and fig.layout.yaxis.type == "log"
    assert fig.layout.annotations[0].y == 0.0  # log10(threshold): a log axis places annotations in log units
    assert fig.layout.yaxis.ticktext == ("0.2", "0.5", "1", "2", "5", "10", "20")  # no bare "4 5 6 7 8 9" minors
    go.Figure(fig.to_dict())


def test_gradients_lesson_log_ticks_are_round_and_thinned_on_long_ranges():
    assert log_ticks(-0.5, 0.5) == [0.5, 1.0, 2.0, 3.0]
    assert log_ticks(-1.0, 1.5) == [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0]
    wide = log_ticks(-18, 1)
    assert len(wide) <= 8 and all(-18 <= math.log10(tick) <= 1 for tick in wide) and 1.0 in wide


def test_gradients_lesson_tick_text_is_plain_in_a_readable_range():
    assert [tick_text(value) for value in (0.5, 1.0, 20.0, 1e6, 2e-5, 1e-3)] == ["0.5", "1", "20", "1e6", "2e-5",
                                                                                  "1e-3"]
