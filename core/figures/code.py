"""Charts of the code lesson: gradient-check errors, the hand-written loop replayed call by call, loop-vs-fused
timing, and where a model's parameters live."""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.figures.log_axis import log_ticks, tick_text
from core.figures.player import PlayerLabels, add_time_player
from core.figures.style import CELL_COLORS, GATE_COLORS

FUSED_COLOR = "#34495E"  # the fused nn.LSTM bar; the loop gets the LSTM's own color
PENDING_COLOR = "#E5E8E8"  # a cell call the loop has not made yet


@dataclass(frozen=True)
class LoopLabels:
    """Every word of :func:`loop_figure`; the player's step prefix names a call ("nn.LSTMCell call ")."""

    step_axis: str
    layer_axis: str
    layer: str
    call: str
    norm: str
    gap: str
    player: PlayerLabels


def gradient_error_figure(names: Sequence[str], errors: Sequence[float], threshold: float, axis_title: str,
                          threshold_label: str) -> go.Figure:
    """Horizontal bars of relative errors on a log axis, with the pass threshold as a dashed line.

    A float64 backward pass written correctly lands near 1e-16 (machine precision); a wrong line lands near 1.
    Zero errors are drawn at 1e-18 so the log axis can show them.
    """
    if len(names) != len(errors):
        raise ValueError(f"{len(names)} names but {len(errors)} errors")
    shown = np.maximum(np.asarray(errors, dtype=float), 1e-18)
    colors = [GATE_COLORS["candidate"] if error < threshold else GATE_COLORS["gradient"] for error in errors]
    figure = go.Figure(go.Bar(
        x=shown, y=list(names), orientation="h", marker_color=colors, customdata=list(errors),
        hovertemplate="%{y}: %{customdata:.3e}<extra></extra>", text=[f"{error:.1e}" for error in errors],
        textposition="outside",
    ))
    figure.add_vline(x=threshold, line={"dash": "dash", "color": GATE_COLORS["gradient"]})
    # add_vline's annotation would sit at x = threshold in log10 units (far right): place the label by hand.
    figure.add_annotation(x=float(np.log10(threshold)), xref="x", y=1, yref="paper", yanchor="bottom",
                          text=threshold_label, showarrow=False, font={"color": GATE_COLORS["gradient"]})
    ticks = log_ticks(-18, 1)  # plain powers of ten: plotly's SI labels ("1p", "10n", "100μ") read poorly here
    figure.update_xaxes(type="log", title=axis_title, range=[-18, 1], tickvals=ticks,
                        ticktext=[tick_text(tick) for tick in ticks])
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(height=60 + 34 * len(names), margin={"l": 10, "r": 10, "t": 30, "b": 40}, showlegend=False)
    return figure


def speed_figure(labels: Sequence[str], seconds: Sequence[float], axis_title: str) -> go.Figure:
    """Two bars: the Python loop over nn.LSTMCell and the fused nn.LSTM, in milliseconds."""
    if len(labels) != 2 or len(seconds) != 2:
        raise ValueError("speed_figure compares exactly two timings: the loop and the fused module")
    milliseconds = [1000.0 * value for value in seconds]
    figure = go.Figure(go.Bar(
        x=milliseconds, y=list(labels), orientation="h", marker_color=[CELL_COLORS["lstm"], FUSED_COLOR],
        text=[f"{value:.3f} ms" for value in milliseconds], textposition="auto",
        hovertemplate="%{y}: %{x:.6f} ms<extra></extra>",
    ))
    figure.update_xaxes(title=axis_title, rangemode="tozero")
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(height=180, margin={"l": 10, "r": 10, "t": 10, "b": 40}, showlegend=False)
    return figure


