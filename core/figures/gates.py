"""Gates over time as small charts: per-step bars animated in the browser, and time × unit heatmaps.

Every builder is pure (arrays in, figure out) and colors a gate with its ``GATE_COLORS`` entry, so the LSTM
and GRU lessons, the live lab and the training page draw the same gate the same way. Animated builders put one
Plotly frame per time step and call ``add_time_player``: playing and scrubbing happen in the browser. The animated
cell drawings live in :mod:`core.figures.cell_diagram`.

The figures are written as Plotly's JSON (:class:`core.figures.plain.PlainFigure`, validated in the tests): a
student's new sentence rebuilds them, and validating every bar of every frame cost several times the model's step.

Array convention: a gate or state over time is ``(seq_len, size)``, row ``t`` being sequence position ``t``.
Units are numbered from 0, like the tensor's own indices (and the RNN lesson's h[0] … h[3]); time steps from 1.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from core.escape import plotly_text
from core.figures.plain import PlainFigure, colorscale, subplots
from core.figures.player import PlayerLabels, add_time_player
from core.figures.style import DIVERGING, GATE_COLORS

HOVER_DIGITS = ".7g"  # float32 carries about 7 significant digits: hover shows all of them


def frame_texts(tokens: Sequence[str], frame_title: str) -> tuple[list[str], list[str], list[str]]:
    """Frame names ("1" … "T"), frame titles and slider tick labels ("t · token") for a token sequence."""
    safe = [plotly_text(token) for token in tokens]
    names = [str(step) for step in range(1, len(safe) + 1)]
    titles = [frame_title.format(step=step, token=token) for step, token in enumerate(safe, start=1)]
    labels = [f"{step} · {token}" for step, token in enumerate(safe, start=1)]
    return names, titles, labels


def value_range(name: str, values: np.ndarray) -> tuple[float, float]:
    """Axis range for a gate: (0, 1) for sigmoid gates, (-1, 1) for tanh outputs, symmetric data range otherwise."""
    if name in ("input", "forget", "output", "reset", "update"):
        return (0.0, 1.0)
    if name in ("candidate", "new", "hidden"):
        return (-1.0, 1.0)
    limit = max(1.0, float(np.abs(values).max()))
    return (-limit * 1.05, limit * 1.05)


def gate_bars_figure(
    gates: Mapping[str, np.ndarray],
    titles: Mapping[str, str],
    frame_names: Sequence[str],
    unit_label: str,
    player: PlayerLabels,
    height: int = 300,
    step: int = 1,
    step_labels: Sequence[str] | None = None,
) -> PlainFigure:
    """One small bar chart per gate (its units on x), animated over time steps.

    ``gates`` maps a ``GATE_COLORS`` name to its (seq_len, hidden_size) values; ``titles`` names each panel.
    Axes are fixed per gate (see :func:`value_range`) so a bar's height is comparable across frames. ``step``
    (1-based) is the frame shown first; ``step_labels`` go under the slider's ticks (see :func:`diagram_figure`).
    """
    if not 1 <= step <= len(frame_names):
        raise ValueError(f"step {step} is outside 1..{len(frame_names)}")
    names = list(gates)
    grid = subplots(1, len(names), [titles[name] for name in names], horizontal_spacing=0.04)

    def heights(step: int) -> list[dict]:
        """Only what changes per frame: plotly.js merges it into the styled traces."""
        return [{"type": "bar", "y": np.asarray(gates[name][step], dtype=float),
                 "text": [f"{value:.2f}" for value in gates[name][step]]} for name in names]

    traces = []
    for column, (name, first) in enumerate(zip(names, heights(step - 1)), start=1):
        units = [f"{unit_label} {unit}" for unit in range(len(first["y"]))]
        traces.append(grid.trace({
            "type": "bar", "x": units, "y": first["y"], "text": first["text"], "marker": {"color": GATE_COLORS[name]},
            "textposition": "outside", "textangle": 0, "cliponaxis": False, "textfont": {"size": 10},
            "showlegend": False, "hovertemplate": f"{titles[name]}<br>%{{x}}: %{{y:{HOVER_DIGITS}}}<extra></extra>",
        }, row=1, col=column))
        grid.yaxis(1, column)["range"] = list(value_range(name, np.asarray(gates[name])))
        grid.xaxis(1, column)["showticklabels"] = False
    frames = [{"name": frame, "data": heights(step), "traces": list(range(len(names)))}
              for step, frame in enumerate(frame_names)]
    layout = {**grid.layout, "height": height, "margin": {"l": 10, "r": 10, "t": 50, "b": 90}, "bargap": 0.15}
    figure = PlainFigure(traces, layout, frames)
    return add_time_player(figure, list(frame_names), player, start=step, tick_labels=step_labels)


def token_gate_bars_figure(
    gates: Mapping[str, np.ndarray],
    titles: Mapping[str, str],
    tokens: Sequence[str],
    frame_title: str,
    unit_label: str,
    player: PlayerLabels,
    step: int = 1,
) -> PlainFigure:
    """:func:`gate_bars_figure` over a sentence: frames "1" … "T", slider ticks "t · token", opened at ``step``."""
    names, _, tick_labels = frame_texts(tokens, frame_title)
    return gate_bars_figure(gates, titles, names, unit_label, player, step=step, step_labels=tick_labels)


def gate_colorscale(name: str) -> list[list]:
    """White → the gate's color, for values in (0, 1); tanh-range gates use the shared diverging scale."""
    return [[0.0, "#FFFFFF"], [1.0, GATE_COLORS[name]]]


def gate_heatmaps_figure(
    gates: Mapping[str, np.ndarray],
    titles: Mapping[str, str],
    tokens: Sequence[str],
    unit_label: str,
    height_per_gate: int = 120,
) -> PlainFigure:
    """Time × unit heatmaps, one row per gate: every step of a sequence at a glance (not animated).

    ``gates`` maps a ``GATE_COLORS`` name to (seq_len, hidden_size); columns are time steps labelled by ``tokens``.
    Sigmoid gates go from white (closed, 0) to the gate's color (open, 1); other values use the diverging scale.
    """
    names = list(gates)
    grid = subplots(len(names), 1, [titles[name] for name in names], shared_xaxes=True, vertical_spacing=0.06)
    columns = [f"{step + 1}·{plotly_text(token)}" for step, token in enumerate(tokens)]  # user text: escaped
    traces = []
    for row, name in enumerate(names, start=1):
        values = np.asarray(gates[name], dtype=float).T  # (hidden, seq_len)
        low, high = value_range(name, values)
        sigmoid = low == 0.0
        traces.append(grid.trace({
            "type": "heatmap", "z": values, "x": columns,
            "y": [f"{unit_label} {unit}" for unit in range(values.shape[0])], "zmin": low, "zmax": high,
            "colorscale": gate_colorscale(name) if sigmoid else colorscale(DIVERGING), "showscale": False,
            "hovertemplate": f"{titles[name]}<br>%{{x}}, %{{y}}: %{{z:{HOVER_DIGITS}}}<extra></extra>",
        }, row=row, col=1))
    layout = {**grid.layout, "height": 60 + height_per_gate * len(names),
              "margin": {"l": 10, "r": 10, "t": 40, "b": 10}}
    return PlainFigure(traces, layout)

