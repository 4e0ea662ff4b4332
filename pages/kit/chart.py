"""One way to put a Plotly figure on a page: the same toolbar settings on every chart, and cached figures frozen.

Why frozen: ``st.plotly_chart`` turns a figure into the dict it sends with ``Figure.to_dict()`` on every run, a deep
copy that also re-encodes every numpy array (py-spy, a class stepping ``/rnn_step``: about half the server's time in a
step re-run went there, for figures that had not changed). A figure a page caches is built once and never changed
afterwards, so :func:`frozen` takes that dict once and hands it back on every later draw.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

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
    """``figure`` frozen for drawing many times (return this from an ``st.cache_resource`` figure builder)."""
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
    """``st.cache_resource`` for a page's figure builder, its figures frozen: a view drawn again (a step back, another
    student on the same sentence) costs neither the build nor the copy. ``max_entries`` bounds the memory a class
    typing sentences can take."""

    def decorate(build: Callable) -> Callable:
        @functools.wraps(build)  # the cache keys on the builder's own name, source and arguments
        def build_frozen(*args, **kwargs):
            return _frozen_all(build(*args, **kwargs))

        return st.cache_resource(max_entries=max_entries, show_spinner=False)(build_frozen)

    return decorate


def chart(figure, key: str, container=None) -> None:
    """Draw ``figure`` under the stable widget ``key`` (so reruns keep its zoom), in ``container`` if given."""
    (container or st).plotly_chart(figure, key=key, config=CHART_CONFIG)
