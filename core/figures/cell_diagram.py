"""An operation-level drawing of a recurrent cell (LSTM, GRU) whose vectors show one time step's real numbers.

A :class:`Diagram` is fixed geometry: nodes (σ, tanh, ⊗, ⊕), wires and "chips" (rows of squares, one per vector
entry). :func:`diagram_figure` colors and labels the chips with ``vectors[name][t]``, one Plotly frame per time
step, and adds the shared time player, so Play / Pause / scrub run in the browser. Pure: arrays in, figure out.

The figure is written as Plotly's JSON (:class:`core.figures.plain.PlainFigure`): a student's new sentence rebuilds
it, and validating every property of every frame cost more than the model's own step (the tests validate it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from core.figures.gates import HOVER_DIGITS
from core.figures.plain import PlainFigure, colorscale
from core.figures.player import PlayerLabels, add_time_player
from core.figures.style import DIVERGING

SQUARE_SIZE = 21  # pixels; one square per vector entry on the diagram (holds "-.85" at 10 px type)
SQUARE_GAP = 0.5  # data units between the squares of one chip
CHIP_FONT_SIZE = 10  # the value printed in a square; smaller is unreadable on a projector
MARGIN_WIDTH = 20  # px: the figure's left and right margins


def minimum_width(diagram: "Diagram") -> int:
    """The figure width (px) at which the squares of a chip, and so their printed values, stop overlapping.

    Neighbouring squares are ``SQUARE_GAP`` data units apart and ``SQUARE_SIZE`` px wide, so a data unit must be at
    least ``SQUARE_SIZE / SQUARE_GAP`` px: the plot spans ``x_range``, plus ``MARGIN_WIDTH``. (Vertical chips are
    safe at any width: the height is fixed.) A value such as "-.85" is about 4 × 0.5 em = 20 px at 10 px type,
    inside its 23 px square.
    """
    span = diagram.x_range[1] - diagram.x_range[0]
    return int(np.ceil(SQUARE_SIZE / SQUARE_GAP * span + MARGIN_WIDTH))


@dataclass(frozen=True)
class Node:
    """An operation drawn on a cell diagram: a box (σ, tanh) or a circle (⊗, ⊕)."""

    x: float  # centre, data units
    y: float
    text: str  # the symbol written inside
    color: str  # outline color; a light tint of it fills the node
    circle: bool = False  # circles for element-wise operations, boxes for activations


@dataclass(frozen=True)
class Wire:
    """A polyline carrying a vector between nodes."""

    points: tuple[tuple[float, float], ...]
    color: str


@dataclass(frozen=True)
class Chip:
    """A row (or column) of squares showing one vector's entries at the current step."""

    name: str  # key into the vectors passed to :func:`diagram_figure`
    x: float  # centre of the first square
    y: float
    label: str  # written beside the chip (Plotly's HTML subset: "f<sub>t</sub>")
    color: str  # outline of the squares: the gate's color
    vertical: bool = False  # squares stacked downwards instead of rightwards
    label_at: tuple[float, float] | None = None  # where the label's left edge goes; default: centred above


@dataclass(frozen=True)
class Diagram:
    """A fixed cell drawing; only the chips' values change from frame to frame."""

    nodes: tuple[Node, ...]
    wires: tuple[Wire, ...]
    chips: tuple[Chip, ...]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    notes: tuple[tuple[float, float, str], ...] = ()  # (x, y, text) captions such as "cell state highway"


def chip_positions(chip: Chip, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Centres of the ``size`` squares of ``chip``: (size,) x and (size,) y."""
    offsets = np.arange(size) * SQUARE_GAP
    if chip.vertical:
        return np.full(size, chip.x), chip.y - offsets
    return chip.x + offsets, np.full(size, chip.y)


def short_number(value: float) -> str:
    """Two decimals without the leading zero (".87", "-.05", "1.30"), so a value fits inside one square.

    A value that rounds to zero prints ".00", never "-.00" (which reads as a sign error).
    """
    text = f"{value:.2f}"
    if float(text) == 0:
        return ".00"
    if abs(value) < 1:
        text = text.replace("0.", ".", 1)
    return text


def _tint(color: str, strength: float = 0.18) -> str:
    """``color`` (#RRGGBB) blended towards white, for node fills."""
    red, green, blue = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 - (255 - channel) * strength) for channel in (red, green, blue)]
    return "#{:02X}{:02X}{:02X}".format(*mix)


def _chip_values(diagram: Diagram, vectors: Mapping[str, np.ndarray], step: int, limit: float) -> dict:
    """What changes from frame to frame on the chip scatter: colors, printed values and hover data at ``step``."""
    values, custom = [], []
    for chip in diagram.chips:
        vector = np.asarray(vectors[chip.name][step], dtype=float)  # (size,)
        values.extend(vector)
        custom.extend([chip.label, index, float(value)] for index, value in enumerate(vector))
    return {
        "marker": {"color": values},
        "text": [short_number(value) for value in values],
        "textfont": {"color": ["white" if abs(value) > 0.6 * limit else "black" for value in values]},
        "customdata": custom,
    }


