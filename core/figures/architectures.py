"""An unrolled recurrent architecture as three aligned rows, animated in the order the computation happens.

Bottom row: what the network reads at each position (tokens, the one feature vector "v", fed-back words).
Middle row: a heatmap of the hidden state after each position (one column per step, one row per hidden unit;
bidirectional runs stack the forward band over the backward band, so each column *is* [h_f ; h_b]).
Top row: what the network emits and with what softmax probability.
One Plotly frame per ``Reveal``: the frame fills the state that step computed and outlines it, so Play / Pause /
scrub replay the run in the browser. Every text is escaped: tokens are the learner's own input.
Written as Plotly's JSON (:class:`core.figures.plain.PlainFigure`, validated in the tests): a new sentence rebuilds
every frame, and validating them cost far more than the model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.escape import plotly_text
from core.figures.plain import PlainFigure, colorscale
from core.figures.player import PlayerLabels, add_time_player
from core.figures.style import DIVERGING, GATE_COLORS
from core.lessons.architectures import ArchitectureRun

EMITTED_COLOR = "#2C3E50"  # outputs y_t: a neutral ink, so they don't read as the output gate's purple
HIGHLIGHT_COLOR = "#F1C40F"  # outline of the state the current frame computed


@dataclass(frozen=True)
class ArchitectureLabels:
    """Every word the figure draws; pages fill it from their texts."""

    frame_captions: tuple[str, ...]  # one per reveal, shown as the figure title of that frame
    band_names: tuple[str, ...]  # one per band, e.g. ("h_t",) or ("h_f (→)", "h_b (←)")
    input_row: str
    output_row: str
    unit: str
    probability: str
    divider: str  # label at the encoder / decoder boundary
    player: PlayerLabels  # its step prefix names a frame ("frame ")


def architecture_figure(run: ArchitectureRun, labels: ArchitectureLabels) -> PlainFigure:
    """The animated figure for one run; one frame per entry of ``run.reveals``."""
    if len(labels.frame_captions) != len(run.reveals):
        raise ValueError(f"{len(run.reveals)} reveals but {len(labels.frame_captions)} captions")
    if len(labels.band_names) != run.bands:
        raise ValueError(f"{run.bands} bands but {len(labels.band_names)} band names")
    rows, columns = run.states.shape
    hidden_size = run.hidden_size
    column_names = [plotly_text(label) if label else "·" for label in run.input_labels]
    unit_text = np.array([[f"{plotly_text(labels.band_names[row // hidden_size])} · {labels.unit} {row % hidden_size}"
                           f" · {column_names[column]}" for column in range(columns)] for row in range(rows)])

    frames = []
    filled = np.zeros((rows, columns), dtype=bool)
    emitted = np.zeros(columns, dtype=bool)
    for index, reveal in enumerate(run.reveals):
        band_rows = slice(0, rows) if reveal.band < 0 else slice(reveal.band * hidden_size,
                                                                (reveal.band + 1) * hidden_size)
        filled[band_rows, reveal.column] = True
        emitted[reveal.column] |= reveal.emits
        traces = [
            _state_heatmap(np.where(filled, run.states, np.nan), unit_text),
            _outputs(run, emitted, labels),
            _outline(reveal.column, band_rows.start, band_rows.stop),
        ]
        frames.append({"name": str(index + 1), "data": traces, "traces": [0, 1, 2],
                       "layout": {"title": {"text": plotly_text(labels.frame_captions[index])}}})
    ticks = [band * hidden_size + (hidden_size - 1) / 2 for band in range(run.bands)]
    # Three rows on one shared x axis: y = outputs (top), y2 = states, y3 = inputs (bottom).
    shapes = [_line(x0=-0.6, x1=columns - 0.4, y=band * hidden_size - 0.5, yref="y2") for band in range(1, run.bands)]
    annotations = []
    if run.divider is not None:
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": run.divider - 0.5, "x1": run.divider - 0.5,
                       "y0": 0, "y1": 1, "line": {"color": "black", "width": 2, "dash": "dash"}})
        annotations.append({"x": run.divider - 0.5, "y": 1.0, "xref": "x", "yref": "paper", "showarrow": False,
                            "text": plotly_text(labels.divider), "xanchor": "center", "yanchor": "bottom"})
    layout = {
        "title": {"text": plotly_text(labels.frame_captions[0])},
        "height": 460, "showlegend": False, "margin": {"l": 10, "r": 10, "t": 60, "b": 90},
        "xaxis": {"range": [-0.6, columns - 0.4], "showticklabels": False, "showgrid": False, "zeroline": False},
        "yaxis": {"domain": [0.84, 1.0], "range": [-1, 1.6], "tickvals": [0], "showgrid": False, "zeroline": False,
                  "ticktext": [plotly_text(labels.output_row)], "tickfont": {"color": EMITTED_COLOR}},
        "yaxis2": {"domain": [0.2, 0.8], "range": [rows - 0.5, -0.5], "tickvals": ticks,
                   "ticktext": [plotly_text(name) for name in labels.band_names]},
        "yaxis3": {"domain": [0.0, 0.16], "range": [-1.6, 1], "tickvals": [0], "showgrid": False, "zeroline": False,
                   "ticktext": [plotly_text(labels.input_row)], "tickfont": {"color": GATE_COLORS["input_x"]}},
        "shapes": shapes, "annotations": annotations,
    }
    figure = PlainFigure(list(frames[0]["data"]) + [_inputs(run, column_names)], layout, frames)
    return add_time_player(figure, [frame["name"] for frame in frames], labels.player, frame_ms=700)


def _line(x0: float, x1: float, y: float, yref: str) -> dict:
    return {"type": "line", "xref": "x", "yref": yref, "x0": x0, "x1": x1, "y0": y, "y1": y,
            "line": {"color": "black", "width": 2}}


def _state_heatmap(values: np.ndarray, unit_text: np.ndarray) -> dict:
    rows, columns = values.shape
    return {
        "type": "heatmap", "yaxis": "y2", "z": values, "x": list(range(columns)), "y": list(range(rows)),
        "zmin": -1, "zmax": 1, "colorscale": colorscale(DIVERGING), "customdata": unit_text,
        "hovertemplate": "%{customdata}<br>%{z:.6f}<extra></extra>", "xgap": 2, "ygap": 1,
        "colorbar": {"len": 0.6, "y": 0.5, "thickness": 12},
    }


def _outputs(run: ArchitectureRun, emitted: np.ndarray, labels: ArchitectureLabels) -> dict:
    columns = np.flatnonzero(emitted)
    return {
        "type": "scatter", "yaxis": "y", "x": columns.tolist(), "y": [0.0] * len(columns), "mode": "markers+text",
        "text": [plotly_text(run.output_labels[column]) for column in columns], "textposition": "top center",
        "customdata": [run.output_probability[column] for column in columns],
        "hovertemplate": f"%{{text}}<br>{plotly_text(labels.probability)} = %{{customdata:.6f}}<extra></extra>",
        "marker": {"size": 12, "color": EMITTED_COLOR, "symbol": "diamond"},
    }


def _outline(column: int, first_row: int, stop_row: int) -> dict:
    left, right, top, bottom = column - 0.5, column + 0.5, first_row - 0.5, stop_row - 0.5
    return {"type": "scatter", "yaxis": "y2", "x": [left, right, right, left, left],
            "y": [top, top, bottom, bottom, top], "mode": "lines", "line": {"color": HIGHLIGHT_COLOR, "width": 4},
            "hoverinfo": "skip"}


def _inputs(run: ArchitectureRun, column_names: list[str]) -> dict:
    columns = [column for column, label in enumerate(run.input_labels) if label]
    return {
        "type": "scatter", "yaxis": "y3", "x": columns, "y": [0.0] * len(columns), "mode": "markers+text",
        "text": [column_names[c] for c in columns], "textposition": "bottom center",
        "hovertemplate": "%{text}<extra></extra>",
        "marker": {"size": 11, "color": GATE_COLORS["input_x"], "symbol": "square"},
    }
