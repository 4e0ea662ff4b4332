"""A value in the URL that a bound widget cannot take is dropped before the widget reads it.

Why: Streamlit's ``bind="query-params"`` seeds a widget from the URL on the session's first view, and two spellings
break the page instead of falling back to the default (Streamlit 1.67, found by opening every lesson with odd
values): ``?<page>.seed=inf`` (or ``1e309``, ``-inf``) in a whole-number ``st.number_input`` raises OverflowError
in Streamlit's own parsing, and ``?gradients.activation=`` (empty) gives a ``required=True`` segmented control the
value ``None``. Both come from a link anyone can send a class. The seeding reads the run's query string, so removing
the parameter has to happen before the run that draws the widget: :func:`drop_unusable` removes it and starts the
run again (once; the next run finds a clean URL and the widget its default).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import streamlit as st
from streamlit.errors import StreamlitAPIException


def finite_number(raw: str) -> bool:
    """Whether ``raw`` reads as a finite number ("12", "-3.5"; not "inf", "nan", "1e309" or a word)."""
    try:
        return math.isfinite(float(raw))
    except ValueError:
        return False


def not_empty(raw: str) -> bool:
    """Whether ``raw`` names something (an option widget that must hold a value reads "" as none)."""
    return bool(raw.strip())


def drop_unusable(key: str, usable: Callable[[str], bool]) -> None:
    """Before the widget bound to ``?key=`` is drawn: if the URL holds a value ``usable`` refuses, remove it and
    re-run, so the widget starts at its default. A parameter already bound in this session (the widget has been
    drawn before, and has its own value) is left to Streamlit."""
    raw = st.query_params.get(key)
    if raw is None or usable(raw):
        return
    try:
        del st.query_params[key]
    except StreamlitAPIException:  # bound by an earlier run: Streamlit refuses, and will not seed from it again
        return
    st.rerun()