def _chip_trace(diagram: Diagram, vectors: Mapping[str, np.ndarray], limit: float, step: int = 0) -> dict:
    """One scatter holding every square of every chip, showing step ``step`` (0-based row)."""
    xs, ys, outlines = [], [], []
    for chip in diagram.chips:
        x, y = chip_positions(chip, np.asarray(vectors[chip.name]).shape[1])
        xs.extend(x)
        ys.extend(y)
        outlines.extend([chip.color] * x.size)
    first = _chip_values(diagram, vectors, step, limit)
    return {
        "type": "scatter", "x": xs, "y": ys, "mode": "markers+text", "text": first["text"],
        "customdata": first["customdata"],
        "marker": {"symbol": "square", "size": SQUARE_SIZE, "color": first["marker"]["color"],
                   "colorscale": colorscale(DIVERGING), "cmin": -limit, "cmax": limit,
                   "line": {"color": outlines, "width": 2.5}},
        "textfont": {"size": CHIP_FONT_SIZE, "color": first["textfont"]["color"]},
        "hovertemplate": f"%{{customdata[0]}}[%{{customdata[1]}}] = %{{customdata[2]:{HOVER_DIGITS}}}<extra></extra>",
        "showlegend": False,
    }


def diagram_figure(
    diagram: Diagram,
    vectors: Mapping[str, np.ndarray],
    frame_names: Sequence[str],
    frame_titles: Sequence[str],
    player: PlayerLabels,
    height: int = 640,
    limit: float = 1.0,
    step: int = 1,
    step_labels: Sequence[str] | None = None,
) -> PlainFigure:
    """An animated cell diagram: static nodes and wires, chips showing ``vectors[name][t]`` in frame ``t``.

    ``vectors`` maps each chip's name to a (seq_len, size) array. Squares are colored on one diverging scale
    (±``limit``; beyond it the color saturates and the printed value still tells) so a gate near 1 and a state near
    1 look alike, outlined in the gate's color. ``step`` (1-based) is the frame shown before Play is pressed;
    ``step_labels`` (one per frame, e.g. "2 · cat") replace the frame names under the slider's ticks.
    """
    if not 1 <= step <= len(frame_names):
        raise ValueError(f"step {step} is outside 1..{len(frame_names)}")
    shapes = []
    for wire in diagram.wires:
        path = "M " + " L ".join(f"{x},{y}" for x, y in wire.points)
        shapes.append({"type": "path", "path": path, "line": {"color": wire.color, "width": 3}, "layer": "below"})
    annotations = []
    for node in diagram.nodes:
        half_width, half_height = (0.3, 0.38) if node.circle else (0.45, 0.3)
        shapes.append({
            "type": "circle" if node.circle else "rect", "layer": "below",
            "x0": node.x - half_width, "x1": node.x + half_width,
            "y0": node.y - half_height, "y1": node.y + half_height,
            "line": {"color": node.color, "width": 2}, "fillcolor": _tint(node.color),
        })
        annotations.append({"x": node.x, "y": node.y, "text": node.text, "showarrow": False,
                            "font": {"size": 15, "color": node.color}})
    for chip in diagram.chips:
        size = np.asarray(vectors[chip.name]).shape[1]
        x, y = chip_positions(chip, size)
        label = {"text": f"<b>{chip.label}</b>", "showarrow": False, "font": {"size": 13, "color": chip.color}}
        if chip.label_at is not None:
            label.update(x=chip.label_at[0], y=chip.label_at[1], xanchor="left")
        else:
            label.update(x=x[0] if chip.vertical else float(x.mean()), y=y[0] + 0.6)
        annotations.append(label)
    for x, y, text in diagram.notes:
        annotations.append({"x": x, "y": y, "text": f"<i>{text}</i>", "showarrow": False,
                            "font": {"size": 11, "color": "#555"}})

    # Frames carry only what changes; plotly.js merges them into the trace, so positions and styles stay put.
    frames = [
        {"name": name, "data": [{"type": "scatter", **_chip_values(diagram, vectors, step, limit)}], "traces": [0],
         "layout": {"title": {"text": title}}}
        for step, (name, title) in enumerate(zip(frame_names, frame_titles))
    ]
    layout = {
        "title": {"text": frame_titles[step - 1]}, "height": height, "shapes": shapes, "annotations": annotations,
        "margin": {"l": MARGIN_WIDTH // 2, "r": MARGIN_WIDTH // 2, "t": 50, "b": 90}, "plot_bgcolor": "white",
        "meta": {"min_width": minimum_width(diagram)},
        "xaxis": {"range": list(diagram.x_range), "visible": False, "fixedrange": True},
        "yaxis": {"range": list(diagram.y_range), "visible": False, "fixedrange": True},
    }
    figure = PlainFigure([_chip_trace(diagram, vectors, limit, step - 1)], layout, frames)
    return add_time_player(figure, list(frame_names), player, start=step, tick_labels=step_labels)
