"""Lesson 5 pictures: the LSTM cell drawn with its real numbers, and the cell path against the RNN's.

Pure builders: arrays in, a figure written as Plotly's JSON out (:class:`core.figures.plain.PlainFigure`, validated
in the tests); every word on them comes in as an argument.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from core.escape import plotly_text
from core.figures.cell_diagram import Chip, Diagram, Node, Wire, diagram_figure
from core.figures.gates import frame_texts
from core.figures.plain import PlainFigure, axis
from core.figures.player import PlayerLabels
from core.figures.style import CELL_COLORS, GATE_COLORS

HIGHWAY = 8.0  # height of the cell-state line along the top
BUS = 1.0  # height of the [h_{t-1}, x_t] line along the bottom
GATE_ROW = 2.5  # height of the four gate boxes


def lstm_diagram(notes: Mapping[str, str]) -> Diagram:
    """The LSTM cell: C_{t-1} → ⊗ f → ⊕ i⊙C̃ → C_t along the top, h_{t-1} and x_t feeding four gates below.

    ``notes`` holds the captions ``highway`` (the cell-state line) and ``concat`` (the shared input line).
    Chip names match :meth:`core.lessons.lstm_step.LSTMWalkthrough.vectors`.
    """
    color = GATE_COLORS
    box_top = GATE_ROW + 0.3
    nodes = (
        Node(3.5, HIGHWAY, "×", color["forget"], circle=True),
        Node(7.0, HIGHWAY, "+", color["cell"], circle=True),
        Node(3.5, GATE_ROW, "σ", color["forget"]),
        Node(5.5, GATE_ROW, "σ", color["input"]),
        Node(7.0, GATE_ROW, "tanh", color["candidate"]),
        Node(9.5, GATE_ROW, "σ", color["output"]),
        Node(7.0, 6.0, "×", color["input"], circle=True),
        Node(11.0, 7.0, "tanh", color["cell"]),
        Node(11.0, 4.5, "×", color["output"], circle=True),
    )
    wires = (
        Wire(((0.0, HIGHWAY), (14.0, HIGHWAY)), color["cell"]),
        Wire(((0.0, BUS), (9.5, BUS)), color["hidden"]),
        Wire(((2.3, -0.2), (2.3, BUS)), color["input_x"]),
        *(Wire(((x, BUS), (x, box_top - 0.6)), color[name])
          for x, name in ((3.5, "forget"), (5.5, "input"), (7.0, "candidate"), (9.5, "output"))),
        Wire(((3.5, box_top), (3.5, HIGHWAY - 0.32)), color["forget"]),
        Wire(((5.5, box_top), (5.5, 6.0), (6.68, 6.0)), color["input"]),
        Wire(((7.0, box_top), (7.0, 5.68)), color["candidate"]),
        Wire(((7.0, 6.32), (7.0, HIGHWAY - 0.32)), color["input"]),
        Wire(((9.5, box_top), (9.5, 4.5), (10.68, 4.5)), color["output"]),
        Wire(((11.0, HIGHWAY), (11.0, 7.3)), color["cell"]),
        Wire(((11.0, 6.7), (11.0, 4.82)), color["cell"]),
        Wire(((11.0, 4.18), (11.0, BUS), (14.0, BUS)), color["hidden"]),
    )
    chips = (
        Chip("previous_cell", 0.8, HIGHWAY + 0.55, "C<sub>t−1</sub>", color["cell"]),
        Chip("kept", 4.25, HIGHWAY + 0.55, "f<sub>t</sub>⊙C<sub>t−1</sub>", color["forget"]),
        Chip("cell", 8.3, HIGHWAY + 0.55, "C<sub>t</sub>", color["cell"]),
        Chip("forget", 3.95, 5.6, "f<sub>t</sub>", color["forget"], vertical=True),
        Chip("input", 5.05, 4.9, "i<sub>t</sub>", color["input"], vertical=True),
        Chip("candidate", 7.5, 4.9, "C̃<sub>t</sub>", color["candidate"], vertical=True),
        Chip("written", 7.6, 6.9, "i<sub>t</sub>⊙C̃<sub>t</sub>", color["input"]),
        Chip("output", 10.3, 4.05, "o<sub>t</sub>", color["output"], vertical=True, label_at=(10.55, 4.05)),
        Chip("squashed_cell", 11.5, 6.35, "tanh(C<sub>t</sub>)", color["cell"], vertical=True,
             label_at=(11.8, 6.35)),
        Chip("hidden", 11.6, BUS + 0.55, "h<sub>t</sub>", color["hidden"]),
        Chip("previous_hidden", 0.4, BUS + 0.55, "h<sub>t−1</sub>", color["hidden"]),
        Chip("input_x", 2.75, 0.25, "x<sub>t</sub>", color["input_x"], label_at=(4.25, 0.25)),
    )
    return Diagram(
        nodes=nodes, wires=wires, chips=chips, x_range=(-0.2, 14.2), y_range=(-0.4, 9.3),
        notes=((12.4, HIGHWAY + 0.45, notes["highway"]), (6.6, BUS - 0.35, notes["concat"])),
    )


def lstm_cell_figure(
    vectors: Mapping[str, np.ndarray],
    tokens: Sequence[str],
    notes: Mapping[str, str],
    frame_title: str,
    player: PlayerLabels,
    step: int = 1,
    height: int = 640,
) -> PlainFigure:
    """The animated LSTM cell, one frame per token, showing step ``step`` (1-based) until Play is pressed.

    ``vectors``: :meth:`LSTMWalkthrough.vectors` (name -> (seq_len, size)); ``frame_title`` is a format string
    with ``{step}`` and ``{token}``, e.g. ``"t = {step} · {token}"``. Tokens are user text: escaped here.
    """
    names, titles, labels = frame_texts(tokens, frame_title)
    return diagram_figure(lstm_diagram(notes), vectors, names, titles, player, height=height, step=step,
                          step_labels=labels)



def cell_path_figure(
    forget_product_norm: np.ndarray,
    cell_jacobian_norm: np.ndarray,
    rnn_jacobian_norm: np.ndarray,
    tokens: Sequence[str],
    labels: Mapping[str, str],
) -> PlainFigure:
    """How much of step t still reaches the last step T, on a log scale, three curves over t = 1 … T.

    ``labels``: ``forget_product`` (∏ f, the direct cell path), ``cell_jacobian`` (‖∂C_T/∂C_t‖ measured),
    ``rnn_jacobian`` (the RNN's ‖∂h_T/∂h_t‖), ``x_title``, ``y_title``.
    """
    positions = [f"{step + 1}·{plotly_text(token)}" for step, token in enumerate(tokens)]  # user text: escaped
    curves = (
        (rnn_jacobian_norm, labels["rnn_jacobian"], CELL_COLORS["rnn"], "dot"),
        (forget_product_norm, labels["forget_product"], GATE_COLORS["forget"], "solid"),
        (cell_jacobian_norm, labels["cell_jacobian"], GATE_COLORS["cell"], "dash"),
    )
    data = [
        # A product that underflowed to 0 has no place on a log axis; leave a gap rather than invent a value.
        {"type": "scatter", "x": positions, "y": np.where(np.asarray(values) > 0, values, np.nan), "name": name,
         "mode": "lines+markers", "line": {"color": color, "dash": dash, "width": 2.5},
         "hovertemplate": f"{name}<br>%{{x}}: %{{y:.4e}}<extra></extra>"}
        for values, name, color, dash in curves
    ]
    return PlainFigure(data, {
        "height": 420, "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "xaxis": axis(labels["x_title"], tickangle=-45),
        "yaxis": axis(labels["y_title"], type="log", exponentformat="power"),
    })
