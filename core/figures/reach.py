"""How far back a gradient reaches: one curve per model over the words of a sentence, on a log axis.

Used by lesson 4 (a trained model against itself before training) and the summary (the three trained cells side by
side). Pure builder: arrays in, a figure written as Plotly's JSON out (:class:`core.figures.plain.PlainFigure`,
validated in the tests); every word on it comes in as an argument.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.escape import plotly_text
from core.figures.plain import PlainFigure, axis


@dataclass(frozen=True)
class ReachCurve:
    """One line: ``values`` (T,) ‖∂s_T/∂s_t‖ over t = 1 … T, its legend name, color and dash."""

    values: np.ndarray
    name: str
    color: str
    dash: str = "solid"


def reach_figure(tokens: Sequence[str], curves: Sequence[ReachCurve], x_title: str, y_title: str,
                 highlight: int | None = None) -> PlainFigure:
    """Curves over the words t = 1 … T (x: "t·word", escaped), y on a log scale; ``highlight`` (0-based) marks a
    word with a dotted vertical line (the word the gradient should reach)."""
    positions = [f"{step + 1}·{plotly_text(token)}" for step, token in enumerate(tokens)]  # user text: escaped
    data = []
    for curve in curves:
        # a product that underflowed to 0 has no place on a log axis: leave a gap rather than invent a value
        shown = np.where(np.asarray(curve.values, float) > 0, curve.values, np.nan)
        name = plotly_text(curve.name)
        data.append({
            "type": "scatter", "x": positions, "y": shown, "name": name, "mode": "lines+markers",
            "line": {"color": curve.color, "dash": curve.dash, "width": 2.5},
            "hovertemplate": f"{name}<br>%{{x}}: %{{y:.3e}}<extra></extra>",
        })
    layout = {
        "height": 380, "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "xaxis": axis(x_title, tickangle=-45),
        "yaxis": axis(y_title, type="log", exponentformat="power"),
    }
    if highlight is not None:  # as add_vline writes it: across the plot's whole height
        layout["shapes"] = [{"type": "line", "xref": "x", "x0": highlight, "x1": highlight, "yref": "y domain",
                             "y0": 0, "y1": 1, "line": {"color": "#555555", "dash": "dot", "width": 1.5}}]
    return PlainFigure(data, layout)
