"""Figures of the live lab: pure builders from plain series (lists of numbers) to plotly figures.

Every cell kind keeps one color (``CELL_COLORS``) and every gate its color (``GATE_COLORS``) on every chart, so
the side-by-side panels read at a glance. All visible words arrive as arguments (the page passes its language).

The live panel redraws these every second while a run trains, so they are written as Plotly's JSON directly
(:class:`core.figures.plain.PlainFigure`, about a tenth of the time a validated ``go.Figure`` takes to build); the
tests validate every one.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from core.figures.plain import PlainFigure, axis, colorscale, horizontal_line, title as titled
from core.figures.style import CELL_COLORS, DIVERGING, GATE_COLORS

Series = tuple[Sequence[int], Sequence[float]]  # (x values, y values)
MAX_POINTS = 600
LAYOUT = {"margin": {"l": 50, "r": 20, "t": 50, "b": 45}, "legend": {"orientation": "h", "y": -0.22}}
LOG_AXIS = {"type": "log", "dtick": 1, "exponentformat": "power"}


def _layout(title: str, x_title: str, y_title: str | None, y_settings: dict | None = None, **more) -> dict:
    return {"title": titled(title), "xaxis": axis(x_title), "yaxis": axis(y_title, **(y_settings or {})),
            **LAYOUT, **more}


def smooth(values: Sequence[float], window: int) -> np.ndarray:
    """Trailing moving average (the first points average what exists so far), so noisy per-batch curves show
    their trend without shifting it forward in time. Non-finite values (a diverged update) are left out of the
    averages instead of turning every later point into NaN; a window with no finite value gives NaN."""
    values = np.asarray(values, dtype=float)
    if window <= 1 or values.size == 0:
        return values
    finite = np.isfinite(values)
    sums = np.cumsum(np.insert(np.where(finite, values, 0.0), 0, 0.0))
    counts = np.cumsum(np.insert(finite.astype(float), 0, 0.0))
    ends = np.arange(1, values.size + 1)
    starts = np.maximum(ends - window, 0)
    found = counts[ends] - counts[starts]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(found > 0, (sums[ends] - sums[starts]) / np.maximum(found, 1), np.nan)


def thin(count: int, max_points: int) -> np.ndarray:
    """Indices of at most ``max_points`` evenly spaced items out of ``count``, the last one always included."""
    if count <= max_points:
        return np.arange(count)
    return np.unique(np.linspace(0, count - 1, max_points).round().astype(int))


def metric_curves(series: Mapping[str, Series], *, title: str, x_title: str, y_title: str,
                  cell_names: Mapping[str, str], reference: float | None = None, reference_label: str = "",
                  log_y: bool = False, window: int = 25, max_points: int = MAX_POINTS) -> PlainFigure:
    """Loss or accuracy per update for each cell: the raw values faint, their moving average solid; an optional
    dashed reference line (chance level). Long runs are drawn from at most ``max_points`` evenly spaced updates
    (the average is taken over every update first), so redrawing every second stays cheap."""
    traces = []
    for cell, (steps, values) in series.items():
        color = CELL_COLORS[cell]
        keep = thin(len(steps), max_points)
        steps, raw, trend = np.asarray(steps)[keep], np.asarray(values, dtype=float)[keep], smooth(values, window)[keep]
        traces.append({"type": "scatter", "x": steps, "y": raw, "mode": "lines", "line": {"color": color, "width": 1},
                       "opacity": 0.25, "showlegend": False, "hoverinfo": "skip"})
        traces.append({"type": "scatter", "x": steps, "y": trend, "mode": "lines", "name": cell_names[cell],
                       "line": {"color": color, "width": 2.5}})
    lines = {}
    if reference is not None:
        shape, annotation = horizontal_line(reference, reference_label)
        lines = {"shapes": [shape], "annotations": [annotation]}
    return PlainFigure(traces, _layout(title, x_title, y_title, LOG_AXIS if log_y else None, **lines))


def gradient_through_time(latest: Mapping[str, Series], *, title: str, x_title: str, y_title: str,
                          cell_names: Mapping[str, str], earlier: Mapping[str, Series] | None = None,
                          cell_state: Mapping[str, Series] | None = None, step_label: str = "{step}",
                          cell_state_label: str = "") -> PlainFigure:
    """‖∂L/∂h_t‖ against t on a log axis, one line per cell.

    ``latest`` / ``earlier`` / ``cell_state`` map a cell to ``(step, values over t)``: the newest probe solid, an
    earlier one (e.g. the untrained model) faint and dotted, and the LSTM's ‖∂L/∂c_t‖ dashed.
    ``step_label`` is formatted with ``step=`` for the legend.
    """
    traces = []
    for cell, (step, values) in (earlier or {}).items():
        traces.append({"type": "scatter", "y": _positive(values), "x": list(range(1, len(values) + 1)),
                       "mode": "lines", "name": f"{cell_names[cell]} · {step_label.format(step=step)}",
                       "opacity": 0.35, "line": {"color": CELL_COLORS[cell], "dash": "dot", "width": 1.5}})
    for cell, (step, values) in latest.items():
        traces.append({"type": "scatter", "y": _positive(values), "x": list(range(1, len(values) + 1)),
                       "mode": "lines+markers", "name": f"{cell_names[cell]} · {step_label.format(step=step)}",
                       "marker": {"size": 4}, "line": {"color": CELL_COLORS[cell], "width": 2.5}})
    for cell, (step, values) in (cell_state or {}).items():
        traces.append({"type": "scatter", "y": _positive(values), "x": list(range(1, len(values) + 1)),
                       "mode": "lines", "name": f"{cell_names[cell]} · {cell_state_label}",
                       "line": {"color": CELL_COLORS[cell], "dash": "dash", "width": 2}})
    return PlainFigure(traces, _layout(title, x_title, y_title, LOG_AXIS))


def gate_heatmap(values: Sequence[Sequence[float]], gate: str, *, title: str, x_title: str, y_title: str,
                 signed: bool = False) -> PlainFigure:
    """One gate over the probe sequence: x = time step t (from 1), y = unit, color = value.

    ``values`` is time × unit. Gates in (0, 1) shade from white to the gate's own color; a signed quantity
    (the RNN's tanh hidden state) uses the diverging scale centred on 0.
    """
    grid = np.asarray(values, dtype=float).T  # (hidden, seq_len): units as rows
    if signed:
        scale, low, high = colorscale(DIVERGING), -1.0, 1.0  # written out: plotly.js has no "RdBu_r"
    else:
        scale, low, high = [[0.0, "#FFFFFF"], [1.0, GATE_COLORS[gate]]], 0.0, 1.0
    heat = {"type": "heatmap", "z": grid, "x": list(range(1, grid.shape[1] + 1)), "y": list(range(grid.shape[0])),
            "colorscale": scale, "zmin": low, "zmax": high, "colorbar": {"thickness": 10}}
    return PlainFigure([heat], {"title": titled(title), "xaxis": axis(x_title), "yaxis": axis(y_title),
                                "height": 260, "margin": {"l": 50, "r": 10, "t": 40, "b": 40}})


def saturation_bars(saturation: Mapping[str, Mapping[str, Sequence[float]]], *, title: str, x_title: str,
                    low_label: str, high_label: str, cell_names: Mapping[str, str],
                    gate_names: Mapping[str, str]) -> PlainFigure:
    """Share of gate values below 0.1 and above 0.9, per cell and gate (``saturation[cell][gate] = (low, high)``).

    Low bars are hatched, high bars solid, each in its gate's color: a saturated sigmoid has a near-zero slope,
    so the gradient through it is nearly cut.
    """
    labels, lows, highs, colors = [], [], [], []
    for cell, gates in saturation.items():
        for gate, (low, high) in gates.items():
            labels.append(f"{cell_names[cell]} · {gate_names[gate]}")
            lows.append(low)
            highs.append(high)
            colors.append(GATE_COLORS[gate])
    bars = [{"type": "bar", "y": labels, "x": lows, "name": low_label, "orientation": "h",
             "marker": {"color": colors, "pattern": {"shape": "/"}}},
            {"type": "bar", "y": labels, "x": highs, "name": high_label, "orientation": "h", "marker": {"color": colors}}]
    return PlainFigure(bars, {"title": titled(title), "xaxis": axis(x_title, range=[0, 1], tickformat=".0%"),
                              "yaxis": axis(autorange="reversed"),  # first cell on top
                              "barmode": "group", **LAYOUT})


def keep_product(products: Mapping[str, Series], *, title: str, x_title: str, y_title: str,
                 names: Mapping[str, str]) -> PlainFigure:
    """Running product of the keep gate along the probe sequence (∏ f for the LSTM, ∏ z for torch's GRU), log
    axis: how much of step 1's memory is still carried at step t. ``products[cell] = (step, values over t)``."""
    traces = [{"type": "scatter", "x": list(range(1, len(values) + 1)), "y": _positive(values), "mode": "lines",
               "name": names[cell], "line": {"color": GATE_COLORS["forget" if cell == "lstm" else "update"],
                                             "width": 2.5}}
              for cell, (_, values) in products.items()]
    return PlainFigure(traces, _layout(title, x_title, y_title, LOG_AXIS))


def gradient_norms(series: Mapping[str, tuple[Sequence[int], Sequence[float], Sequence[float]]], *, title: str,
                   x_title: str, y_title: str, cell_names: Mapping[str, str], before_label: str,
                   after_label: str, threshold: float | None = None, threshold_label: str = "",
                   max_points: int = MAX_POINTS) -> PlainFigure:
    """‖∇θ L‖ per update before clipping (faint) and after (solid), with the clipping threshold dashed.

    ``series[cell] = (steps, before, after)``; log axis, because exploding norms span decades.
    """
    traces = []
    for cell, (steps, before, after) in series.items():
        color = CELL_COLORS[cell]
        keep = thin(len(steps), max_points)
        steps, before, after = (np.asarray(values, dtype=float)[keep] for values in (steps, before, after))
        traces.append({"type": "scatter", "x": steps, "y": _positive(before), "mode": "lines", "opacity": 0.35,
                       "name": f"{cell_names[cell]} · {before_label}", "line": {"color": color, "width": 1}})
        traces.append({"type": "scatter", "x": steps, "y": _positive(after), "mode": "lines",
                       "name": f"{cell_names[cell]} · {after_label}", "line": {"color": color, "width": 2}})
    lines = {}
    if threshold is not None:
        shape, annotation = horizontal_line(threshold, threshold_label)
        lines = {"shapes": [shape], "annotations": [annotation]}
    return PlainFigure(traces, _layout(title, x_title, y_title, LOG_AXIS, **lines))


def _positive(values: Sequence[float]) -> list[float | None]:
    """Values for a log axis: zeros and non-finite numbers become gaps instead of breaking the scale."""
    return [float(v) if v is not None and np.isfinite(v) and v > 0 else None for v in values]
