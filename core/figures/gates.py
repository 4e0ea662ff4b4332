"""Reusable pictures of gates over time: an animated cell diagram, per-step gate bars, time × unit heatmaps.

Every builder is pure (arrays in, ``go.Figure`` out) and colors a gate with its ``GATE_COLORS`` entry, so the LSTM
and GRU lessons, the live lab and the training page draw the same gate the same way. Animated builders put one
Plotly frame per time step and call ``add_time_player``: playing and scrubbing happen in the browser.

Array convention: a gate or state over time is ``(seq_len, size)``, row ``t`` being sequence position ``t``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.figures.style import DIVERGING, GATE_COLORS, add_time_player

SQUARE_SIZE = 23  # pixels; one square per vector entry on the diagram
SQUARE_GAP = 0.5  # data units between the squares of one chip
HOVER_DIGITS = ".7g"  # float32 carries about 7 significant digits: hover shows all of them
CHIP_FONT_SIZE = 10  # the value printed in a square; smaller is unreadable on a projector


@dataclass(frozen=True)
class PlayerLabels:
    """The words on a time player, in the page's language."""

    play: str  # button that animates through every step
    pause: str  # button that stops the animation
    step_prefix: str  # shown before the current frame name, e.g. "t = "


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
        custom.extend([chip.label, index + 1, float(value)] for index, value in enumerate(vector))
    return {
        "marker": {"color": values},
        "text": [short_number(value) for value in values],
        "textfont": {"color": ["white" if abs(value) > 0.6 * limit else "black" for value in values]},
        "customdata": custom,
    }


def _chip_trace(diagram: Diagram, vectors: Mapping[str, np.ndarray], limit: float, step: int = 0) -> go.Scatter:
    """One scatter holding every square of every chip, showing step ``step`` (0-based row)."""
    xs, ys, outlines = [], [], []
    for chip in diagram.chips:
        x, y = chip_positions(chip, np.asarray(vectors[chip.name]).shape[1])
        xs.extend(x)
        ys.extend(y)
        outlines.extend([chip.color] * x.size)
    first = _chip_values(diagram, vectors, step, limit)
    return go.Scatter(
        x=xs, y=ys, mode="markers+text", text=first["text"], customdata=first["customdata"],
        marker={"symbol": "square", "size": SQUARE_SIZE, "color": first["marker"]["color"], "colorscale": DIVERGING,
                "cmin": -limit, "cmax": limit, "line": {"color": outlines, "width": 2.5}},
        textfont={"size": CHIP_FONT_SIZE, "color": first["textfont"]["color"]},
        hovertemplate=f"%{{customdata[0]}}[%{{customdata[1]}}] = %{{customdata[2]:{HOVER_DIGITS}}}<extra></extra>",
        showlegend=False,
    )


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
) -> go.Figure:
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

    figure = go.Figure(data=[_chip_trace(diagram, vectors, limit, step - 1)])
    # Frames carry only what changes; plotly.js merges them into the trace, so positions and styles stay put.
    figure.frames = [
        go.Frame(name=name, data=[go.Scatter(**_chip_values(diagram, vectors, step, limit))], traces=[0],
                 layout={"title": {"text": title}})
        for step, (name, title) in enumerate(zip(frame_names, frame_titles))
    ]
    figure.update_layout(
        title={"text": frame_titles[step - 1]}, height=height, shapes=shapes, annotations=annotations,
        margin={"l": 10, "r": 10, "t": 50, "b": 90}, plot_bgcolor="white",
        xaxis={"range": list(diagram.x_range), "visible": False, "fixedrange": True},
        yaxis={"range": list(diagram.y_range), "visible": False, "fixedrange": True},
    )
    add_time_player(figure, list(frame_names), player.play, player.pause, player.step_prefix)
    return _start_at(figure, step, step_labels)


def _start_at(figure: go.Figure, step: int, step_labels: Sequence[str] | None) -> go.Figure:
    """Point the time player at ``step`` (1-based) and write ``step_labels`` under its ticks.

    The current-step readout moves to the slider's right end, where the Play / Pause buttons cannot cover it.
    """
    slider = figure.layout.sliders[0]
    slider.active = step - 1
    slider.currentvalue.xanchor = "right"
    if step_labels is not None:
        if len(step_labels) != len(slider.steps):
            raise ValueError(f"the slider has {len(slider.steps)} steps but {len(step_labels)} labels were given")
        slider.steps = [{**tick.to_plotly_json(), "label": label} for tick, label in zip(slider.steps, step_labels)]
        # Room for the last tick's label, which is centred on the slider's right end.
        figure.update_layout(margin={"r": max(figure.layout.margin.r or 0, 50)})
    return figure


def frame_texts(tokens: Sequence[str], frame_title: str) -> tuple[list[str], list[str], list[str]]:
    """Frame names ("1" … "T"), frame titles and slider tick labels ("t · token") for a token sequence."""
    safe = [html.escape(str(token)) for token in tokens]
    names = [str(step) for step in range(1, len(safe) + 1)]
    titles = [frame_title.format(step=step, token=token) for step, token in enumerate(safe, start=1)]
    labels = [f"{step} · {token}" for step, token in enumerate(safe, start=1)]
    return names, titles, labels


