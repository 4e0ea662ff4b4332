"""Figures of lesson 4: the Jacobian chain's norm against its predictions, tanh saturation, gradient clipping.

Builders are pure: arrays in, plotly Figure out, every word passed in through ``labels`` (the ``*Labels``
dataclasses, filled by the page from its texts). Animated figures get one frame per visited step, thinned to at most
``max_frames`` so a 200-step chain stays light to send; hover shows full precision. Every figure is written as
Plotly's JSON (:class:`core.figures.plain.PlainFigure`, validated in the tests): every new sentence or slider setting
rebuilds them.
"""

from __future__ import annotations

from dataclasses import dataclass
import math
from collections.abc import Sequence

import numpy as np

from core.escape import plotly_text
from core.figures.log_axis import log_ticks, tick_text
from core.figures.plain import PlainFigure, axis, subplots
from core.figures.player import PlayerLabels, add_time_player
from core.figures.style import GATE_COLORS

MAX_FRAMES = 60
FRAME_MS = 150  # up to 60 frames: a whole chain plays in about 9 s
BOUND_COLOR = "#566573"


@dataclass(frozen=True)
class ChainLabels:
    """Every word of :func:`chain_figure`."""

    measured: str
    upper: str
    lower: str
    weight: str
    radius: str
    x_axis: str
    y_axis: str
    player: PlayerLabels


@dataclass(frozen=True)
class ActivationLabels:
    """Every word of :func:`activation_figure`."""

    value_title: str
    slope_title: str
    all_steps: str
    this_step: str
    player: PlayerLabels


@dataclass(frozen=True)
class ClippingLabels:
    """Every word of :func:`clipping_figure`."""

    before: str
    after: str
    threshold: str
    x_axis: str
    y_axis: str


def frame_positions(last: int, max_frames: int = MAX_FRAMES) -> list[int]:
    """Positions last, last − s, …, 0 visited by a backward animation, at most ``max_frames`` of them (0 kept)."""
    stride = max(1, math.ceil((last + 1) / max_frames))
    positions = list(range(last, -1, -stride))
    return positions if positions[-1] == 0 else positions + [0]


def _positive(values: np.ndarray) -> np.ndarray:
    """NaN where a log axis cannot draw (≤ 0 or not finite)."""
    values = np.asarray(values, float)
    return np.where(np.isfinite(values) & (values > 0), values, np.nan)


