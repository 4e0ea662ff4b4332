"""Lesson 6 pictures: the GRU cell drawn with its real numbers, and the two update conventions side by side.

Pure builders: arrays in, a figure written as Plotly's JSON out (:class:`core.figures.plain.PlainFigure`, validated
in the tests); every word on them comes in as an argument.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from core.escape import plotly_text
from core.figures.cell_diagram import Chip, Diagram, Node, Wire, diagram_figure
from core.figures.gates import HOVER_DIGITS, frame_texts
from core.figures.plain import PlainFigure, axis, subplots
from core.figures.player import PlayerLabels
from core.figures.style import GATE_COLORS

HIGHWAY = 8.0  # height of the h_{t-1} → h_t line along the top
BUS = 1.0  # height of the h_{t-1} / x_t line along the bottom
GATE_ROW = 2.5  # height of the reset and update boxes


def gru_diagram(notes: Mapping[str, str]) -> Diagram:
    """The GRU cell in torch's convention: h_{t-1} → ⊗ z → ⊕ (1 − z) ⊙ n → h_t along the top.

    Below, r scales the projected old state ``W_hn h_{t-1} + b_hn`` (after the matrix product) before the tanh
    that makes n. ``notes`` holds the captions ``highway`` and ``reset_after``. Chip names match
    :meth:`core.lessons.gru_step.GRUWalkthrough.vectors`.
    """
    color = GATE_COLORS
    box_top = GATE_ROW + 0.3
    nodes = (
        Node(3.5, HIGHWAY, "×", color["update"], circle=True),
        Node(9.0, HIGHWAY, "+", color["hidden"], circle=True),
        Node(3.5, GATE_ROW, "σ", color["update"]),
        Node(5.5, GATE_ROW, "σ", color["reset"]),
        Node(7.2, 4.6, "×", color["reset"], circle=True),
        Node(9.0, 5.3, "tanh", color["new"]),
        Node(9.0, 6.8, "×", color["new"], circle=True),
        Node(7.7, 6.8, "1−", color["update"]),
    )
    wires = (
        Wire(((0.0, HIGHWAY), (14.0, HIGHWAY)), color["hidden"]),
        Wire(((0.0, BUS), (10.5, BUS)), color["hidden"]),
        Wire(((2.3, -0.2), (2.3, BUS)), color["input_x"]),
        Wire(((3.5, BUS), (3.5, GATE_ROW - 0.3)), color["update"]),
        Wire(((5.5, BUS), (5.5, GATE_ROW - 0.3)), color["reset"]),
        Wire(((3.5, box_top), (3.5, HIGHWAY - 0.38)), color["update"]),
        Wire(((3.5, 6.8), (7.25, 6.8)), color["update"]),
        Wire(((8.15, 6.8), (8.7, 6.8)), color["update"]),
        Wire(((5.5, box_top), (5.5, 4.6), (6.9, 4.6)), color["reset"]),
        Wire(((7.2, BUS), (7.2, 4.22)), color["hidden"]),  # W_hn h_{t-1} + b_hn, before the reset
        Wire(((7.2, 4.98), (7.2, 5.3), (8.55, 5.3)), color["reset"]),
        Wire(((10.5, BUS), (10.5, 5.3), (9.45, 5.3)), color["input_x"]),  # W_in x_t + b_in joins inside the tanh
        Wire(((9.0, 5.6), (9.0, 6.42)), color["new"]),
        Wire(((9.0, 7.18), (9.0, HIGHWAY - 0.38)), color["new"]),
    )
    chips = (
        Chip("previous_hidden", 0.8, HIGHWAY + 0.55, "h<sub>t−1</sub>", color["hidden"]),
        Chip("kept", 4.6, HIGHWAY + 0.55, "z<sub>t</sub>⊙h<sub>t−1</sub>", color["update"]),
        Chip("hidden", 10.0, HIGHWAY + 0.55, "h<sub>t</sub>", color["hidden"]),
        Chip("update", 3.05, 5.9, "z<sub>t</sub>", color["update"], vertical=True),
        Chip("reset", 5.05, 4.6, "r<sub>t</sub>", color["reset"], vertical=True),
        Chip("hidden_new_part", 7.65, 3.7, "W<sub>hn</sub>h<sub>t−1</sub>+b<sub>hn</sub>", color["hidden"],
             vertical=True, label_at=(7.9, 3.7)),
        Chip("new", 9.75, 6.4, "n<sub>t</sub>", color["new"], vertical=True, label_at=(10.0, 6.4)),
        Chip("written", 10.9, 7.25, "(1−z<sub>t</sub>)⊙n<sub>t</sub>", color["new"]),
        Chip("input_x", 2.75, 0.25, "x<sub>t</sub>", color["input_x"], label_at=(4.25, 0.25)),
    )
    return Diagram(
        nodes=nodes, wires=wires, chips=chips, x_range=(-0.2, 14.2), y_range=(-0.4, 9.3),
        notes=((12.8, HIGHWAY + 0.45, notes["highway"]), (5.9, 6.05, notes["reset_after"])),
    )


def gru_cell_figure(
    vectors: Mapping[str, np.ndarray],
    tokens: Sequence[str],
    notes: Mapping[str, str],
    frame_title: str,
    player: PlayerLabels,
    step: int = 1,
    height: int = 640,
) -> PlainFigure:
    """The animated GRU cell, one frame per token, showing step ``step`` (1-based) until Play is pressed;
    ``frame_title`` formats ``{step}`` and ``{token}`` (tokens are escaped)."""
    names, titles, labels = frame_texts(tokens, frame_title)
    return diagram_figure(gru_diagram(notes), vectors, names, titles, player, height=height, step=step,
                          step_labels=labels)


def conventions_figure(
    torch_hidden: np.ndarray,
    tutorial_hidden: np.ndarray,
    torch_update: np.ndarray,
    tutorial_update: np.ndarray,
    tokens: Sequence[str],
    labels: Mapping[str, str],
) -> PlainFigure:
    """Both GRU update formulas evaluated on the same trace: points on the diagonal are the same number.

    Arrays are (seq_len, hidden_size). Left: tutorial h_t against torch's h_t (identical). Right: the tutorial's
    z' against torch's z (the line z' = 1 − z). ``labels``: ``hidden_title``, ``update_title``, ``torch_axis``,
    ``tutorial_axis``, ``unit`` (the word before a unit's number in the hover). Tokens are user text: escaped.
    """
    grid = subplots(1, 2, [labels["hidden_title"], labels["update_title"]], horizontal_spacing=0.12)
    steps, units = np.indices(np.asarray(torch_hidden).shape)
    names = [f"t = {step + 1} · {plotly_text(tokens[step])}, {labels['unit']} {unit}"
             for step, unit in zip(steps.ravel(), units.ravel())]
    pairs = (
        (torch_hidden, tutorial_hidden, GATE_COLORS["hidden"], (-1.0, 1.0)),
        (torch_update, tutorial_update, GATE_COLORS["update"], (0.0, 1.0)),
    )
    data = []
    for column, (ours, theirs, color, (low, high)) in enumerate(pairs, start=1):
        data.append(grid.trace({
            "type": "scatter", "x": np.ravel(ours), "y": np.ravel(theirs), "mode": "markers",
            "marker": {"color": color, "size": 8}, "text": names, "showlegend": False,
            "hovertemplate": (f"%{{text}}<br>{labels['torch_axis']}: %{{x:{HOVER_DIGITS}}}"
                              f"<br>{labels['tutorial_axis']}: %{{y:{HOVER_DIGITS}}}<extra></extra>"),
        }, 1, column))
        diagonal = [high, low] if column == 2 else [low, high]  # z' = 1 − z runs downhill
        data.append(grid.trace({"type": "scatter", "x": [low, high], "y": diagonal, "mode": "lines",
                                "showlegend": False, "hoverinfo": "skip", "line": {"color": "#999", "dash": "dot"}},
                               1, column))
        grid.xaxis(1, column).update(axis(labels["torch_axis"], range=[low, high]))
        grid.yaxis(1, column).update(axis(labels["tutorial_axis"], range=[low, high]))
    return PlainFigure(data, grid.layout | {"height": 340, "margin": {"l": 10, "r": 10, "t": 40, "b": 10}})