def value_range(name: str, values: np.ndarray) -> tuple[float, float]:
    """Axis range for a gate: (0, 1) for sigmoid gates, (-1, 1) for tanh outputs, symmetric data range otherwise."""
    if name in ("input", "forget", "output", "reset", "update"):
        return (0.0, 1.0)
    if name in ("candidate", "new", "hidden"):
        return (-1.0, 1.0)
    limit = max(1.0, float(np.abs(values).max()))
    return (-limit * 1.05, limit * 1.05)


def gate_bars_figure(
    gates: Mapping[str, np.ndarray],
    titles: Mapping[str, str],
    frame_names: Sequence[str],
    unit_label: str,
    player: PlayerLabels,
    height: int = 300,
    step: int = 1,
    step_labels: Sequence[str] | None = None,
) -> go.Figure:
    """One small bar chart per gate (its units on x), animated over time steps.

    ``gates`` maps a ``GATE_COLORS`` name to its (seq_len, hidden_size) values; ``titles`` names each panel.
    Axes are fixed per gate (see :func:`value_range`) so a bar's height is comparable across frames. ``step``
    (1-based) is the frame shown first; ``step_labels`` go under the slider's ticks (see :func:`diagram_figure`).
    """
    if not 1 <= step <= len(frame_names):
        raise ValueError(f"step {step} is outside 1..{len(frame_names)}")
    names = list(gates)
    figure = make_subplots(rows=1, cols=len(names), subplot_titles=[titles[name] for name in names],
                           horizontal_spacing=0.04)

    def heights(step: int) -> list[go.Bar]:
        """Only what changes per frame: plotly.js merges it into the styled traces."""
        return [go.Bar(y=np.asarray(gates[name][step], dtype=float), text=[f"{value:.2f}" for value in gates[name][step]])
                for name in names]

    for column, (name, first) in enumerate(zip(names, heights(step - 1)), start=1):
        units = [f"{unit_label} {unit + 1}" for unit in range(len(first.y))]
        figure.add_trace(go.Bar(
            x=units, y=first.y, text=first.text, marker_color=GATE_COLORS[name], textposition="outside",
            textangle=0, cliponaxis=False, textfont={"size": 10}, showlegend=False,
            hovertemplate=f"{titles[name]}<br>%{{x}}: %{{y:{HOVER_DIGITS}}}<extra></extra>",
        ), row=1, col=column)
        figure.update_yaxes(range=list(value_range(name, np.asarray(gates[name]))), row=1, col=column)
    figure.frames = [go.Frame(name=frame, data=heights(step), traces=list(range(len(names))))
                     for step, frame in enumerate(frame_names)]
    figure.update_layout(height=height, margin={"l": 10, "r": 10, "t": 50, "b": 90}, bargap=0.15)
    figure.update_xaxes(showticklabels=False)
    add_time_player(figure, list(frame_names), player.play, player.pause, player.step_prefix)
    return _start_at(figure, step, step_labels)


def gate_colorscale(name: str) -> list[list]:
    """White → the gate's color, for values in (0, 1); tanh-range gates use the shared diverging scale."""
    return [[0.0, "#FFFFFF"], [1.0, GATE_COLORS[name]]]


def gate_heatmaps_figure(
    gates: Mapping[str, np.ndarray],
    titles: Mapping[str, str],
    tokens: Sequence[str],
    unit_label: str,
    height_per_gate: int = 120,
) -> go.Figure:
    """Time × unit heatmaps, one row per gate: every step of a sequence at a glance (not animated).

    ``gates`` maps a ``GATE_COLORS`` name to (seq_len, hidden_size); columns are time steps labelled by ``tokens``.
    Sigmoid gates go from white (closed, 0) to the gate's color (open, 1); other values use the diverging scale.
    """
    names = list(gates)
    figure = make_subplots(rows=len(names), cols=1, shared_xaxes=True, vertical_spacing=0.06,
                           subplot_titles=[titles[name] for name in names])
    columns = [f"{step + 1}·{token}" for step, token in enumerate(tokens)]
    for row, name in enumerate(names, start=1):
        values = np.asarray(gates[name], dtype=float).T  # (hidden, seq_len)
        low, high = value_range(name, values)
        sigmoid = low == 0.0
        figure.add_trace(go.Heatmap(
            z=values, x=columns, y=[f"{unit_label} {unit + 1}" for unit in range(values.shape[0])],
            zmin=low, zmax=high, colorscale=gate_colorscale(name) if sigmoid else DIVERGING, showscale=False,
            hovertemplate=f"{titles[name]}<br>%{{x}}, %{{y}}: %{{z:{HOVER_DIGITS}}}<extra></extra>",
        ), row=row, col=1)
    figure.update_layout(height=60 + height_per_gate * len(names), margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return figure