def parameter_figure(labels: Sequence[str], counts: Sequence[int], axis_title: str, show_share: bool = True,
                     colors: Sequence[str] | None = None) -> go.Figure:
    """Horizontal bars: parameters per block of a model, with exact counts (and each block's share of the total
    when the bars make up one model)."""
    if len(labels) != len(counts):
        raise ValueError(f"{len(labels)} labels but {len(counts)} counts")
    if colors is not None and len(colors) != len(counts):
        raise ValueError(f"{len(colors)} colors for {len(counts)} bars")
    total = sum(counts)
    figure = go.Figure(go.Bar(
        x=list(counts), y=list(labels), orientation="h",
        marker_color=list(colors) if colors is not None else CELL_COLORS["lstm"],
        text=[f"{count:,} ({count / total:.1%})" if show_share else f"{count:,}" for count in counts],
        textposition="auto",
        hovertemplate="%{y}: %{x:,}<extra></extra>",
    ))
    figure.update_xaxes(title=axis_title, rangemode="tozero")
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(height=60 + 40 * len(labels), margin={"l": 10, "r": 10, "t": 10, "b": 40}, showlegend=False)
    return figure


def loop_figure(calls: Sequence[tuple[int, int]], hidden_norms: np.ndarray, gaps: np.ndarray,
                labels: LoopLabels) -> go.Figure:
    """The hand-written LSTM loop replayed one ``nn.LSTMCell`` call per frame on a (layer × time step) grid.

    Args:
        calls: (step, layer) of every call, 0-based, in the order the loop made them; one frame each.
        hidden_norms: (S, L) ‖h_t‖ after each call, printed in its square once the call is made.
        gaps: (S, L) each call's max |Δ| to nn.LSTM, in the hover.
        labels: the words drawn (a :class:`LoopLabels`).
    The first view shows every call made (the last frame); Play replays them from the first.
    """
    hidden_norms, gaps = np.asarray(hidden_norms, float), np.asarray(gaps, float)
    steps, layers = hidden_norms.shape
    if gaps.shape != hidden_norms.shape or len(calls) != steps * layers:
        raise ValueError("need one call per (step, layer) square and gaps shaped like hidden_norms")
    order = {call: index for index, call in enumerate(calls)}  # (step, layer) -> call number
    squares = [(step, layer) for layer in range(layers) for step in range(steps)]
    x = [step + 1 for step, _ in squares]
    y = [layer + 1 for _, layer in squares]
    customdata = [[order[square] + 1, hidden_norms[square], gaps[square]] for square in squares]

    def state(done: int) -> dict:
        """What frame ``done`` changes: squares up to that call filled and numbered, the newest one outlined."""
        made = [order[square] <= done for square in squares]
        return {
            "type": "scatter",
            "marker": {"color": [CELL_COLORS["lstm"] if is_made else PENDING_COLOR for is_made in made],
                       "line": {"width": [4 if order[square] == done else 0 for square in squares],
                                "color": "#1B2631"}},
            "text": [f"{hidden_norms[square]:.2f}" if is_made else "" for square, is_made in zip(squares, made)],
        }

    last = state(len(calls) - 1)
    figure = go.Figure(go.Scatter(
        x=x, y=y, mode="markers+text", marker={"symbol": "square", "size": 38, **last["marker"]},
        text=last["text"], textfont={"color": "white", "size": 11}, customdata=customdata, showlegend=False,
        hovertemplate=(f"t = %{{x}}, {labels.layer} %{{y}}<br>{labels.call} #%{{customdata[0]}}<br>"
                       f"{labels.norm} = %{{customdata[1]:.8g}}<br>{labels.gap} = %{{customdata[2]:.3e}}"
                       "<extra></extra>"),
    ))
    names = [str(index + 1) for index in range(len(calls))]  # short: the slider prints every one
    figure.frames = [go.Frame(name=name, data=[state(index)], traces=[0]) for index, name in enumerate(names)]
    figure.update_xaxes(title=labels.step_axis, range=[0.4, steps + 0.6], dtick=1, showgrid=False, zeroline=False)
    figure.update_yaxes(title=labels.layer_axis, range=[0.4, layers + 0.6], dtick=1, showgrid=False,
                        zeroline=False)
    figure.update_layout(height=190 + 50 * layers, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                         plot_bgcolor="white")
    add_time_player(figure, names, labels.player, start=len(names), frame_ms=500)
    figure.layout.updatemenus[0].buttons[0].args[1]["transition"]["duration"] = 0  # a call happens, it doesn't fade in
    figure.layout.sliders[0].update(y=-0.3, pad={"t": 10})
    figure.layout.updatemenus[0].update(y=-0.38)
    return figure