def chain_figure(
    measured: np.ndarray,
    upper: np.ndarray,
    lower: np.ndarray,
    weight_bound: np.ndarray,
    radius_rate: np.ndarray,
    labels: ChainLabels,
    tick_labels: Sequence[str] | None = None,
    highlight: int | None = None,
    max_frames: int = MAX_FRAMES,
) -> PlainFigure:
    """‖∂h_T/∂h_t‖ for t = T … 1 over the static predictions, on a log axis; Play reveals it right to left.

    Args:
        measured, upper, lower, weight_bound, radius_rate: (T,) by 0-based position; entry T−1 is the loss step.
        tick_labels: optional T labels for the x axis (the tokens of a sentence; user text, escaped here).
        highlight: optional 0-based position marked with a vertical line (the word the gradient must reach).
    Frames are named by the 1-based step reached.
    """
    measured = np.asarray(measured, float)
    count = len(measured)
    for curve in (upper, lower, weight_bound, radius_rate):
        if len(curve) != count:
            raise ValueError("all curves need one value per step")
    steps = np.arange(1, count + 1)
    references = [("upper", upper, "dash", GATE_COLORS["forget"]), ("lower", lower, "dot", GATE_COLORS["input"]),
                  ("weight", weight_bound, "dashdot", BOUND_COLOR), ("radius", radius_rate, "longdash", "#A569BD")]
    data = [{"type": "scatter", "x": steps, "y": _positive(curve), "mode": "lines", "name": getattr(labels, key),
             "line": {"dash": dash, "color": color},
             "hovertemplate": f"t = %{{x}}<br>{getattr(labels, key)} = %{{y:.8g}}<extra></extra>"}
            for key, curve, dash, color in references]
    positions = frame_positions(count - 1, max_frames)
    curve, newest = _chain_frame(positions[-1], measured)  # the first view shows the whole measured chain
    first = len(data)  # the two traces the frames change
    data.append({"type": "scatter", "x": steps, "y": curve["y"], "mode": "lines+markers", "name": labels.measured,
                 "line": {"color": GATE_COLORS["gradient"], "width": 3}, "marker": {"size": 5},
                 "hovertemplate": f"t = %{{x}}<br>{labels.measured} = %{{y:.8g}}<extra></extra>"})
    data.append({"type": "scatter", "x": newest["x"], "y": newest["y"], "mode": "markers", "showlegend": False,
                 "hoverinfo": "skip",
                 "marker": {"size": 14, "color": GATE_COLORS["gradient"], "line": {"width": 2, "color": "#1B2631"}}})
    frames = [{"name": str(position + 1), "traces": [first, first + 1], "data": _chain_frame(position, measured)}
              for position in positions]

    visible = _positive(measured)
    low = np.nanmin(visible) if np.isfinite(visible).any() else 1e-3
    high = max(np.nanmax(visible) if np.isfinite(visible).any() else 1.0, 1.0)
    references_low = np.nanmin(_positive(np.concatenate([upper, lower, weight_bound, radius_rate])))
    references_high = np.nanmax(_positive(np.concatenate([upper, lower, weight_bound, radius_rate])))
    low = max(min(low, references_low), low * 1e-4)  # show the predictions, but never let them squash the data
    high = min(max(high, references_high), high * 1e4)
    yaxis = {"type": "log", "range": [math.log10(low) - 0.3, math.log10(high) + 0.3], "title": {"text": labels.y_axis},
             "exponentformat": "power"}
    xaxis = {"range": [0.5, count + 0.5]}
    if tick_labels is None:
        xaxis["title"] = {"text": labels.x_axis}
    else:  # the words stand in for the axis title, which would collide with the player below them
        xaxis.update(tickvals=steps, ticktext=[plotly_text(label) for label in tick_labels], tickangle=-40)
    layout = {"xaxis": xaxis, "yaxis": yaxis, "height": 470, "margin": {"l": 60, "r": 20, "t": 30, "b": 140},
              "plot_bgcolor": "white", "legend": {"orientation": "h", "y": 1.12, "x": 0}, "hovermode": "closest"}
    if highlight is not None:  # a dotted line across the plot, as add_vline draws it
        layout["shapes"] = [{"type": "line", "xref": "x", "x0": highlight + 1, "x1": highlight + 1,
                             "yref": "y domain", "y0": 0, "y1": 1,
                             "line": {"color": GATE_COLORS["gradient"], "width": 1, "dash": "dot"}}]
    # The view opens on the finished chain; Play replays the backward pass from t = T.
    return add_time_player(PlainFigure(data, layout, frames), [str(position + 1) for position in positions],
                           labels.player, start=len(positions), frame_ms=FRAME_MS, from_current=False)


def _chain_frame(position: int, measured: np.ndarray) -> list[dict]:
    """What changes per frame (plotly.js merges it into the traces): the measured curve from the loss step back
    to ``position``, and the marker on its newest point."""
    steps = np.arange(1, len(measured) + 1)
    return [
        {"type": "scatter", "y": np.where(steps >= position + 1, _positive(measured), np.nan)},
        {"type": "scatter", "x": [position + 1], "y": _positive(measured[position : position + 1])},
    ]


