"""The folded view of an RNN: one cell, its input and output, and the loop back into itself, the recurrent
connection W_hh that the unrolled view draws as arrows between copies. Pure: numbers in, figure out (written as
Plotly's JSON, :class:`core.figures.plain.PlainFigure`, validated in the tests)."""

from __future__ import annotations

from dataclasses import dataclass

from core.figures.plain import PlainFigure, title
from core.figures.style import GATE_COLORS


@dataclass(frozen=True)
class FoldedLabels:
    title: str
    cell: str        # "h_t" with its size, e.g. "hₜ (4)"
    input: str       # "xₜ (3)"
    output: str      # "ŷₜ (2)"
    loop: str        # "W_hh (4 × 4): recurrent connection, hₜ₋₁ → hₜ"
    input_weight: str   # "W_xh (4 × 3)"
    output_weight: str  # "W_hy (2 × 4)"


FOLDED_FIELDS = ("title", "cell", "input", "output", "loop", "input_weight", "output_weight")


def folded_figure(labels: FoldedLabels) -> PlainFigure:
    """Cell box at the centre, x below, ŷ above, a loop on the right back into the cell."""
    shapes = [
        {"type": "rect", "x0": -1.0, "x1": 1.0, "y0": -0.6, "y1": 0.6,
         "line": {"color": GATE_COLORS["hidden"], "width": 3}, "fillcolor": "rgba(22,160,133,0.12)"},
        # the loop: out of the right side, round, and back in — the path a state takes from one step to the next
        {"type": "path", "path": "M 1.0 0.3 C 2.4 0.9, 2.4 -0.9, 1.0 -0.3",
         "line": {"color": GATE_COLORS["gradient"], "width": 3}},
    ]
    arrows = (
        (1.0, -0.3, 1.35, -0.55, GATE_COLORS["gradient"]),  # the loop's head, into the cell
        (0.0, -0.6, 0.0, -1.6, GATE_COLORS["input_x"]),      # x_t into the cell
        (0.0, 1.6, 0.0, 0.6, GATE_COLORS["hidden"]),         # the cell out to ŷ_t
    )
    annotations = [
        {"x": x, "y": y, "ax": ax, "ay": ay, "xref": "x", "yref": "y", "axref": "x", "ayref": "y", "text": "",
         "showarrow": True, "arrowhead": 2, "arrowsize": 1.4, "arrowwidth": 2.5, "arrowcolor": color}
        for x, y, ax, ay, color in arrows
    ]
    texts = (
        (0.0, 0.0, labels.cell, 18), (0.0, -1.8, labels.input, 15), (0.0, 1.8, labels.output, 15),
        (2.15, 0.0, labels.loop, 13), (-0.15, -1.1, labels.input_weight, 12), (-0.15, 1.1, labels.output_weight, 12),
    )
    annotations += [
        {"x": x, "y": y, "text": text, "showarrow": False, "font": {"size": size},
         "xanchor": "left" if x > 1.5 else ("right" if x < 0 else "center")}
        for x, y, text, size in texts
    ]
    return PlainFigure([], {
        "shapes": shapes, "annotations": annotations,
        "xaxis": {"visible": False, "range": [-3.2, 5.2]},
        "yaxis": {"visible": False, "range": [-2.1, 2.1], "scaleanchor": "x"},
        "title": title(labels.title), "height": 330, "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
        "showlegend": False, "plot_bgcolor": "rgba(0,0,0,0)",
    })
