"""Figures of lesson 1: sequence data of four kinds, final states per sentence, and memory of an early word.

Pure builders: numpy arrays and label strings in, a figure written as Plotly's JSON out
(:class:`core.figures.plain.PlainFigure`, validated in the tests): typed sentences rebuild them. User text is escaped
here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.escape import plotly_text
from core.figures.plain import PlainFigure, axis, colorscale, title as title_of
from core.figures.style import DIVERGING, GATE_COLORS

DNA_COLORS = {"A": "#27AE60", "C": "#2E86DE", "G": "#F39C12", "T": "#C0392B"}


def _compact(data: list[dict], title: str, height: int, **layout) -> PlainFigure:
    """A short figure with its title and thin margins; ``layout`` adds to (or replaces) those settings."""
    return PlainFigure(data, {"title": title_of(title), "height": height,
                              "margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "showlegend": False, **layout})


def token_vectors_figure(tokens: Sequence[str], vectors: np.ndarray, title: str, symbol: str = "x") -> PlainFigure:
    """Each token's input vector as one column: a sentence becomes a (input_size × T) grid read left to right."""
    vectors = np.asarray(vectors, dtype=float)  # (T, input_size)
    if vectors.ndim != 2 or len(vectors) != len(tokens):
        raise ValueError(f"need one vector per token, got {len(tokens)} tokens and shape {vectors.shape}")
    columns = [f"{t} · {plotly_text(token)}" for t, token in enumerate(tokens, start=1)]
    bound = float(np.abs(vectors).max()) if vectors.size else 1.0
    heatmap = {
        "type": "heatmap", "z": vectors.T, "x": columns, "y": [f"{symbol}[{i}]" for i in range(vectors.shape[1])],
        "colorscale": colorscale(DIVERGING), "zmin": -bound, "zmax": bound, "texttemplate": "%{z:.2f}", "xgap": 2,
        "ygap": 2, "showscale": False, "hovertemplate": "%{x}: %{y} = %{z:.7g}<extra></extra>",
    }
    return _compact([heatmap], title, 260, yaxis={"autorange": "reversed", "fixedrange": True},
                    xaxis={"fixedrange": True})


def signal_figure(time: np.ndarray, values: np.ndarray, title: str, time_label: str, value_label: str,
                  color: str = GATE_COLORS["hidden"]) -> PlainFigure:
    """A sampled signal (sound, prices): each marker is one time step a recurrent network would read."""
    time, values = np.asarray(time, dtype=float), np.asarray(values, dtype=float)
    if time.shape != values.shape or time.ndim != 1:
        raise ValueError(f"time and values must be equal-length vectors, got {time.shape} and {values.shape}")
    line = {
        "type": "scatter", "x": time, "y": values, "mode": "lines+markers", "line": {"color": color, "width": 1.5},
        "marker": {"size": 4},
        "hovertemplate": f"{time_label} = %{{x:.4g}}<br>{value_label} = %{{y:.7g}}<extra></extra>",
    }
    return _compact([line], title, 280, xaxis=axis(time_label), yaxis=axis(value_label))


def one_hot_figure(sequence: str, alphabet: str, one_hot: np.ndarray, title: str, position_label: str) -> PlainFigure:
    """A symbol sequence (DNA bases) as one-hot columns: position t has a single 1 in its letter's row."""
    one_hot = np.asarray(one_hot, dtype=float)  # (len(sequence), len(alphabet))
    if one_hot.shape != (len(sequence), len(alphabet)):
        raise ValueError(f"one_hot must be {(len(sequence), len(alphabet))}, got {one_hot.shape}")
    positions = list(range(1, len(sequence) + 1))
    colors = [[0.0, "#F4F6F7"], [1.0, "#34495E"]]
    data = [
        {"type": "heatmap", "z": one_hot.T, "x": positions, "y": list(alphabet), "colorscale": colors, "zmin": 0,
         "zmax": 1, "xgap": 1, "ygap": 1, "showscale": False,
         "hovertemplate": f"{position_label} %{{x}}: %{{y}} = %{{z:.0f}}<extra></extra>"},
        {"type": "scatter", "x": positions, "y": [-0.9] * len(sequence), "mode": "text", "text": list(sequence),
         "hoverinfo": "skip", "textfont": {"color": [DNA_COLORS.get(base, "#555") for base in sequence], "size": 11}},
    ]
    return _compact(data, title, 240, yaxis={"autorange": "reversed", "fixedrange": True},
                    xaxis=axis(position_label, fixedrange=True))


