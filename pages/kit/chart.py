"""One way to put a Plotly figure on a page: the same toolbar settings on every chart, and cached figures frozen.

Why frozen: ``st.plotly_chart`` turns a figure into the dict it sends with ``Figure.to_dict()`` on every run, a deep
copy that also re-encodes every numpy array (py-spy, a class stepping ``/rnn_step``: about half the server's time in a
step re-run went there, for figures that had not changed). A figure a page caches is built once and never changed
afterwards, so :func:`frozen` takes that dict once and hands it back on every later draw.

On narrow screens a figure that says it needs more width than a phone has goes into a sideways-scrolling frame.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from core.idle_cache import idle_cache
from pages.kit.layout import scroll_width

# The Plotly logo in the toolbar links to an outside site and adds nothing for a learner.
CHART_CONFIG = {"displaylogo": False}


class FrozenFigure(go.Figure):
    """A built figure reduced to what is drawn: ``to_dict()`` returns the same dict every time, without copying.

    Only for figures that are finished (cached results shared between sessions): the built figure itself is not kept
    (the dict, its arrays packed as Plotly's typed arrays, is what a cache holds, a fraction of the figure objects'
    memory), so this object's own traces are empty; read ``to_dict()``. Nothing may change the dict.
    """

    def __init__(self, figure: go.Figure):
        super().__init__()
        self._drawn = figure.to_dict()

    def to_dict(self) -> dict:
        return self._drawn


def frozen(figure: go.Figure) -> FrozenFigure:
    """``figure`` frozen for drawing many times (return this from a cached figure builder)."""
    return figure if isinstance(figure, FrozenFigure) else FrozenFigure(figure)


def _frozen_all(result):
    """Every figure in a builder's result frozen: one figure, a tuple of them, or a dict of them (None kept)."""
    if isinstance(result, go.Figure):
        return frozen(result)
    if isinstance(result, tuple):
        return tuple(_frozen_all(item) for item in result)
    if isinstance(result, dict):
        return {name: _frozen_all(item) for name, item in result.items()}
    return result


def cached_figures(max_entries: int) -> Callable:
    """A page's figure builder cached (:func:`core.idle_cache.idle_cache`, shared by every session), its figures
    frozen: a view drawn again (a step back, another student on the same sentence) costs neither the build nor the
    copy. ``max_entries`` bounds the memory a class typing sentences can take; a view nobody drew for a while is
    dropped, so the memory comes back after the class leaves."""

    def decorate(build: Callable) -> Callable:
        @functools.wraps(build)  # the same signature, so the cache keys on the builder's own arguments
        def build_frozen(*args, **kwargs):
            return _frozen_all(build(*args, **kwargs))

        return idle_cache(max_entries)(build_frozen)

    return decorate


def minimum_width(figure) -> int:
    """The width (px) below which ``figure``'s labels would run into each other: its builder writes it into
    ``layout.meta["min_width"]`` (core/figures), 0 when it reads at any width."""
    meta = (figure.to_dict().get("layout", {}).get("meta") if isinstance(figure, FrozenFigure)
            else figure.layout.meta)
    return int(meta.get("min_width", 0)) if isinstance(meta, dict) else 0


def chart(figure, key: str, container=None) -> None:
    """Draw ``figure`` under the stable widget ``key`` (so reruns keep its zoom), in ``container`` if given.

    A figure narrower screens cannot hold (see :func:`minimum_width`) goes into a container keyed
    ``scroll-<width>-…``: the constant stylesheet (pages/kit/layout.py) keeps it that wide and lets it scroll
    sideways on a phone; on a wider screen the frame changes nothing.
    """
    target = container or st
    width = scroll_width(minimum_width(figure))
    if width is not None:
        target = target.container(key=f"scroll-{width}-{key}")
    target.plotly_chart(figure, key=key, config=CHART_CONFIG)
