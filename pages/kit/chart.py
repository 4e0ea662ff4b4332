"""One way to put a Plotly figure on a page: the same toolbar settings on every chart, and a sideways-scrolling
frame on narrow screens for a figure that says it needs more width than a phone has."""

from __future__ import annotations

import streamlit as st

from pages.kit.layout import scroll_width

# The Plotly logo in the toolbar links to an outside site and adds nothing for a learner.
CHART_CONFIG = {"displaylogo": False}


def minimum_width(figure) -> int:
    """The width (px) below which ``figure``'s labels would run into each other: its builder writes it into
    ``layout.meta["min_width"]`` (core/figures), 0 when it reads at any width."""
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
