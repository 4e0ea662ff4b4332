"""Charts of the "Train on your text" page: the data, the training run, the evaluation and one explained sentence.

Every builder is pure (lists / arrays / records in, ``go.Figure`` out) and takes its words from the caller, so the
page decides the language. Class names and tokens come from the user's file: each one is HTML-escaped before it
reaches Plotly, whose text rendering understands a subset of HTML tags.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.figures.style import DIVERGING, GATE_COLORS

CURVE_COLORS = {
    "step_loss": "#95A5A6",  # noisy per-step loss: a light grey under the epoch points
    "train_loss": "#2C3E50",
    "val_loss": GATE_COLORS["gradient"],
    "val_accuracy": GATE_COLORS["input"],
    "val_macro_f1": GATE_COLORS["candidate"],
}
BAR_COLOR = GATE_COLORS["hidden"]
CUT_COLOR = GATE_COLORS["cell"]
TILE_CHARS = 9  # longer tokens are shortened on their tile of the attribution chart


def plain(value: object) -> str:
    """User text as Plotly shows it literally: ``<b>`` stays the four characters, never bold."""
    return html.escape(str(value), quote=False)


def _category_axis(figure: go.Figure, **where) -> None:
    # Labels like "0" / "1" would otherwise turn the axis numeric and reorder or merge the bars.
    figure.update_xaxes(type="category", **where)


def class_counts_figure(classes: Sequence[str], counts: Sequence[int], title: str, count_label: str) -> go.Figure:
    """One bar per class: how many texts carry it."""
    names = [plain(name) for name in classes]
    figure = go.Figure(go.Bar(x=names, y=list(counts), marker_color=BAR_COLOR, text=list(counts),
                              textposition="auto",
                              hovertemplate=f"%{{x}}: %{{y}} {plain(count_label)}<extra></extra>"))
    figure.update_layout(title=title, height=300, margin={"l": 10, "r": 10, "t": 50, "b": 10},
                         yaxis_title=count_label)
    _category_axis(figure)
    return figure


def length_histogram_figure(edges: Sequence[float], counts: Sequence[int], title: str, length_label: str,
                            count_label: str, cut: int | None = None, cut_label: str = "") -> go.Figure:
    """Texts per length bin (``len(edges) == len(counts) + 1``); a dashed line marks the length the model keeps."""
    edges = np.asarray(edges, dtype=float)  # (bins + 1,)
    if edges.shape != (len(counts) + 1,):
        raise ValueError(f"{len(counts)} bins need {len(counts) + 1} edges, got {edges.shape[0]}")
    centers = (edges[:-1] + edges[1:]) / 2  # (bins,)
    widths = edges[1:] - edges[:-1]  # (bins,)
    # the whole lengths inside each bin: "12" for a bin of one length, "12–14" for a wider one
    whole = [(math.ceil(low), math.floor(high)) for low, high in zip(edges[:-1], edges[1:])]
    ranges = [f"{first}" if first == last else f"{first}–{last}" for first, last in whole]
    figure = go.Figure(go.Bar(x=centers, y=list(counts), width=widths, customdata=ranges,
                              marker_color=BAR_COLOR, marker_line_width=0,
                              hovertemplate=f"%{{customdata}}: %{{y}} {plain(count_label)}<extra></extra>"))
    if cut is not None:
        figure.add_vline(x=cut, line_dash="dash", line_color=CUT_COLOR, annotation_text=f"{cut_label} {cut}",
                         annotation_position="top right")
    figure.update_layout(title=title, height=300, margin={"l": 10, "r": 10, "t": 50, "b": 10},
                         xaxis_title=length_label, yaxis_title=count_label, bargap=0.05)
    return figure


@dataclass(frozen=True)
class CurveLabels:
    """The words on the training curves."""

    loss_title: str
    metrics_title: str
    epoch_axis: str  # x axis of both panels (fractional epochs: step / steps per epoch)
    step_loss: str  # legend entries, keyed like CURVE_COLORS
    train_loss: str
    val_loss: str
    val_accuracy: str
    val_macro_f1: str


def training_curves_figure(records: Sequence[Mapping], steps_per_epoch: int, labels: CurveLabels) -> go.Figure:
    """Loss per step and per epoch (left), validation accuracy and macro-F1 per epoch (right).

    ``records`` are the trainer's ``{"kind": "step" | "epoch", ...}`` records in the order they arrived; other
    kinds are ignored. Steps sit at ``step / steps_per_epoch`` on the shared epoch axis, so an epoch's points line
    up with the end of its steps.
    """
    if steps_per_epoch < 1:
        raise ValueError("steps_per_epoch must be at least 1")
    steps = [record for record in records if record.get("kind") == "step"]
    epochs = [record for record in records if record.get("kind") == "epoch"]
    figure = make_subplots(rows=1, cols=2, subplot_titles=[labels.loss_title, labels.metrics_title],
                           horizontal_spacing=0.08)
    step_x = [record["step"] / steps_per_epoch for record in steps]
    epoch_x = [record["epoch"] for record in epochs]

    def line(x, y, name, key, mode="lines", column=1, marker=None):
        figure.add_trace(go.Scatter(x=x, y=y, name=name, mode=mode, line={"color": CURVE_COLORS[key]},
                                    marker=marker or {"size": 8}, legendgroup=key,
                                    hovertemplate=f"{name}: %{{y:.4f}}<extra></extra>"), row=1, col=column)

    line(step_x, [record["loss"] for record in steps], labels.step_loss, "step_loss")
    line(epoch_x, [record["train_loss"] for record in epochs], labels.train_loss, "train_loss", "lines+markers")
    line(epoch_x, [record["val_loss"] for record in epochs], labels.val_loss, "val_loss", "lines+markers")
    # rings: on balanced data accuracy and macro-F1 nearly coincide, and the macro-F1 line would hide a plain one
    line(epoch_x, [record["val_accuracy"] for record in epochs], labels.val_accuracy, "val_accuracy",
         "lines+markers", column=2, marker={"size": 13, "symbol": "circle-open", "line": {"width": 2}})
    line(epoch_x, [record["val_macro_f1"] for record in epochs], labels.val_macro_f1, "val_macro_f1",
         "lines+markers", column=2)
    figure.update_xaxes(title_text=labels.epoch_axis, rangemode="tozero")
    figure.update_yaxes(range=[0, 1.02], row=1, col=2)
    figure.update_layout(height=340, margin={"l": 10, "r": 10, "t": 50, "b": 10}, hovermode="x unified",
                         legend={"orientation": "h", "y": -0.25})
    return figure


def confusion_matrix_figure(matrix: Sequence[Sequence[int]], classes: Sequence[str], title: str,
                            true_label: str, predicted_label: str) -> go.Figure:
    """Counts with true classes on rows and predicted classes on columns.

    The color is the row share (the recall of that true class), so a rare class's mistakes are as visible as a
    common one's; the cell text is the raw count.
    """
    counts = np.asarray(matrix, dtype=float)  # (C, C)
    if counts.shape != (len(classes), len(classes)):
        raise ValueError(f"matrix {counts.shape} does not match {len(classes)} classes")
    totals = counts.sum(axis=1, keepdims=True)  # (C, 1)
    shares = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)  # (C, C)
    names = [plain(name) for name in classes]
    figure = go.Figure(go.Heatmap(
        z=shares, x=names, y=names, text=counts.astype(int), texttemplate="%{text}", zmin=0, zmax=1,
        colorscale=[[0.0, "#FFFFFF"], [1.0, GATE_COLORS["update"]]], colorbar={"tickformat": ".0%"},
        hovertemplate=f"{plain(true_label)}: %{{y}}<br>{plain(predicted_label)}: %{{x}}<br>"
                      "%{text} (%{z:.1%})<extra></extra>"))
    size = min(600, 160 + 60 * len(classes))
    figure.update_layout(title=title, height=size, margin={"l": 10, "r": 10, "t": 50, "b": 10},
                         xaxis_title=predicted_label, yaxis_title=true_label)
    figure.update_xaxes(type="category", side="bottom")
    figure.update_yaxes(type="category", autorange="reversed")
    return figure


def probabilities_figure(probabilities: Mapping[str, float], predicted: str, title: str) -> go.Figure:
    """One horizontal bar per class; the predicted class is drawn in the accent color."""
    names = list(probabilities)
    values = [float(probabilities[name]) for name in names]
    colors = [GATE_COLORS["cell"] if name == predicted else "#BDC3C7" for name in names]
    figure = go.Figure(go.Bar(x=values, y=[plain(name) for name in names], orientation="h", marker_color=colors,
                              text=[f"{value:.1%}" for value in values], textposition="auto",
                              hovertemplate="%{y}: %{x:.4f}<extra></extra>"))
    figure.update_layout(title=title, height=120 + 36 * len(names), margin={"l": 10, "r": 10, "t": 50, "b": 10},
                         xaxis={"range": [0, 1], "tickformat": ".0%"})
    figure.update_yaxes(type="category", autorange="reversed")
    return figure


def token_grid(tokens: Sequence[str], per_row: int) -> tuple[list[list[str]], list[list[int | None]]]:
    """Tokens laid out like text, ``per_row`` to a line: (rows of tokens, rows of their positions or None)."""
    if per_row < 1:
        raise ValueError("per_row must be at least 1")
    rows = max(1, math.ceil(len(tokens) / per_row))
    grid_tokens: list[list[str]] = []
    grid_positions: list[list[int | None]] = []
    for row in range(rows):
        positions = [row * per_row + column for column in range(per_row)]
        grid_positions.append([position if position < len(tokens) else None for position in positions])
        grid_tokens.append([tokens[position] if position < len(tokens) else "" for position in positions])
    return grid_tokens, grid_positions


def _tile_text(token: str) -> str:
    """A token short enough for its tile (the hover shows it whole)."""
    return token if len(token) <= TILE_CHARS else token[:TILE_CHARS - 1] + "…"


def attribution_figure(tokens: Sequence[str], scores: Sequence[float], title: str, score_label: str,
                       per_row: int = 8) -> go.Figure:
    """The sentence as colored tiles: red tokens pushed towards the explained label, blue ones away from it.

    The color scale is symmetric around zero and scaled to the largest |score|, so the strongest token of this
    sentence is fully saturated whatever the method's units.
    """
    values = np.asarray(scores, dtype=float)  # (seq_len,)
    if values.shape != (len(tokens),):
        raise ValueError(f"{len(tokens)} tokens but {values.shape} scores")
    grid_tokens, grid_positions = token_grid(list(tokens), per_row)
    z = [[values[position] if position is not None else None for position in row] for row in grid_positions]
    text = [[plain(_tile_text(token)) for token in row] for row in grid_tokens]
    hover = [[[f"{position + 1}", plain(token)] if position is not None else ["", ""]
              for position, token in zip(positions, row)] for positions, row in zip(grid_positions, grid_tokens)]
    limit = float(np.abs(values).max()) if values.size else 1.0
    limit = limit if limit > 0 else 1.0
    figure = go.Figure(go.Heatmap(
        z=z, text=text, customdata=hover, texttemplate="%{text}", textfont={"size": 14},
        colorscale=DIVERGING, zmid=0, zmin=-limit, zmax=limit, xgap=3, ygap=3,
        colorbar={"title": {"text": score_label}},
        hovertemplate=f"#%{{customdata[0]}} %{{customdata[1]}}<br>{plain(score_label)}: %{{z:.4f}}<extra></extra>"))
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False, autorange="reversed")
    figure.update_layout(title=title, height=90 + 48 * len(grid_tokens), margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return figure
