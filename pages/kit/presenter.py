"""The presenter layout: type large enough for the back of a hall, for the lecturer's room and ``?present=1``.

Streamlit sizes its text in rem, so raising the root font size scales every heading, paragraph, formula and widget
label at once (1.3×: a 16 px body becomes 20.8 px, readable from ~10 m on a 1280×720 projector). A theme's
``baseFontSize`` would do it for every visitor of the server; this applies to one session only. The stylesheet is a
constant of this file: no user text ever goes through ``st.html``.
"""

from __future__ import annotations

import streamlit as st

SCALE = 1.3
STYLESHEET = f"""<style>
html {{ font-size: {SCALE * 100:.0f}%; }}
.main .block-container, [data-testid="stMainBlockContainer"] {{ padding-top: 1.5rem; }}
</style>"""


def presenter_style() -> None:
    """Enlarge this session's type (the sidebar is collapsed by the page config)."""
    st.html(STYLESHEET)
