"""Figures written directly as Plotly's JSON, for views redrawn every second.

Building a ``plotly.graph_objects.Figure`` validates every property as it is set: a chart of the live lab took 8–10
ms to build that way, and its panel redraws a dozen of them every second for every student watching a run
(py-spy, two lab runs on one server: half of each poll's time, while every other student's page waited behind it).
A :class:`PlainFigure` holds the figure as the dict Plotly's JSON is made of; drawing it costs the JSON encoding only.

The price is that nothing checks the dict while it is built: the tests do, by building a validated
``go.Figure(figure.to_dict())`` from every builder's output (:meth:`PlainFigure.validated`).

The dicts use the same defaults a ``go.Figure`` would carry (Plotly's default template), so a chart looks the same
whichever way it was built.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

import plotly.colors
import plotly.graph_objects as go


@lru_cache(maxsize=1)
def _template() -> dict:
    """Plotly's default template as a dict (what ``go.Figure().to_dict()["layout"]["template"]`` holds), built once
    and shared by every plain figure: nothing may change it."""
    return go.Figure().to_dict()["layout"].get("template", {})


class PlainFigure(go.Figure):
    """A figure that is only its JSON dict: ``{"data": [trace dicts], "layout": layout dict}``.

    A ``go.Figure`` subclass so ``st.plotly_chart`` takes it as an already built figure (it then reads ``to_dict()``
    and validates nothing more); read :meth:`to_dict`. Nothing may change the dict once drawn.

    Its ``go.Figure`` part is never built (``go.Figure.__init__`` is not called): even an empty figure validates a
    layout and its template, 0.2-0.3 ms, and a step lesson's rerun built nine to twelve of them only to be read
    through ``to_dict()``. So ``figure.layout``, ``figure.data`` and ``update_layout`` are not there: change the
    dict before drawing, or build a validated copy with :meth:`validated`.
    """

    def __init__(self, data: list[dict], layout: dict, frames: list[dict] | None = None):
        # no super().__init__(): see the class docstring
        self._plain = {"data": data, "layout": {"template": _template(), **layout}}
        if frames is not None:  # animation frames: {"name", "data": [what changes per trace], "traces", "layout"}
            self._plain["frames"] = frames

    def to_dict(self) -> dict:
        return self._plain

    def to_plotly_json(self) -> dict:
        return self._plain

    def validated(self) -> go.Figure:
        """The same figure built and validated by Plotly (for tests; raises on an invalid property)."""
        return go.Figure(self._plain)


def title(text: str) -> dict:
    """A title as Plotly's JSON writes it (``title="x"`` in ``update_layout`` means this)."""
    return {"text": text}


def axis(title_text: str | None = None, **settings: Any) -> dict:
    """An axis: its title and any other settings (``type="log"``, ``range=[0, 1]``)."""
    return ({"title": {"text": title_text}} if title_text is not None else {}) | settings


def horizontal_line(y: float, label: str, color: str = "#555555") -> tuple[dict, dict]:
    """A dashed line across the plot at ``y`` with its label above its left end, as ``fig.add_hline(y,
    line={"dash": "dash", "color": color}, annotation_text=label, annotation_position="top left")`` writes it:
    (the shape, the annotation)."""
    shape = {"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": y, "y1": y,
             "line": {"dash": "dash", "color": color}}
    annotation = {"text": label, "showarrow": False, "xref": "x domain", "x": 0, "xanchor": "left",
                  "yref": "y", "y": y, "yanchor": "bottom"}
    return shape, annotation


@lru_cache(maxsize=None)
def _colorscale(name: str) -> tuple[tuple[float, str], ...]:
    colors = [color for _, color in plotly.colors.get_colorscale(name)]
    last = len(colors) - 1  # evenly spaced, computed as plotly's validator does (0.3, not 0.30000000000000004)
    return tuple(((1.0 * index) / (1.0 * last), color) for index, color in enumerate(colors))


def colorscale(name: str) -> list[list]:
    """A named colorscale as the list of [position, color] pairs a ``go.Figure`` expands it to.

    plotly.js knows only a few names, and not plotly.py's reversed ones ("RdBu_r"): a name it does not know falls
    back to its default scale in the browser, so a plain figure must carry the list."""
    return [list(pair) for pair in _colorscale(name)]


