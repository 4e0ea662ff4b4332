"""Chart of the summary lesson: forward time against sequence length, LSTM vs Transformer encoder layer.

Written as Plotly's JSON (:class:`core.figures.plain.PlainFigure`, validated in the tests)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from core.figures.log_axis import log_ticks, tick_text
from core.figures.plain import PlainFigure, axis
from core.figures.style import CELL_COLORS

TRANSFORMER_COLOR = "#F39C12"  # not a gate: the one chart where a Transformer appears


def timing_figure(seq_lens: Sequence[int], lstm_seconds: Sequence[float], transformer_seconds: Sequence[float],
                  lstm_label: str, transformer_label: str, x_title: str, y_title: str) -> PlainFigure:
    """Two lines on log-log axes: milliseconds per forward pass at each sequence length."""
    if not len(seq_lens) == len(lstm_seconds) == len(transformer_seconds):
        raise ValueError("seq_lens and both timing series must have the same length")
    data = [
        {"type": "scatter", "x": list(seq_lens), "y": [1000.0 * value for value in seconds], "name": label,
         "mode": "lines+markers", "line": {"color": color, "width": 3}, "marker": {"symbol": symbol, "size": 9},
         "hovertemplate": f"{label}<br>T = %{{x}}<br>%{{y:.6f}} ms<extra></extra>"}
        for label, seconds, color, symbol in ((lstm_label, lstm_seconds, CELL_COLORS["lstm"], "circle"),
                                              (transformer_label, transformer_seconds, TRANSFORMER_COLOR, "diamond"))
    ]
    milliseconds = [1000.0 * value for value in (*lstm_seconds, *transformer_seconds) if value > 0]
    low, high = (math.log10(min(milliseconds)) - 0.1, math.log10(max(milliseconds)) + 0.1) if milliseconds else (-1, 1)
    ticks = log_ticks(low, high)  # round values every few steps, so the short timings can be read off too
    return PlainFigure(data, {
        "xaxis": axis(x_title, type="log", tickvals=list(seq_lens)),
        "yaxis": axis(y_title, type="log", range=[low, high], tickvals=ticks,
                      ticktext=[tick_text(tick) for tick in ticks]),
        "height": 340, "margin": {"l": 10, "r": 10, "t": 20, "b": 40},
        "legend": {"orientation": "h", "y": 1.08, "x": 0},
    })