def final_states_figure(names: Sequence[str], lengths: Sequence[int], final_hidden: np.ndarray, title: str,
                        symbol: str = "h") -> PlainFigure:
    """One row per sentence: its final hidden state h_T (same size whatever T was)."""
    final_hidden = np.asarray(final_hidden, dtype=float)  # (sentences, hidden_size)
    if final_hidden.ndim != 2 or len(final_hidden) != len(names) or len(lengths) != len(names):
        raise ValueError("need one name, one length and one final state per sentence")
    rows = [f"{plotly_text(name)} (T = {length})" for name, length in zip(names, lengths)]
    heatmap = {
        "type": "heatmap", "z": final_hidden, "x": [f"{symbol}[{i}]" for i in range(final_hidden.shape[1])],
        "y": rows, "colorscale": colorscale(DIVERGING), "zmin": -1, "zmax": 1, "texttemplate": "%{z:.3f}",
        "xgap": 2, "ygap": 2, "showscale": False,
        "customdata": np.broadcast_to(np.arange(final_hidden.shape[1]), final_hidden.shape),
        "hovertemplate": f"%{{y}}<br>{symbol}<sub>T</sub>[%{{customdata}}] = %{{z:.7g}}<extra></extra>",
    }
    return _compact([heatmap], title, 110 + 55 * len(rows), yaxis={"autorange": "reversed", "fixedrange": True},
                    xaxis={"fixedrange": True})


def memory_gap_figure(tokens: Sequence[str], changed_tokens: Sequence[str], step_gap: np.ndarray,
                      feedforward_gap: float, title: str, rnn_label: str, feedforward_label: str,
                      gap_label: str) -> PlainFigure:
    """‖h_t − h'_t‖ at every step for the two sentences, and the last-word net's gap in a column of its own.

    The feed-forward net's ✕ sits right of the bars (x = ``feedforward_label``) rather than on the last bar, where
    a gap of 0 would hide under it.
    """
    step_gap = np.asarray(step_gap, dtype=float)
    if not len(tokens) == len(changed_tokens) == len(step_gap):
        raise ValueError("tokens, changed_tokens and step_gap need one entry per step")
    steps = [
        f"{t} · {plotly_text(a)}" if a == b else f"{t} · {plotly_text(a)}→{plotly_text(b)}"
        for t, (a, b) in enumerate(zip(tokens, changed_tokens), start=1)
    ]
    data = [
        {"type": "bar", "x": steps, "y": step_gap, "name": rnn_label, "marker": {"color": GATE_COLORS["hidden"]},
         "text": [f"{gap:.3f}" for gap in step_gap], "textposition": "outside", "cliponaxis": False,
         "hovertemplate": f"{rnn_label}<br>%{{x}}: {gap_label} = %{{y:.7g}}<extra></extra>"},
        {"type": "scatter", "x": [feedforward_label], "y": [feedforward_gap], "name": feedforward_label,
         "mode": "markers+text", "marker": {"symbol": "x", "size": 14, "color": GATE_COLORS["gradient"]},
         "text": [f"{feedforward_gap:.3f}"], "textposition": "top center", "cliponaxis": False,
         "hovertemplate": f"{feedforward_label}: {gap_label} = %{{y:.7g}}<extra></extra>"},
    ]
    return _compact(data, title, 340, yaxis=axis(gap_label, rangemode="tozero", fixedrange=True),
                    xaxis={"fixedrange": True, "categoryorder": "array", "categoryarray": [*steps, feedforward_label]},
                    showlegend=True, legend={"orientation": "h", "y": -0.25},
                    margin={"l": 10, "r": 10, "t": 60, "b": 10})
