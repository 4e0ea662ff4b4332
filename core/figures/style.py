"""One visual vocabulary for every chart: a gate keeps its color on every page, and time players look alike."""

from __future__ import annotations

import plotly.graph_objects as go

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


def add_time_player(
    fig: go.Figure,
    frame_names: list[str],
    play_label: str = "▶ Play",
    pause_label: str = "▮▮ Pause",
    step_label: str = "t = ",
    frame_ms: int = 900,
) -> go.Figure:
    """Add browser-side Play / Pause buttons and a step slider driving ``fig.frames``.

    Each slider tick jumps to one frame (stepping and scrubbing), the buttons animate through all of them; plotly.js
    does it in the browser, so no step costs a server round-trip.
    """
    if len(fig.frames) != len(frame_names):
        raise ValueError(f"figure has {len(fig.frames)} frames but {len(frame_names)} names")
    still = {"frame": {"duration": 0, "redraw": True}, "mode": "immediate", "transition": {"duration": 0}}
    moving = {
        "frame": {"duration": frame_ms, "redraw": True},
        "fromcurrent": True,
        "transition": {"duration": 250, "easing": "cubic-in-out"},
    }
    fig.update_layout(
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "showactive": False,
                "x": 0.0,
                "y": -0.08,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"r": 10, "t": 10},
                "buttons": [
                    {"label": play_label, "method": "animate", "args": [None, moving]},
                    {"label": pause_label, "method": "animate", "args": [[None], still]},
                ],
            }
        ],
        sliders=[
            {
                "active": 0,
                "x": 0.22,
                "y": -0.04,
                "len": 0.78,
                "xanchor": "left",
                "yanchor": "top",
                "currentvalue": {"prefix": step_label, "visible": True},
                "pad": {"t": 30},
                "steps": [
                    {"label": name, "method": "animate", "args": [[name], still]} for name in frame_names
                ],
            }
        ],
    )
    return fig
