"""Figures of lesson 2: weight heatmaps and one RNN step taken apart, animated over time.

Pure builders: numpy arrays and label strings in, a figure written as Plotly's JSON out
(:class:`core.figures.plain.PlainFigure`, validated in the tests): a new sentence rebuilds every frame.
"""

from __future__ import annotations

import re

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.figures.plain import PlainFigure, colorscale, subplots, title as title_of
from core.figures.player import PlayerLabels, add_time_player, token_ticks
from core.figures.style import DIVERGING, GATE_COLORS

TERM_COLORS = {
    "from_input": GATE_COLORS["input_x"],  # W_xh · x_t: what the new token brings
    "from_hidden": GATE_COLORS["hidden"],  # W_hh · h_{t-1}: what memory brings
    "bias": "#F4D03F",
}


def matrix_heatmap(matrix: np.ndarray, title: str, row_symbol: str, column_symbol: str, name: str,
                   decimals: int = 2) -> PlainFigure:
    """A weight matrix as a heatmap laid out like the matrix (row 0 on top), rounded values written in the cells.

    Hover shows ``name[row, column]`` with full precision. ``row_symbol`` / ``column_symbol`` name what the rows
    and columns index (e.g. "h" and "x" for W_xh, whose row i says how much each input feeds hidden unit i).
    """
    matrix = np.asarray(matrix, dtype=float)
    if matrix.ndim != 2:
        raise ValueError(f"expected a matrix, got shape {matrix.shape}")
    rows, columns = matrix.shape
    bound = float(np.abs(matrix).max()) or 1.0
    heatmap = {
        "type": "heatmap", "z": matrix, "x": [f"{column_symbol}[{j}]" for j in range(columns)],
        "y": [f"{row_symbol}[{i}]" for i in range(rows)], "colorscale": colorscale(DIVERGING), "zmin": -bound,
        "zmax": bound, "text": np.round(matrix, decimals), "texttemplate": f"%{{z:.{decimals}f}}", "xgap": 2,
        "ygap": 2, "showscale": False,
        "customdata": np.stack(np.indices((rows, columns)), axis=-1),  # (rows, columns, 2): the entry's [i, j]
        "hovertemplate": f"{name}[%{{customdata[0]}}, %{{customdata[1]}}] = %{{z:.7g}}<extra></extra>",
    }
    return PlainFigure([heatmap], {
        "title": title_of(title), "height": 110 + 48 * rows, "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "yaxis": {"autorange": "reversed", "fixedrange": True}, "xaxis": {"fixedrange": True},
    })


@dataclass(frozen=True)
class StepFigureLabels:
    """Words of :func:`step_terms_figure` (plotly's HTML subset allowed); the defaults are symbols, not words."""

    player: PlayerLabels
    unit: str
    terms_title: str = "z<sub>t</sub> = W<sub>xh</sub>·x<sub>t</sub> + W<sub>hh</sub>·h<sub>t−1</sub> + b<sub>h</sub>"
    tanh_title: str = "h<sub>t</sub> = tanh(z<sub>t</sub>)"
    output_title: str = "y<sub>t</sub> = softmax(W<sub>hy</sub>·h<sub>t</sub> + b<sub>y</sub>)"
    from_input: str = "W<sub>xh</sub>·x<sub>t</sub>"
    from_hidden: str = "W<sub>hh</sub>·h<sub>t−1</sub>"
    bias: str = "b<sub>h</sub>"
    pre_hidden: str = "z<sub>t</sub>"
    hidden: str = "h<sub>t</sub>"
    output: str = "y<sub>t</sub>"


