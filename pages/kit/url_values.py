"""A value in the URL that a bound widget cannot take is dropped before the widget reads it.

Why: Streamlit's ``bind="query-params"`` seeds a widget from the URL on the session's first view, and two spellings
break the page instead of falling back to the default (Streamlit 1.67, found by opening every lesson with odd
values): ``?<page>.seed=inf`` (or ``1e309``, ``-inf``) in a whole-number ``st.number_input`` raises OverflowError
in Streamlit's own parsing, and ``?gradients.activation=`` (empty) gives a ``required=True`` segmented control the
value ``None``. Both come from a link anyone can send a class. The seeding reads the run's query string, so removing
the parameter has to happen before the run that draws the widget: :func:`drop_unusable` removes it and starts the
run again (once; the next run finds a clean URL and the widget its default). :func:`whole_number_input` is the
URL-bound whole-number input every page uses, with that check built in.
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


def whole_number_input(label: str, key: str, low: int, high: int, default: int, help: str | None = None,
                       container=None) -> int:
    """A whole-number input from ``low`` to ``high`` bound to ``?key=`` (declare ``key`` with ``shared`` first when
    it is part of the page's view), drawn in ``container`` if given; a value in the URL that is not a finite number
    is dropped first (:func:`drop_unusable`)."""
    drop_unusable(key, finite_number)
    return int((container or st).number_input(label, min_value=low, max_value=high, value=default, step=1, help=help,
                                               key=key, bind="query-params"))
