"""Code-lesson charts built from fixed numbers."""

import pytest

import numpy as np

from core.figures.code import (FUSED_COLOR, PENDING_COLOR, gradient_error_figure, loop_figure, parameter_figure,
                               speed_figure)
from core.figures.style import CELL_COLORS, GATE_COLORS
from tests.core.figure_labels import LOOP


def test_gradient_errors_on_a_log_axis_colored_by_threshold():
    figure = gradient_error_figure(["dW", "db", "dx"], [1e-16, 0.0, 0.3], 1e-10, "error", "1e-10")
    bar = figure.data[0]
    assert list(bar.y) == ["dW", "db", "dx"]
    assert list(bar.x) == [1e-16, 1e-18, 0.3]  # zero is drawn at the axis floor, its hover keeps 0
    assert list(bar.customdata) == [1e-16, 0.0, 0.3]
    assert list(bar.marker.color) == [GATE_COLORS["candidate"], GATE_COLORS["candidate"], GATE_COLORS["gradient"]]
    assert figure.layout.xaxis.type == "log"
    assert figure.layout.shapes[0].x0 == 1e-10
    assert figure.layout.annotations[0].x == -10  # the label sits over the line (log units)
    with pytest.raises(ValueError):
        gradient_error_figure(["a"], [1.0, 2.0], 1e-10, "", "")


def test_speed_figure_in_milliseconds():
    figure = speed_figure(["loop", "fused"], [0.012, 0.003], "ms")
    bar = figure.data[0]
    assert list(bar.x) == pytest.approx([12.0, 3.0])
    assert list(bar.marker.color) == [CELL_COLORS["lstm"], FUSED_COLOR]
    assert list(bar.text) == ["12.000 ms", "3.000 ms"]
    with pytest.raises(ValueError):
        speed_figure(["only"], [1.0], "ms")


def test_parameter_figure_counts_shares_and_colors():
    figure = parameter_figure(["embedding", "lstm"], [300, 100], "parameters")
    assert list(figure.data[0].x) == [300, 100]
    assert list(figure.data[0].text) == ["300 (75.0%)", "100 (25.0%)"]
    plain = parameter_figure(["a", "b"], [1_000, 20], "p", show_share=False, colors=["#000000", "#ffffff"])
    assert list(plain.data[0].text) == ["1,000", "20"]
    assert list(plain.data[0].marker.color) == ["#000000", "#ffffff"]
    with pytest.raises(ValueError):
        parameter_figure(["a"], [1], "p", colors=["#000000", "#111111"])


def test_loop_figure_fills_one_square_per_call_in_call_order():
    calls = [(step, layer) for step in range(3) for layer in range(2)]
    norms = np.arange(6, dtype=float).reshape(3, 2) / 10  # (steps, layers)
    gaps = np.full((3, 2), 1e-17)
    figure = loop_figure(calls, norms, gaps, LOOP)
    assert [frame.name for frame in figure.frames] == ["1", "2", "3", "4", "5", "6"]
    assert figure.layout.sliders[0].active == 5  # the first view shows every call made
    squares = list(zip(figure.data[0].x, figure.data[0].y))  # (t, layer), 1-based, layer by layer
    first = figure.frames[0].data[0]
    made = [color != PENDING_COLOR for color in first.marker.color]
    assert [square for square, is_made in zip(squares, made) if is_made] == [(1, 1)]
    third = figure.frames[2].data[0]  # call 3 is step 2, layer 1
    assert third.marker.line.width[squares.index((2, 1))] == 4 and third.text[squares.index((2, 1))] == "0.20"
    assert figure.data[0].customdata[squares.index((3, 2))][1:] == [0.5, 1e-17]
    with pytest.raises(ValueError):
        loop_figure(calls[:-1], norms, gaps, LOOP)