@dataclass(frozen=True)
class Subplots:
    """A grid of x/y subplots as ``plotly.subplots.make_subplots`` lays it out (its defaults: first row on top).

    ``layout`` holds the axes (``xaxis``, ``yaxis2``, …: domain and anchor) and the subplot titles as annotations,
    a fresh dict per grid for the builder to extend; ``refs[(row, col)]`` (1-based) is the ``(xaxis, yaxis)`` a
    trace in that cell names, ``axes[(row, col)]`` the layout keys of its axes.
    """

    layout: dict
    refs: dict[tuple[int, int], tuple[str, str]]
    axes: dict[tuple[int, int], tuple[str, str]]

    def trace(self, trace: dict, row: int, col: int) -> dict:
        """``trace`` placed in cell (row, col), as ``add_trace(trace, row=row, col=col)`` places it."""
        x, y = self.refs[(row, col)]
        return {**trace, "xaxis": x, "yaxis": y}

    def xaxis(self, row: int, col: int) -> dict:
        return self.layout[self.axes[(row, col)][0]]

    def yaxis(self, row: int, col: int) -> dict:
        return self.layout[self.axes[(row, col)][1]]


def subplots(rows: int, cols: int, titles: Sequence[str] | None = None, *,
             colspans: Sequence[Sequence[int | None]] | None = None, row_heights: Sequence[float] | None = None,
             column_widths: Sequence[float] | None = None, horizontal_spacing: float | None = None, vertical_spacing: float | None = None,
             shared_xaxes: bool = False) -> Subplots:
    """The layout ``make_subplots(rows, cols, subplot_titles=titles, ...)`` writes, without building a figure.

    ``colspans[r][c]`` is the column span of the cell starting at (r, c), ``None`` for a cell another one spans
    (``specs=[[{"colspan": 3}, None, None], ...]``); default: every cell its own subplot. The arithmetic follows
    plotly's own step by step, so the domains are the same floats (tests compare against ``make_subplots``).
    """
    colspans = colspans or [[1] * cols for _ in range(rows)]
    horizontal = 0.2 / cols if horizontal_spacing is None else horizontal_spacing
    # plotly leaves more room between rows when they have titles (even empty ones)
    vertical = (0.5 if titles is not None else 0.3) / rows if vertical_spacing is None else vertical_spacing
    if column_widths is None:
        widths = [(1.0 - horizontal * (cols - 1)) / cols] * cols
    else:
        total_width = float(sum(column_widths))
        widths = [(1.0 - horizontal * (cols - 1)) * (width / total_width) for width in column_widths]
    if row_heights is None:
        heights = [(1.0 - vertical * (rows - 1)) / rows] * rows
    else:
        total = float(sum(row_heights))
        heights = [(1.0 - vertical * (rows - 1)) * (height / total) for height in row_heights][::-1]
    # grid[r][c]: the lower left corner of cell (r, c); plotly builds it bottom row first, then reads row r of it
    grid = [[(sum(widths[:c]) + c * horizontal, sum(heights[:r]) + r * vertical) for c in range(cols)]
            for r in range(rows)[::-1]]
    layout: dict = {}
    refs, axes, domains = {}, {}, []
    for r in range(rows):
        for c in range(cols):
            span = colspans[r][c]
            if span is None:
                continue
            x_domain = [max(0.0, grid[r][c][0] + 0.0), min(1.0, grid[r][c + span - 1][0] + widths[c + span - 1] - 0.0)]
            y_domain = [max(0.0, _clip(grid[r][c][1] + 0.0)), min(1.0, _clip(grid[r][c][1] + heights[-1 - r] - 0.0))]
            count = len(refs) + 1
            suffix = str(count) if count > 1 else ""
            layout[f"xaxis{suffix}"] = {"domain": x_domain, "anchor": f"y{suffix}"}
            layout[f"yaxis{suffix}"] = {"domain": y_domain, "anchor": f"x{suffix}"}
            refs[(r + 1, c + 1)] = (f"x{suffix}", f"y{suffix}")
            axes[(r + 1, c + 1)] = (f"xaxis{suffix}", f"yaxis{suffix}")
            domains.append((x_domain, y_domain, span))
    if shared_xaxes:  # every column's axes match its bottom one, whose tick labels alone show
        for c in range(1, cols + 1):
            column = [(row, c) for row in range(rows, 0, -1) if (row, c) in axes and colspans[row - 1][c - 1] == 1]
            for cell in column[1:]:
                axis = layout[axes[cell][0]]
                axis["matches"], axis["showticklabels"] = refs[column[0]][0], False
    layout["annotations"] = [
        {"y": y_domain[1], "xref": "paper", "x": sum(x_domain) / 2.0, "yref": "paper", "text": text, "showarrow": False,
         "font": {"size": 16}, "xanchor": "center", "yanchor": "bottom"}
        for text, (x_domain, y_domain, _) in zip(titles or (), domains) if text
    ]
    return Subplots(layout, refs, axes)


def _clip(edge: float) -> float:
    """make_subplots' rounding of an edge a float error put just outside [0, 1]."""
    return 0.0 if -0.01 < edge < 0.0 else 1.0 if 1.0 < edge < 1.01 else edge
