"""An unrolled recurrent network drawn over time and animated step by step in the browser.

One box per time step in a row, the input x_t below it, the output y_t above it, arrows carrying h_t (and the
LSTM cell state C_t, when given) from box to box, h_0 on the left. Every vector is drawn as a strip of small
squares colored by value; hovering a square gives its exact value. One Plotly frame per step highlights the
current column, fades the steps not computed yet and prints that step's values, so Play / Pause / step / scrub
all run in the browser. Reusable by every lesson: pass the arrays of any RNN / LSTM / GRU run.

The figure is written as Plotly's JSON (:class:`core.figures.plain.PlainFigure`, validated in the tests): a new
sentence rebuilds every frame, and building validated ``go`` objects was most of that time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.escape import plotly_text
from core.figures.plain import PlainFigure, colorscale, title
from core.figures.player import PlayerLabels, add_time_player, token_ticks
from core.figures.style import CELL_COLORS, DIVERGING, GATE_COLORS, SEQUENTIAL

BOX_HALF_WIDTH = 0.38   # a box spans t ± this on the x axis
BOX_TOP = 0.55          # the top edge of a box
PIXELS_PER_UNIT = 62    # chart height per y unit, so a figure without outputs loses only its empty top
STRIP_WIDTH = 0.6       # the squares of one vector spread over this width
INPUT_Y, OUTPUT_Y = -1.6, 1.6
FADED = 0.15            # opacity of steps the network has not reached yet
MAX_CAPTION_VALUES = 8  # longer vectors are shortened with "…" in the caption (hover still has every value)
PHONE_PLOT_WIDTH = 298  # px of plot area on a 390 px phone (358 px column less this figure's 60 px of margins)
MARGIN_WIDTH = 60       # px: the left and right margins below
SMALLEST_SQUARE = 10    # px: smaller squares no longer show their color
WIDEST_STEP = 90        # px per time step the figure ever asks for (a very long token may then touch its neighbour)


@dataclass(frozen=True)
class UnrolledLabels:
    """Every word the figure draws (plotly's small HTML subset allowed); pages fill it from their texts.

    The defaults are mathematical symbols, the same in every language; words have no default.
    """

    player: PlayerLabels
    cell: str                               # written in each box
    input_symbol: str = "x"
    hidden_symbol: str = "h"
    output_symbol: str = "ŷ"  # probabilities (the notation keeps plain y for nothing)
    cell_state_symbol: str = "C"
    input_weight: str | None = "W<sub>xh</sub>"    # arrow labels on the first step; None leaves them off
    hidden_weight: str | None = "W<sub>hh</sub>"
    output_weight: str | None = "W<sub>hy</sub>"
    initial_state: str = "h<sub>0</sub> = 0"
    title: str | None = None


def unrolled_figure(
    tokens: Sequence[str],
    inputs: np.ndarray,
    hidden: np.ndarray,
    outputs: np.ndarray | None = None,
    cell_state: np.ndarray | None = None,
    *,
    labels: UnrolledLabels,
    step: int = 1,
    color: str = CELL_COLORS["rnn"],
    captions: Sequence[str] | None = None,
    decimals: int = 3,
) -> PlainFigure:
    """The unrolled network with one animation frame per time step.

    Args:
        tokens: T labels written under the inputs (user text: escaped here).
        inputs: (T, input_size) x_t.  hidden: (T, hidden_size) h_t.
        outputs: optional (T, output_size) y_t drawn above the boxes.
        cell_state: optional (T, hidden_size) C_t, drawn as a second strip and arrow row (LSTM).
        step: the frame shown first, 1-based like t.
        captions: optional T strings replacing the default per-step caption (the step's vectors).
        decimals: rounding of the caption; hover shows full precision.
    Frames are named "1" … "T".
    """
    inputs, hidden = np.asarray(inputs, float), np.asarray(hidden, float)
    seq_len = len(tokens)
    for name, array in (("inputs", inputs), ("hidden", hidden), ("outputs", outputs), ("cell_state", cell_state)):
        if array is not None and (np.ndim(array) != 2 or len(array) != seq_len):
            raise ValueError(f"{name} must be (seq_len={seq_len}, size), got shape {np.shape(array)}")
    if seq_len == 0:
        raise ValueError("nothing to draw: no time steps")
    if not 1 <= step <= seq_len:
        raise ValueError(f"step {step} is outside 1..{seq_len}")
    if captions is not None and len(captions) != seq_len:
        raise ValueError(f"need {seq_len} captions, got {len(captions)}")

    safe_tokens = [plotly_text(token) for token in tokens]
    hidden_y = -0.15 if cell_state is not None else 0.0
    strips = [  # (values, y, symbol, drawn as probabilities?) in trace order
        (inputs, INPUT_Y, labels.input_symbol, False),
        (hidden, hidden_y, labels.hidden_symbol, False),
    ]
    if outputs is not None:
        strips.append((np.asarray(outputs, float), OUTPUT_Y, labels.output_symbol, True))
    if cell_state is not None:
        strips.append((np.asarray(cell_state, float), 0.25, labels.cell_state_symbol, False))
    widest = max(strip[0].shape[1] for strip in strips)
    size = _square_size(seq_len, widest)
    # Without outputs nothing is drawn above the boxes: the caption and the highlight come down to them.
    upper = OUTPUT_Y if outputs is not None else BOX_TOP
    if captions is None:
        captions = [_caption(t, safe_tokens, strips, labels, decimals) for t in range(1, seq_len + 1)]

    data = [_highlight(step, color, upper), _boxes(seq_len, color)]
    data += [_strip(values, y, symbol, safe_tokens, size, step, probabilities)
             for values, y, symbol, probabilities in strips]
    data += [
        {"type": "scatter", "x": list(range(1, seq_len + 1)), "y": [INPUT_Y - 0.55] * seq_len, "text": safe_tokens,
         "mode": "text", "textfont": {"size": 14}, "hoverinfo": "skip", "showlegend": False},
        _caption_trace(seq_len, captions[step - 1], upper),
        {"type": "scatter", "x": [0], "y": [hidden_y], "mode": "markers+text", "text": [labels.initial_state],
         "textposition": "bottom center",
         "marker": {"symbol": "square", "size": size, "color": "white", "line": {"color": "#555", "width": 1}},
         "hoverinfo": "skip", "showlegend": False},
    ]

    strip_indices = list(range(2, 2 + len(strips)))
    caption_index = 2 + len(strips) + 1
    frames = [
        {
            "data": [_highlight(t, color, upper)]
            + [{"type": "scatter", "marker": {"opacity": _opacity(strip[0].shape[1], seq_len, t)}}
               for strip in strips]
            + [{"type": "scatter", "text": [captions[t - 1]]}],
            "name": str(t),
            "traces": [0, *strip_indices, caption_index],
        }
        for t in range(1, seq_len + 1)
    ]
    layout = {
        "annotations": _arrows(seq_len, labels, hidden_y, cell_state is not None, outputs is not None) + [
            {"x": t, "y": 0.42, "text": labels.cell, "showarrow": False, "font": {"size": 10, "color": color}}
            for t in range(1, seq_len + 1)
        ],
        "height": 100 + round(PIXELS_PER_UNIT * (upper + 2.0 - (INPUT_Y - 0.9))),
        "margin": {"l": 10, "r": 50, "t": 40 if labels.title else 10, "b": 90},
        "xaxis": {"visible": False, "range": [-0.6, seq_len + 0.6], "fixedrange": True},
        "yaxis": {"visible": False, "range": [INPUT_Y - 0.9, upper + 2.0], "fixedrange": True},
        "plot_bgcolor": "rgba(0,0,0,0)", "showlegend": False, "hoverlabel": {"namelength": -1},
        "meta": {"min_width": minimum_width(tokens, widest, size)},
    }
    if labels.title is not None:
        layout["title"] = title(labels.title)
    return add_time_player(PlainFigure(data, layout, frames), [str(t) for t in range(1, seq_len + 1)],
                           labels.player, start=step, tick_labels=token_ticks(tokens))


def _square_size(seq_len: int, widest: int) -> int:
    """Marker size (px) so the squares of the widest strip stay apart on a phone: the gap between two squares'
    centres there is ``PHONE_PLOT_WIDTH / (seq_len + 1.2) * STRIP_WIDTH / (widest - 1)`` px; never below
    ``SMALLEST_SQUARE`` (then :func:`minimum_width` asks for a wider chart) nor above 18."""
    per_step = PHONE_PLOT_WIDTH / (seq_len + 1.2)
    pitch = per_step * STRIP_WIDTH / max(widest - 1, 1)
    return int(np.clip(np.floor(pitch) - 1, SMALLEST_SQUARE, 18))


def token_width(token: str, font_size: int = 14) -> float:
    """Rough drawn width (px) of a token: a CJK character is about one em, others about 0.6 em."""
    return sum(font_size if ord(character) >= 0x2E80 else 0.6 * font_size for character in token)


def minimum_width(tokens: Sequence[str], widest: int, size: int) -> int:
    """The chart width (px) at which neither the squares of one strip nor neighbouring tokens overlap.

    One time step spans one x unit; the plot spans ``len(tokens) + 1.2`` units plus ``MARGIN_WIDTH`` px. A unit
    must hold ``widest`` squares of ``size`` px, 1 px apart, over ``STRIP_WIDTH`` of it, and the widest token with
    8 px to spare (capped at ``WIDEST_STEP``).
    """
    squares = (size + 1) * max(widest - 1, 0) / STRIP_WIDTH
    words = min(max((token_width(token) for token in tokens), default=0) + 8, WIDEST_STEP)
    return int(np.ceil(max(squares, words) * (len(tokens) + 1.2) + MARGIN_WIDTH))


def _offsets(count: int) -> np.ndarray:
    return np.linspace(-STRIP_WIDTH / 2, STRIP_WIDTH / 2, count) if count > 1 else np.zeros(1)


def _opacity(count: int, seq_len: int, step: int) -> list[float]:
    """Full opacity up to ``step``, faded after: the network has not computed those yet."""
    return [1.0 if t <= step else FADED for t in range(1, seq_len + 1) for _ in range(count)]


def _strip(values: np.ndarray, y: float, symbol: str, tokens: list[str], size: int, step: int,
           probabilities: bool) -> dict:
    """All T vectors of one kind as colored squares; hover gives name, position, token and exact value.

    Probabilities get a 0..1 sequential scale; everything else a diverging scale centred on 0 that is ±1 for
    values inside (-1, 1), so tanh outputs look alike on every page.
    """
    seq_len, count = values.shape
    if probabilities and 0.0 <= values.min() and values.max() <= 1.0:
        scale = {"colorscale": colorscale(SEQUENTIAL), "cmin": 0.0, "cmax": 1.0}
    else:
        bound = max(1.0, float(np.abs(values).max()))
        scale = {"colorscale": colorscale(DIVERGING), "cmin": -bound, "cmax": bound}
    xs = [t + offset for t in range(1, seq_len + 1) for offset in _offsets(count)]
    customdata = [[t, index, tokens[t - 1], float(values[t - 1, index])]
                  for t in range(1, seq_len + 1) for index in range(count)]
    return {
        "type": "scatter", "x": xs, "y": [y] * len(xs), "mode": "markers",
        "marker": {"symbol": "square", "size": size, "color": values.reshape(-1), **scale,
                   "line": {"color": "#888", "width": 1}, "opacity": _opacity(count, seq_len, step)},
        "customdata": customdata,
        "hovertemplate": f"{symbol}<sub>%{{customdata[0]}}</sub>[%{{customdata[1]}}] = %{{customdata[3]:.7g}}"
                         "<extra>%{customdata[2]}</extra>",
        "showlegend": False,
    }


def _highlight(step: int, color: str, upper: float = OUTPUT_Y) -> dict:
    """A tinted column behind the current step, up to just above ``upper`` (the outputs, or the boxes)."""
    left, right, bottom, top = step - 0.48, step + 0.48, INPUT_Y - 0.85, upper + 0.45
    return {
        "type": "scatter", "x": [left, right, right, left, left], "y": [bottom, bottom, top, top, bottom],
        "mode": "lines", "fill": "toself", "fillcolor": _tint(color, 0.12),
        "line": {"color": color, "width": 2, "dash": "dot"}, "hoverinfo": "skip", "showlegend": False,
    }


def _boxes(seq_len: int, color: str) -> dict:
    """One rounded-looking box per cell, drawn as one trace (``None`` separates the boxes)."""
    xs, ys = [], []
    for t in range(1, seq_len + 1):
        left, right = t - BOX_HALF_WIDTH, t + BOX_HALF_WIDTH
        xs += [left, right, right, left, left, None]
        ys += [-0.5, -0.5, BOX_TOP, BOX_TOP, -0.5, None]
    return {"type": "scatter", "x": xs, "y": ys, "mode": "lines", "fill": "toself", "fillcolor": _tint(color, 0.10),
            "line": {"color": color, "width": 2}, "hoverinfo": "skip", "showlegend": False}


def _caption(step: int, tokens: list[str], strips, labels: UnrolledLabels, decimals: int) -> str:
    lines = [f"<b>{labels.player.step_prefix}{step} · {tokens[step - 1]}</b>"]
    for values, _, symbol, _ in strips:
        row = values[step - 1]
        shown = ", ".join(f"{value:.{decimals}f}" for value in row[:MAX_CAPTION_VALUES])
        more = ", …" if len(row) > MAX_CAPTION_VALUES else ""
        lines.append(f"{symbol}<sub>{step}</sub> = [{shown}{more}]")
    return "<br>".join(lines)


def _caption_trace(seq_len: int, text: str, upper: float = OUTPUT_Y) -> dict:
    return {"type": "scatter", "x": [(seq_len + 1) / 2], "y": [upper + 1.2], "mode": "text", "text": [text],
            "textfont": {"size": 13}, "hoverinfo": "skip", "showlegend": False}


def _arrows(seq_len: int, labels: UnrolledLabels, hidden_y: float, with_cell: bool,
            with_outputs: bool = True) -> list[dict]:
    """Static arrows: x_t → box, box → y_t (when there are outputs), h_{t-1} → h_t (and C_{t-1} → C_t);
    weight names on step 1."""
    def arrow(x0, y0, x1, y1, color="#555", text="", **extra) -> dict:
        return {"x": x1, "y": y1, "ax": x0, "ay": y0, "xref": "x", "yref": "y", "axref": "x", "ayref": "y",
                "showarrow": True, "arrowhead": 2, "arrowsize": 1, "arrowwidth": 1.6, "arrowcolor": color,
                "text": text, **extra}

    def label(x, y, text) -> dict:
        return {"x": x, "y": y, "xref": "x", "yref": "y", "text": text, "showarrow": False,
                "font": {"size": 11, "color": "#555"}, "xanchor": "left"}

    notes = []
    for t in range(1, seq_len + 1):
        notes.append(arrow(t, INPUT_Y + 0.3, t, -0.52, GATE_COLORS["input_x"]))
        if with_outputs:
            notes.append(arrow(t, BOX_TOP + 0.02, t, OUTPUT_Y - 0.3, "#555"))
        start = 0.12 if t == 1 else t - 1 + BOX_HALF_WIDTH
        notes.append(arrow(start, hidden_y, t - BOX_HALF_WIDTH, hidden_y, GATE_COLORS["hidden"]))
        if with_cell:
            notes.append(arrow(start, 0.25, t - BOX_HALF_WIDTH, 0.25, GATE_COLORS["cell"]))
    first = [(labels.input_weight, 1.05, INPUT_Y / 2 - 0.4), (labels.hidden_weight, 0.2, hidden_y + 0.2)]
    if with_outputs:
        first.append((labels.output_weight, 1.05, OUTPUT_Y / 2 + 0.4))
    notes += [label(x, y, text) for text, x, y in first if text]
    return notes


def _tint(hex_color: str, alpha: float) -> str:
    red, green, blue = (int(hex_color.lstrip("#")[index:index + 2], 16) for index in (0, 2, 4))
    return f"rgba({red},{green},{blue},{alpha})"
