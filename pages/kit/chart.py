"""One way to put a Plotly figure on a page: the same toolbar settings on every chart, and cached figures frozen.

Why frozen: ``st.plotly_chart`` turns a figure into the dict it sends with ``Figure.to_dict()`` on every run, a deep
copy that also re-encodes every numpy array (py-spy, a class stepping ``/rnn_step``: about half the server's time in a
step re-run went there, for figures that had not changed). A figure a page caches is built once and never changed
afterwards, so :func:`frozen` takes that dict once, keeps it pickled, and hands a decoded copy to every later draw.

On narrow screens a figure that says it needs more width than a phone has goes into a sideways-scrolling frame.
"""

from __future__ import annotations

import functools
import pickle
from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from core.figures.plain import PlainFigure
from core.idle_cache import idle_cache
from pages.kit.layout import scroll_width

# The Plotly logo in the toolbar links to an outside site and adds nothing for a learner.
CHART_CONFIG = {"displaylogo": False}


class FrozenFigure(go.Figure):
    """A built figure reduced to what is drawn: ``to_dict()`` decodes it from one stored blob, a fresh dict each time.

    Only for figures that are finished (cached results shared between sessions): the built figure itself is not kept,
    and this object's own ``go.Figure`` part is never built (no ``layout``, ``data``); read ``to_dict()``. What a
    cache holds is the dict (its arrays packed as Plotly's typed arrays) pickled into one ``bytes``, not the dict
    itself. Why: a figure's dict is about 2,000 small
    Python objects, and Python's allocator gives memory back to the system only by whole 1 MiB arenas; a class's
    cached figures spread over hundreds of arenas, and the few long-lived objects allocated among them kept those
    arenas (and the RSS) after every figure was dropped. One ``bytes`` goes to the C allocator, which returns it when
    dropped (bench/bench_load.py, experimenting mix, 30 students, RSS 60 s after close: +20 % → +11 % of warm).
    Decoding costs about 0.05 ms a figure, where ``Figure.to_dict()`` cost 1.5–3 ms; and no draw can change the
    cached figure.
    """

    def __init__(self, figure: go.Figure):
        # No go.Figure.__init__: this object's own figure part is never drawn, and building even an empty one validates
        # a layout and its template (see core.figures.plain.PlainFigure).
        drawn = figure.to_dict()
        self._meta = drawn.get("layout", {}).get("meta")
        self._blob = pickle.dumps(drawn, protocol=pickle.HIGHEST_PROTOCOL)

    def to_dict(self) -> dict:
        return pickle.loads(self._blob)

    @property
    def layout_meta(self):
        """``layout.meta`` as built (read without decoding the whole figure)."""
        return self._meta


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
    if isinstance(figure, FrozenFigure):
        meta = figure.layout_meta
    elif isinstance(figure, PlainFigure):
        meta = figure.to_dict()["layout"].get("meta")
    else:
        meta = figure.layout.meta
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
