"""One way to put a Plotly figure on a page: the same toolbar settings on every chart."""

from __future__ import annotations

import streamlit as st

# The Plotly logo in the toolbar links to an outside site and adds nothing for a learner.
CHART_CONFIG = {"displaylogo": False}


def chart(figure, key: str, container=None) -> None:
    """Draw ``figure`` under the stable widget ``key`` (so reruns keep its zoom), in ``container`` if given."""
    (container or st).plotly_chart(figure, key=key, config=CHART_CONFIG)
