"""Charts of the code lesson: gradient-check errors, loop-vs-fused timing, and where a model's parameters live."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from core.figures.style import CELL_COLORS, GATE_COLORS

FUSED_COLOR = "#34495E"  # the fused nn.LSTM bar; the loop gets the LSTM's own color


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
    figure.add_vline(x=threshold, line={"dash": "dash", "color": GATE_COLORS["gradient"]},
                     annotation_text=threshold_label, annotation_position="top")
    figure.update_xaxes(type="log", title=axis_title, range=[-18, 1])
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
