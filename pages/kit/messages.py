"""The standard notes of sentence-driven lessons, worded once in ``common.toml`` under ``[messages]``."""

from __future__ import annotations

from typing import Callable, NoReturn, TypeVar

import streamlit as st

from pages.kit.i18n import texts

Result = TypeVar("Result")


def empty_input(minimum: int = 1) -> NoReturn:
    """Say the input has too few words, and stop the page (nothing below it can be computed)."""
    messages = texts("common")["messages"]
    st.warning(messages["empty"] if minimum <= 1 else messages.format("too_short", count=minimum))
    st.stop()


def run_or_stop(compute: Callable[..., Result], *args) -> Result:
    """``compute(*args)``, or the empty-input message when core refuses the input (a ValueError: no tokens)."""
    try:
        return compute(*args)
    except ValueError:
        empty_input()


def truncated(count: int) -> None:
    """Say only the first ``count`` words are used."""
    st.info(texts("common")["messages"].format("truncated", count=count))


def untrained(note: str | None = None) -> None:
    """Say the weights are random, not trained; ``note`` adds what that means on this page."""
    text = texts("common")["messages"]["untrained"]
    st.caption(f"{text} {note}" if note else text)
