"""The shareable part of a page: which widget values make its view, read from and written into the session.

A page declares a widget as part of its view by passing its key through :func:`shared` (the same widgets it binds to
the URL): ``st.slider(..., key=shared("rnn_step.step"), bind="query-params")``. Keys carry their page's name before
the first dot (house rule), so the registry knows which page each belongs to. The registry is process-wide: keys are
constants of the code, the same for every session.

The lecturer's session reads its current :class:`~core.lecture.views.View` with :func:`current_view`; a follower's
session writes a view into its own widget state with :func:`apply_view` before its pages draw, so the widgets come up
with the lecturer's values (a programmatic session-state value wins over the URL and the default).
"""

from __future__ import annotations

import threading

import streamlit as st

from core.lecture import InvalidView, View, make_view

_lock = threading.Lock()
_SHARED: dict[str, set[str]] = {}


def shared(key: str) -> str:
    """Declare the widget key ``key`` (``"<page>.<name>"``) part of its page's view; returns the key unchanged."""
    page = key.split(".", 1)[0]
    if key not in _SHARED.get(page, ()):
        with _lock:
            _SHARED.setdefault(page, set()).add(key)
    return key


def shared_keys(page: str) -> frozenset[str]:
    """The keys declared for ``page`` so far (a page declares its keys the first time it draws them)."""
    with _lock:
        return frozenset(_SHARED.get(page, ()))


def _plain(value: object) -> object:
    """Session values as views hold them: lists become tuples (range sliders); anything else as it is."""
    return tuple(value) if isinstance(value, list) else value


def current_view(page: str) -> View:
    """The session's view of ``page``: its declared widgets' current values (unset or invalid ones left out)."""
    values = {}
    for key in shared_keys(page):
        value = _plain(st.session_state.get(key))
        if value is None:
            continue
        try:
            make_view(page, {key: value})
        except InvalidView:  # a value a view cannot carry (a date, a huge text): the follower keeps its own
            continue
        values[key] = value
    return make_view(page, values)


def _same_kind(old: object, new: object) -> bool:
    """Whether ``new`` can replace ``old`` in a widget: the same kind of value (ints and floats mix)."""
    if old is None:
        return True
    if isinstance(old, bool) or isinstance(new, bool):
        return isinstance(old, bool) and isinstance(new, bool)
    if isinstance(old, (int, float)):
        return isinstance(new, (int, float))
    if isinstance(old, (tuple, list)):
        return isinstance(new, tuple) and len(new) == len(old)
    return type(old) is type(new)


def apply_view(view: View) -> None:
    """Write ``view``'s values into this session's widget state (before the page draws).

    Only keys this server's pages declared for that page are written, and only with a value of the kind the widget
    already holds: a view from another session or a deck file can set nothing else in this session.
    """
    allowed = shared_keys(view.page)
    for key, value in view.params:
        if key not in allowed:
            continue
        old = st.session_state.get(key)
        if _same_kind(old, value):
            # a multiselect holds a list, a range slider a tuple: keep the container the widget already uses
            st.session_state[key] = list(value) if isinstance(old, list) else value