def step_terms_figure(from_input: np.ndarray, from_hidden: np.ndarray, bias: np.ndarray, pre_hidden: np.ndarray,
                      hidden: np.ndarray, outputs: np.ndarray, tokens: Sequence[str],
                      labels: StepFigureLabels, step: int = 1) -> PlainFigure:
    """One RNN step taken apart, one frame per step.

    Left: per hidden unit, the three terms stacked (they add up to z_t, marked ◆) and h_t = tanh(z_t) (●).
    Middle: the tanh curve with each unit's (z_t, h_t), showing the squashing into (−1, 1).
    Right: the softmax output y_t.
    Shapes: ``from_input``, ``from_hidden``, ``pre_hidden``, ``hidden`` (T, hidden_size); ``bias`` (hidden_size,);
    ``outputs`` (T, output_size). ``step`` is the first frame shown, 1-based.
    """
    arrays = [np.asarray(a, dtype=float) for a in (from_input, from_hidden, pre_hidden, hidden, outputs)]
    from_input, from_hidden, pre_hidden, hidden, outputs = arrays
    bias = np.asarray(bias, dtype=float)
    seq_len, hidden_size = pre_hidden.shape
    if any(len(a) != seq_len for a in arrays) or len(tokens) != seq_len or bias.shape != (hidden_size,):
        raise ValueError("every array needs seq_len rows, bias needs hidden_size entries, tokens one per step")
    if not 1 <= step <= seq_len:
        raise ValueError(f"step {step} is outside 1..{seq_len}")

    units = [f"{labels.unit} {i}" for i in range(hidden_size)]
    out_units = [f"{labels.output}[{i}]" for i in range(outputs.shape[1])]
    # Wide gaps: the middle panel's axis title must not land on the left panel's last bar.
    grid = subplots(1, 3, (labels.terms_title, labels.tanh_title, labels.output_title),
                    column_widths=[0.44, 0.34, 0.22], horizontal_spacing=0.1)
    curve = np.linspace(-3.5, 3.5, 141)
    data = [grid.trace({"type": "scatter", "x": curve, "y": np.tanh(curve), "mode": "lines",
                        "line": {"color": "#AAB7B8"}, "hoverinfo": "skip", "showlegend": False}, 1, 2)]

    def dynamic(t: int) -> list[dict]:
        """The traces that change with the step, in a fixed order (frames address them by index)."""
        index = t - 1

        def bars(values, name, color):
            return {"type": "bar", "x": units, "y": values, "name": name, "marker": {"color": color},
                    "legendgroup": name, "hovertemplate": f"{name} · %{{x}} = %{{y:.7g}}<extra></extra>"}

        return [
            bars(from_input[index], labels.from_input, TERM_COLORS["from_input"]),
            bars(from_hidden[index], labels.from_hidden, TERM_COLORS["from_hidden"]),
            bars(bias, labels.bias, TERM_COLORS["bias"]),
            {"type": "scatter", "x": units, "y": pre_hidden[index], "mode": "markers", "name": labels.pre_hidden,
             "marker": {"symbol": "diamond", "size": 12, "color": "black"},
             "hovertemplate": f"{labels.pre_hidden} · %{{x}} = %{{y:.7g}}<extra></extra>"},
            {"type": "scatter", "x": units, "y": hidden[index], "mode": "markers", "name": labels.hidden,
             "marker": {"size": 11, "color": GATE_COLORS["hidden"], "line": {"color": "white", "width": 1}},
             "hovertemplate": f"{labels.hidden} · %{{x}} = %{{y:.7g}}<extra></extra>"},
            {"type": "scatter", "x": pre_hidden[index], "y": hidden[index], "mode": "markers", "showlegend": False,
             "customdata": units, "marker": {"size": 11, "color": GATE_COLORS["hidden"]},
             "hovertemplate": (f"%{{customdata}}: {labels.pre_hidden} = %{{x:.7g}} → "
                               f"{labels.hidden} = %{{y:.7g}}<extra></extra>")},
            {"type": "bar", "x": out_units, "y": outputs[index], "marker": {"color": GATE_COLORS["output"]},
             "showlegend": False, "text": [f"{value:.3f}" for value in outputs[index]], "textposition": "outside",
             "hovertemplate": "%{x} = %{y:.7g}<extra></extra>"},
        ]

    first_dynamic = len(data)
    placement = [(1, 1)] * 5 + [(1, 2), (1, 3)]
    data += [grid.trace(trace, row, col) for trace, (row, col) in zip(dynamic(step), placement)]
    indices = list(range(first_dynamic, len(data)))
    frames = [{"data": dynamic(t), "name": str(t), "traces": indices} for t in range(1, seq_len + 1)]

    stacked = np.concatenate([
        np.where(from_input > 0, from_input, 0) + np.where(from_hidden > 0, from_hidden, 0) + max(bias.max(), 0),
        np.where(from_input < 0, from_input, 0) + np.where(from_hidden < 0, from_hidden, 0) + min(bias.min(), 0),
        pre_hidden, hidden,
    ], axis=None)
    reach = float(np.abs(stacked).max()) * 1.1 or 1.0
    grid.yaxis(1, 1).update(range=[-reach, reach], fixedrange=True)
    grid.xaxis(1, 2).update(range=[-3.5, 3.5], fixedrange=True, title={"text": labels.pre_hidden})
    grid.yaxis(1, 2).update(range=[-1.1, 1.1], fixedrange=True, title={"text": labels.hidden})
    grid.yaxis(1, 3).update(range=[0, 1.15], fixedrange=True)
    titles = (labels.terms_title, labels.tanh_title, labels.output_title)
    # Each panel must hold its title (subplot titles are 16 px; ~0.55 em a character, tags such as <sub> drawn
    # smaller and counted as text): below that width a phone shows the three titles run together.
    panel = max(0.55 * 16 * len(re.sub(r"<[^>]+>", "", title)) / share
                for title, share in zip(titles, (0.44 * 0.8, 0.34 * 0.8, 0.22 * 0.8)))
    layout = grid.layout | {
        "barmode": "relative", "height": 480, "margin": {"l": 10, "r": 50, "t": 50, "b": 170},
        "legend": {"orientation": "h", "y": -0.45, "yanchor": "top", "x": 0.0},
        "meta": {"min_width": int(np.ceil(panel + 60))},
    }
    return add_time_player(PlainFigure(data, layout, frames), [str(t) for t in range(1, seq_len + 1)],
                           labels.player, start=step, tick_labels=token_ticks(tokens))
