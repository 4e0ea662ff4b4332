"""The backward pass through time, animated right to left in the browser.

One figure, one frame per step the backward pass visits (t = T, T−1, …, 1), three rows driven by one player:

1. the unrolled chain h_1 … h_T with the tokens under it and the loss terms L_t above; a node lights up once its
   ∂L/∂h_t is known (marker size ∝ ‖∂L/∂h_t‖, the norm printed over it), an arrow shows where the gradient goes
   next;
2. the components of ∂L/∂h_t as a heatmap (hidden unit × step), filled in column by column;
3. the weight gradient accumulating: this step's term δ_t h_{t−1}ᵀ, the running sum Σ, and autograd's
   ``weight_hh_l0.grad`` — the last frame's running sum is the autograd matrix.

Hover shows every value at full precision. The figure is written as Plotly's JSON
(:class:`core.figures.plain.PlainFigure`, validated in the tests): a new sentence rebuilds every frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Sequence

import numpy as np

from core.escape import plotly_text
from core.figures.plain import PlainFigure, colorscale, subplots
from core.figures.player import PlayerLabels, add_time_player
from core.figures.style import DIVERGING, GATE_COLORS

FADED = "#D5D8DC"
MAX_NODE_SIZE = 44
MIN_NODE_SIZE = 12

@dataclass(frozen=True)
class BackwardLabels:
    """Every word the backward-pass figure draws (plotly's HTML subset allowed); pages fill it from their texts."""

    chain_title: str
    grad_title: str
    term_title: str
    sum_title: str
    autograd_title: str
    unit_axis: str
    column_axis: str
    row_axis: str
    loss: str
    norm: str
    player: PlayerLabels


def backward_figure(
    tokens: Sequence[str],
    grad_hidden: np.ndarray,
    terms: np.ndarray,
    running_sums: np.ndarray,
    weight_grad: np.ndarray,
    loss_steps: Sequence[int],
    labels: BackwardLabels,
) -> PlainFigure:
    """Build the animated backward pass.

    Args:
        tokens: T token strings (user text: escaped here).
        grad_hidden: (T, H) ∂L/∂h_t by position.
        terms: (T, H, H) δ_t h_{t−1}ᵀ by position.
        running_sums: (T, H, H) in backward frame order: entry k sums the terms of the last k + 1 positions.
        weight_grad: (H, H) autograd's gradient of W_hh.
        loss_steps: 0-based positions carrying a loss term.
        labels: the words drawn (a :class:`BackwardLabels`).
    Frames are named by the 1-based step they reach: "T", …, "1".
    """
    grad_hidden = np.asarray(grad_hidden, float)
    seq_len, hidden_size = grad_hidden.shape
    if len(tokens) != seq_len or terms.shape != (seq_len, hidden_size, hidden_size):
        raise ValueError("tokens, grad_hidden and terms must agree on seq_len and hidden_size")
    if running_sums.shape != terms.shape or weight_grad.shape != (hidden_size, hidden_size):
        raise ValueError("running_sums must be (T, H, H) and weight_grad (H, H)")
    safe_tokens = [plotly_text(token) for token in tokens]
    norms = np.linalg.norm(grad_hidden, axis=1)  # (T,)
    matrix_range = float(max(np.abs(terms).max(), np.abs(running_sums).max(), np.abs(weight_grad).max(), 1e-12))
    grad_range = float(max(np.abs(grad_hidden).max(), 1e-12))

    grid = subplots(
        3, 3, [labels.chain_title, labels.grad_title, labels.term_title, labels.sum_title, labels.autograd_title],
        colspans=[[3, None, None], [3, None, None], [1, 1, 1]], row_heights=[0.27, 0.23, 0.5], vertical_spacing=0.1,
        horizontal_spacing=0.07,
    )
    steps = np.arange(1, seq_len + 1)
    loss_x = [position + 1 for position in loss_steps]
    vectors = ["<br>".join(f"{value:.8g}" for value in row) for row in grad_hidden]
    nodes, norm_text, arrow, grad_map, term, running = _frame_traces(0, grad_hidden, norms, terms, running_sums)
    chain = [
        {"type": "scatter", "x": steps, "y": np.zeros(seq_len), "mode": "lines",
         "line": {"color": "#AAB7B8", "width": 2}, "hoverinfo": "skip", "showlegend": False},
        {"type": "scatter", "x": steps, "y": np.full(seq_len, -0.75), "mode": "text", "text": safe_tokens,
         "textfont": {"size": 14}, "hoverinfo": "skip", "showlegend": False},
        {"type": "scatter", "x": loss_x, "y": np.full(len(loss_x), 1.3), "mode": "markers+text", "showlegend": False,
         "hoverinfo": "skip", "marker": {"symbol": "diamond", "size": 16, "color": GATE_COLORS["gradient"]},
         "textposition": "top center", "text": [f"{labels.loss}<sub>{x}</sub>" for x in loss_x]},
        # the six traces the frames change, from here on
        {"type": "scatter", "x": steps, "y": np.zeros(seq_len), "mode": "markers", "showlegend": False,
         "marker": nodes["marker"], "customdata": np.stack([norms, steps], axis=1), "hovertext": vectors,
         "hovertemplate": f"t = %{{customdata[1]}}<br>{labels.norm} = %{{customdata[0]:.8g}}<br>"
                          "∂L/∂h<sub>t</sub> =<br>%{hovertext}<extra></extra>"},
        {"type": "scatter", "x": steps, "y": np.full(seq_len, 0.72), "mode": "text", "showlegend": False,
         "hoverinfo": "skip", "text": norm_text["text"], "textfont": {"color": GATE_COLORS["gradient"], "size": 13}},
        {"type": "scatter", "x": arrow["x"], "y": arrow["y"], "mode": "markers", "showlegend": False,
         "hoverinfo": "skip", "marker": {"symbol": "triangle-left", "size": 18, "color": GATE_COLORS["gradient"]}},
    ]
    first_dynamic = 3
    data = [grid.trace(trace, 1, 1) for trace in chain] + [
        grid.trace({"type": "heatmap", "z": grad_map["z"], "x": steps, "y": np.arange(1, hidden_size + 1),
                    "coloraxis": "coloraxis",
                    "hovertemplate": "t = %{x}, unit %{y}<br>∂L/∂h = %{z:.8g}<extra></extra>"}, 2, 1),
        grid.trace(_matrix_heatmap(term["z"], labels, "δh"), 3, 1),
        grid.trace(_matrix_heatmap(running["z"], labels, "Σ"), 3, 2),
        grid.trace(_matrix_heatmap(weight_grad, labels, "W"), 3, 3),
    ]

    order = list(range(seq_len - 1, -1, -1))
    names = [str(position + 1) for position in order]
    frames = [
        {"name": name, "traces": list(range(first_dynamic, first_dynamic + 6)),
         "data": _frame_traces(k, grad_hidden, norms, terms, running_sums)}
        for k, name in enumerate(names)
    ]
    layout = grid.layout | {
        # 760 px: on a 1280×720 projector the chain, the matrices and the player fit in one short scroll
        "height": 760, "margin": {"l": 40, "r": 20, "t": 40, "b": 140}, "plot_bgcolor": "white",
        "coloraxis": {"colorscale": colorscale(DIVERGING), "cmin": -grad_range, "cmax": grad_range,
                      "colorbar": {"len": 0.18, "y": 0.592, "thickness": 12}},
        "coloraxis2": {"colorscale": colorscale(DIVERGING), "cmin": -matrix_range, "cmax": matrix_range,
                       "colorbar": {"len": 0.38, "y": 0.2, "thickness": 12}},
    }
    # no tick labels under the chain: the tokens are there, and the heatmap below repeats t = 1 … T
    grid.xaxis(1, 1).update(range=[0.4, seq_len + 0.6], dtick=1, showticklabels=False, showgrid=False)
    grid.yaxis(1, 1).update(range=[-1.2, 2.0], visible=False)
    grid.xaxis(2, 1).update(range=[0.5, seq_len + 0.5], dtick=1, tickprefix="t = ")
    grid.yaxis(2, 1).update(title={"text": labels.unit_axis}, autorange="reversed", dtick=1)
    for col in (1, 2, 3):
        grid.xaxis(3, col).update(range=[0.5, hidden_size + 0.5], dtick=1, title={"text": labels.column_axis},
                                  constrain="domain")
        grid.yaxis(3, col).update(dtick=1, autorange="reversed", scaleanchor=f"x{2 + col}", constrain="domain")
    grid.yaxis(3, 1)["title"] = {"text": labels.row_axis}
    # the player sits lower than usual: clear of the matrices' axis titles
    return add_time_player(PlainFigure(data, layout, frames), names, labels.player, start=1, buttons_y=-0.11,
                           slider_y=-0.07)


def _frame_traces(k: int, grad_hidden: np.ndarray, norms: np.ndarray, terms: np.ndarray,
                  running_sums: np.ndarray) -> list[dict]:
    """What changes in frame k (plotly.js merges it into the six dynamic traces); frame k has reached position
    T − 1 − k."""
    seq_len = len(grad_hidden)
    position = seq_len - 1 - k
    known = np.arange(seq_len) >= position  # (T,)
    steps = np.arange(1, seq_len + 1)
    sizes = np.where(known, MIN_NODE_SIZE + (MAX_NODE_SIZE - MIN_NODE_SIZE) * norms / max(norms.max(), 1e-12),
                     MIN_NODE_SIZE)
    marker = {"size": sizes, "color": np.where(known, GATE_COLORS["gradient"], FADED).tolist(),
              "line": {"width": np.where(steps == position + 1, 4, 1).tolist(), "color": "#1B2631"}}
    arrow_x = [position + 0.5] if position > 0 else []
    return [
        {"type": "scatter", "marker": marker},
        {"type": "scatter", "text": [f"{norm:.3f}" if seen else "" for norm, seen in zip(norms, known)]},
        {"type": "scatter", "x": arrow_x, "y": [0.0] * len(arrow_x)},
        {"type": "heatmap", "z": np.where(known[None, :], grad_hidden.T, np.nan)},  # (H, T), unknown steps blank
        {"type": "heatmap", "z": terms[position]},
        {"type": "heatmap", "z": running_sums[k]},
    ]


def _matrix_heatmap(matrix: np.ndarray, labels: BackwardLabels, symbol: str) -> dict:
    """A hidden × hidden matrix with its values printed in the cells (up to 6 × 6: larger would be unreadable)."""
    size = matrix.shape[0]
    heatmap = {
        "type": "heatmap", "z": matrix, "x": np.arange(1, size + 1), "y": np.arange(1, size + 1),
        "coloraxis": "coloraxis2",
        "hovertemplate": f"{labels.row_axis} %{{y}}, {labels.column_axis} %{{x}}<br>{symbol} = %{{z:.8g}}"
                         "<extra></extra>",
    }
    return heatmap | {"texttemplate": "%{z:.3f}"} if size <= 6 else heatmap
