"""One visual vocabulary for every chart: a gate keeps its color on every page (the time player: ``player.py``)."""

from __future__ import annotations

GATE_COLORS = {
    "input": "#2E86DE",       # input gate i_t: blue
    "forget": "#E67E22",      # forget gate f_t: orange
    "candidate": "#27AE60",   # candidate C̃_t: green
    "output": "#8E44AD",      # output gate o_t: purple
    "cell": "#C0392B",        # cell state C_t: red (the "highway")
    "hidden": "#16A085",      # hidden state h_t: teal
    "reset": "#D35400",       # GRU reset gate r_t
    "update": "#2980B9",      # GRU update gate z_t
    "new": "#229954",         # GRU candidate n_t
    "gradient": "#E74C3C",    # ∂L/∂h_t and friends
    "input_x": "#7F8C8D",     # the input vectors x_t
}

CELL_COLORS = {"rnn": "#7F8C8D", "lstm": "#C0392B", "gru": "#2980B9"}

# Diverging scale centred on zero for weights, activations in (-1, 1) and gradients.
DIVERGING = "RdBu_r"
# Sequential scale for gates in (0, 1).
SEQUENTIAL = "Viridis"

