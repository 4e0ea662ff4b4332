"""The lab's figure builders, built from fixed arrays: right traces, colors, axes and reference lines.

The builders write Plotly's JSON directly (core/figures/plain.py); every test builds the validated figure from it,
so an invalid property fails here.
"""

import numpy as np
import pytest

from core.figures import lab as figures
from core.figures.plain import colorscale
from core.figures.style import CELL_COLORS, DIVERGING, GATE_COLORS
from core.lab.records import collect

NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}


def test_smooth_is_a_trailing_moving_average():
    values = [1.0, 3.0, 5.0, 7.0, 9.0]
    np.testing.assert_allclose(figures.smooth(values, 2), [1.0, 2.0, 4.0, 6.0, 8.0])
    np.testing.assert_allclose(figures.smooth(values, 1), values)
    assert figures.smooth([], 5).size == 0
    np.testing.assert_allclose(figures.smooth([1.0, float("nan"), 3.0, 5.0], 2), [1.0, 1.0, 3.0, 4.0])
    assert np.isnan(figures.smooth([float("inf"), float("nan")], 2)).all()


def test_thin_keeps_ends_and_caps_the_count():
    kept = figures.thin(10_000, 600)
    assert len(kept) <= 600 and kept[0] == 0 and kept[-1] == 9_999
    assert list(figures.thin(5, 600)) == [0, 1, 2, 3, 4]


def test_metric_curves_draw_raw_and_average_per_cell_with_chance_line():
    steps = list(range(1, 2001))
    series = {"rnn": (steps, [1.0] * 2000), "lstm": (steps, list(np.linspace(1, 0.01, 2000)))}
    fig = figures.metric_curves(series, title="Loss", x_title="step", y_title="loss", cell_names=NAMES,
                                reference=0.5, reference_label="chance", log_y=True)
    fig = fig.validated()  # Plotly checks every property
    assert len(fig.data) == 4
    averages = [trace for trace in fig.data if trace.showlegend is not False]
    assert [trace.name for trace in averages] == ["RNN", "LSTM"]
    assert [trace.line.color for trace in averages] == [CELL_COLORS["rnn"], CELL_COLORS["lstm"]]
    assert len(averages[1].x) <= figures.MAX_POINTS and averages[1].x[-1] == 2000
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.shapes[0].y0 == 0.5


def test_gradient_through_time_is_log_scaled_with_faint_earlier_and_cell_state_lines():
    latest = {"rnn": (100, [1e-8, 1e-4, 1.0]), "lstm": (100, [1e-2, 1e-1, 1.0])}
    earlier = {"rnn": (0, [1e-6, 1e-3, 0.0])}
    cell_state = {"lstm": (100, [0.1, 0.2, 0.3])}
    fig = figures.gradient_through_time(latest, earlier=earlier, cell_state=cell_state, title="g", x_title="t",
                                        y_title="norm", cell_names=NAMES, step_label="step {step}",
                                        cell_state_label="cell")
    fig = fig.validated()  # Plotly checks every property
    assert fig.layout.yaxis.type == "log"
    assert [trace.name for trace in fig.data] == ["RNN · step 0", "RNN · step 100", "LSTM · step 100", "LSTM · cell"]
    assert fig.data[0].opacity < 1 and fig.data[0].y[-1] is None  # a zero cannot sit on a log axis
    assert list(fig.data[1].x) == [1, 2, 3] and fig.data[3].line.dash == "dash"


def test_gate_heatmap_is_units_by_time_in_the_gates_color():
    values = np.arange(12).reshape(4, 3) / 12  # (seq_len 4, hidden 3)
    fig = figures.gate_heatmap(values, "forget", title="f", x_title="t", y_title="unit")
    fig = fig.validated()  # Plotly checks every property
    heat = fig.data[0]
    assert np.asarray(heat.z).shape == (3, 4)
    np.testing.assert_allclose(np.asarray(heat.z), values.T)
    assert heat.colorscale[-1][1] == GATE_COLORS["forget"] and (heat.zmin, heat.zmax) == (0, 1)
    signed = figures.gate_heatmap(values * 2 - 1, "hidden", title="h", x_title="t", y_title="unit", signed=True)
    # the browser gets the scale written out: plotly.js knows no "RdBu_r" and would fall back to its default
    assert signed.to_dict()["data"][0]["colorscale"] == colorscale(DIVERGING)
    signed = signed.validated()  # Plotly checks every property
    assert (signed.data[0].zmin, signed.data[0].zmax) == (-1, 1)


def test_saturation_bars_low_and_high_per_gate():
    saturation = {"lstm": {"forget": [0.1, 0.6], "input": [0.0, 0.2]}, "rnn": {"hidden": [0.3, 0.4]}}
    fig = figures.saturation_bars(saturation, title="s", x_title="share", low_label="<0.1", high_label=">0.9",
                                  cell_names=NAMES, gate_names={"forget": "f", "input": "i", "hidden": "h"})
    fig = fig.validated()  # Plotly checks every property
    low, high = fig.data
    assert list(low.y) == ["LSTM · f", "LSTM · i", "RNN · h"]
    assert list(low.x) == [0.1, 0.0, 0.3] and list(high.x) == [0.6, 0.2, 0.4]
    assert list(high.marker.color) == [GATE_COLORS["forget"], GATE_COLORS["input"], GATE_COLORS["hidden"]]


def test_keep_product_and_gradient_norms():
    fig = figures.keep_product({"lstm": (10, [0.9, 0.81, 0.0])}, title="p", x_title="t", y_title="∏",
                               names={"lstm": "∏ f"})
    fig = fig.validated()  # Plotly checks every property
    assert fig.data[0].line.color == GATE_COLORS["forget"] and list(fig.data[0].y) == [0.9, 0.81, None]
    fig = figures.gradient_norms({"rnn": ([1, 2, 3], [5.0, 0.5, float("inf")], [1.0, 0.5, float("inf")])},
                                 title="n", x_title="step", y_title="norm", cell_names=NAMES,
                                 before_label="before", after_label="after", threshold=1.0, threshold_label="max")
    fig = fig.validated()  # Plotly checks every property
    before, after = fig.data
    assert list(before.y) == [5.0, 0.5, None] and list(after.y) == [1.0, 0.5, None]
    assert fig.layout.shapes[0].y0 == 1.0 and fig.layout.yaxis.type == "log"


def test_collect_groups_records_by_cell():
    records = [
        {"kind": "start", "cells": ["rnn", "lstm"], "config": {}},
        {"kind": "probe", "cell": "rnn", "step": 0, "gates": {"hidden": [[0.0]]}},
        {"kind": "step", "cell": "rnn", "step": 1, "loss": 1.0, "accuracy": 0.0, "grad_norm": 2.0,
         "grad_norm_clipped": 1.0, "clipped": True},
        {"kind": "step", "cell": "lstm", "step": 1, "loss": 0.5, "accuracy": 1.0, "grad_norm": 0.5,
         "grad_norm_clipped": 0.5, "clipped": False},
        {"kind": "probe", "cell": "rnn", "step": 1, "gates": None},
    ]
    view = collect(records)
    assert view.cells == ["rnn", "lstm"] and view.steps_done == 1
    assert view.curves["lstm"].loss == [0.5] and view.clip_share("rnn") == 1.0
    assert view.latest_probe("rnn")["step"] == 1 and view.first_probe("rnn")["step"] == 0
    assert view.latest_gates("rnn") == (0, {"hidden": [[0.0]]})
    assert view.latest_probe("lstm") is None and view.end is None
