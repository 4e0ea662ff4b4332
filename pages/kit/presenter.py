"""The presenter layout: type large enough for the back of a hall, for the lecturer's room and ``?present=1``.

Streamlit sizes its text in rem, so raising the root font size scales every heading, paragraph, formula and widget
label at once (1.3×: a 16 px body becomes 20.8 px, readable from ~10 m on a 1280×720 projector). A theme's
``baseFontSize`` would do it for every visitor of the server; this applies to one session only. The stylesheet is a
constant of this file: no user text ever goes through ``st.html``.

The step lessons also rearrange for a projector (:func:`key_area`, :func:`key_view`): title, then the key figure
beside the step's formula with its numbers and the step controls, so figure and formula fit 1280×720 without
scrolling; the explanations and the input controls fold into expanders below them, everything else follows.
"""

from __future__ import annotations

from contextlib import nullcontext

import streamlit as st

from pages.kit.i18n import texts

SCALE = 1.3
PRESENTING_KEY = "presenter.layout"
FORMULAS_KEY = "step-formulas"  # the container of the step's formula with numbers (the browser test finds it)
# The key figure's height on a projector (px; 640 elsewhere): with the title above it, it ends within 720 px.
FIGURE_HEIGHT = 560
STYLESHEET = f"""<style>
html {{ font-size: {SCALE * 100:.0f}%; }}
.main .block-container, [data-testid="stMainBlockContainer"] {{ padding-top: 3.75rem; }}
[data-testid="stMainBlockContainer"] {{ padding-left: 2rem; padding-right: 2rem; max-width: 100%; }}
[data-testid="stMainBlockContainer"] h1 {{ font-size: 2rem; padding-top: 0; padding-bottom: 0; }}
.st-key-{FORMULAS_KEY} .katex-display > .katex, .st-key-{FORMULAS_KEY} .katex-display > .katex > .katex-html
  {{ white-space: normal; }}
.st-key-{FORMULAS_KEY} .katex-display {{ margin: 0.3em 0; }}
</style>"""


def presenter_style() -> None:
    """Enlarge this session's type (the sidebar is collapsed by the page config)."""
    st.html(STYLESHEET)


def set_presenting(flag: bool) -> None:
    """Remember for this run whether the presenter layout is on (the shell decides, the pages read it)."""
    st.session_state[PRESENTING_KEY] = flag


def presenting() -> bool:
    """Whether this session shows the presenter layout (``?present=1`` or the lecturer in a room)."""
    return bool(st.session_state.get(PRESENTING_KEY, False))


def folded(label_key: str):
    """On a projector an expander (closed) titled ``common.<label_key>``; elsewhere nothing: the content shows in
    place. Use as ``with folded("presenter_input"): …``."""
    return st.expander(texts("common")[label_key], expanded=False) if presenting() else nullcontext()


def key_area():
    """On a projector, an empty container right under the title for the key view (filled later in the script, after
    the input controls have run: they show below it, folded); None elsewhere."""
    return st.container() if presenting() else None


def key_view(figure_share: float = 0.6):
    """On a projector, where the key figure, the step's formula and the step controls go: figure and formula side by
    side (``figure_share`` of the width for the figure), the step controls under the formula. Returns
    (figure_column, formula_container, controls_container), or (None, None, None) elsewhere: the page then draws
    them in its usual order, the formulas in :func:`formula_area`."""
    if not presenting():
        return None, None, None
    figure_column, formula_column = st.columns([figure_share, 1 - figure_share], gap="medium")
    return figure_column, formula_column.container(key=FORMULAS_KEY), formula_column.container()


def formula_area(prepared=None):
    """The container of the step's formula with numbers: the projector's column if ``key_view`` made one, else a
    new one here. Keyed ``FORMULAS_KEY``, so its formulas may wrap inside a narrow column."""
    return prepared if prepared is not None else st.container(key=FORMULAS_KEY)


def inside(area):
    """``with inside(area):`` draws into ``area``, or in place when it is None."""
    return area if area is not None else nullcontext()