def activation_figure(
    curve_z: np.ndarray,
    curve_value: np.ndarray,
    curve_slope: np.ndarray,
    pre_activation: np.ndarray,
    value: np.ndarray,
    slope: np.ndarray,
    labels: ActivationLabels,
    max_frames: int = MAX_FRAMES,
) -> PlainFigure:
    """φ and φ′ as curves with the run's own z_t as points: all steps faint, the current step bold, over t.

    Args:
        curve_z, curve_value, curve_slope: (P,) the curves to draw.
        pre_activation, value, slope: (T, H) z_t, φ(z_t), φ′(z_t) of the run.
    Frames run forward over t (thinned to ``max_frames``), named by the 1-based step.
    """
    pre_activation = np.asarray(pre_activation, float)
    if not pre_activation.shape == np.shape(value) == np.shape(slope):
        raise ValueError("pre_activation, value and slope must all be (T, H)")
    grid = subplots(1, 2, [labels.value_title, labels.slope_title], horizontal_spacing=0.08)
    data = []
    for col, curve, points in ((1, curve_value, value), (2, curve_slope, slope)):
        data.append(grid.trace({"type": "scatter", "x": curve_z, "y": curve, "mode": "lines",
                                "line": {"color": GATE_COLORS["hidden"]}, "showlegend": False, "hoverinfo": "skip"},
                               1, col))
        data.append(grid.trace({
            "type": "scatter", "x": pre_activation.ravel(), "y": np.asarray(points, float).ravel(), "mode": "markers",
            "name": labels.all_steps, "marker": {"size": 5, "color": "#BFC9CA", "opacity": 0.5},
            "showlegend": col == 1, "hovertemplate": "z = %{x:.8g}<br>%{y:.8g}<extra></extra>",
        }, 1, col))
    last = len(pre_activation) - 1
    positions = frame_positions(last, max_frames)[::-1]  # forward in time
    first = len(data)  # the two traces the frames change
    units = np.arange(1, pre_activation.shape[1] + 1)
    for col, points in ((1, value), (2, slope)):
        data.append(grid.trace({
            "type": "scatter", "x": pre_activation[positions[0]], "y": np.asarray(points, float)[positions[0]],
            "mode": "markers", "name": labels.this_step, "showlegend": col == 1, "customdata": units,
            "marker": {"size": 11, "color": GATE_COLORS["gradient"], "line": {"width": 1, "color": "#1B2631"}},
            "hovertemplate": "unit %{customdata}<br>z = %{x:.8g}<br>%{y:.8g}<extra></extra>",
        }, 1, col))
    # no x-axis title: the subplot titles name z, and a title would sit under the player's slider label
    for col in (1, 2):
        grid.xaxis(1, col)["range"] = [curve_z[0], curve_z[-1]]
    grid.yaxis(1, 2)["range"] = [-0.05, 1.08]
    frames = [{"name": str(position + 1), "traces": [first, first + 1],
               "data": [{"type": "scatter", "x": pre_activation[position], "y": np.asarray(points, float)[position]}
                        for points in (value, slope)]}
              for position in positions]
    layout = grid.layout | {
        "height": 440, "margin": {"l": 40, "r": 20, "t": 90, "b": 120}, "plot_bgcolor": "white",
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.16, "xanchor": "right", "x": 1},
    }
    return add_time_player(PlainFigure(data, layout, frames), [str(position + 1) for position in positions],
                           labels.player, frame_ms=FRAME_MS)


def clipping_figure(
    norms_before: np.ndarray,
    norms_after: np.ndarray,
    threshold: float,
    labels: ClippingLabels,
) -> PlainFigure:
    """Each batch's total gradient norm before and after clipping, with the threshold line, on a log axis."""
    if len(norms_before) != len(norms_after):
        raise ValueError("need one norm before and after per batch")
    batches = np.arange(1, len(norms_before) + 1)
    data = [
        {"type": "bar", "x": batches, "y": _positive(norms_before), "name": labels.before,
         "marker": {"color": "#ABB2B9"},
         "hovertemplate": f"{labels.x_axis} %{{x}}<br>{labels.before} = %{{y:.8g}}<extra></extra>"},
        {"type": "bar", "x": batches, "y": _positive(norms_after), "name": labels.after,
         "marker": {"color": GATE_COLORS["gradient"]},
         "hovertemplate": f"{labels.x_axis} %{{x}}<br>{labels.after} = %{{y:.8g}}<extra></extra>"},
    ]
    # the threshold line as add_hline writes it; its label placed by hand, since add_hline's own annotation lands at
    # y = threshold in log10 units on a log axis
    line = {"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": threshold, "y1": threshold,
            "line": {"color": "#1B2631", "dash": "dash"}}
    note = {"x": 1, "xref": "paper", "xanchor": "right", "y": math.log10(threshold), "yref": "y",
            "yanchor": "bottom", "text": f"{labels.threshold} = {threshold:g}", "showarrow": False}
    shown = _positive(np.concatenate([norms_before, norms_after, [threshold]]))
    low, high = math.log10(np.nanmin(shown)) - 0.5, math.log10(np.nanmax(shown)) + 0.3
    ticks = log_ticks(low, high)
    return PlainFigure(data, {
        "shapes": [line], "annotations": [note],
        "yaxis": axis(labels.y_axis, type="log", range=[low, high],  # bars grow from the axis floor
                      tickvals=ticks, ticktext=[tick_text(tick) for tick in ticks]),
        "xaxis": axis(labels.x_axis, dtick=1),
        "barmode": "group", "height": 360, "margin": {"l": 60, "r": 20, "t": 30, "b": 40}, "plot_bgcolor": "white",
        "legend": {"orientation": "h", "y": 1.12, "x": 0},
    })
