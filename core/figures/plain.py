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

from functools import lru_cache
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio


@lru_cache(maxsize=1)
def _template() -> dict:
    """Plotly's default template as a dict (what ``go.Figure().to_dict()["layout"]["template"]`` holds), built once
    and shared by every plain figure: nothing may change it."""
    return go.Figure().to_dict()["layout"].get("template", {})


class PlainFigure(go.Figure):
    """A figure that is only its JSON dict: ``{"data": [trace dicts], "layout": layout dict}``.

    A ``go.Figure`` subclass so ``st.plotly_chart`` takes it as an already built figure (it then reads ``to_dict()``
    and validates nothing more); its own traces and layout are empty, read :meth:`to_dict`. Nothing may change the
    dict once drawn.
    """

    def __init__(self, data: list[dict], layout: dict):
        super().__init__(layout={"template": {}})  # this object's own layout is never drawn: skip copying the template
        self._plain = {"data": data, "layout": {"template": _template(), **layout}}

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
