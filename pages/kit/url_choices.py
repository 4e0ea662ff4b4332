"""Option widgets whose URL carries a code, never a translated label, so a shared link works in either language.

Streamlit's ``bind="query-params"`` writes an option widget's *visible label* into the URL (``?lab.task=加法问题``):
a link made in Chinese then means nothing to an English session, and the other way round. These widgets are left
unbound instead; the page seeds them from the URL on a session's first view and writes the option's code back after
each run (``?lab.task=recall``), as the shell does for ``?lang=``. Labels of any language are still understood on the
way in, so links shared before this change keep working. Being unbound, their parameters may also be deleted
(Reset), which Streamlit refuses for bound ones.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, Sequence

import streamlit as st

from pages.kit.i18n import LANGUAGES, Texts, texts


def _code(raw: str, options: Sequence[str], aliases: Mapping[str, str]) -> str | None:
    """The option ``raw`` names: a code as it is, else a label of any language (stripped, case-folded)."""
    if raw in options:
        return raw
    return aliases.get(raw.strip().casefold())


def label_aliases(labels: Iterable[Mapping[str, str]]) -> dict[str, str]:
    """``label -> code`` from several ``code -> label`` tables (one per language), keys case-folded."""
    return {label.strip().casefold(): code for table in labels for code, label in table.items()}


def seed_choice(key: str, options: Sequence[str], default: str, aliases: Mapping[str, str]) -> None:
    """Before the widget is drawn: on this session's first view, take its value from ``?key=`` when it names an
    option (anything else falls back to ``default`` and is dropped from the URL)."""
    if key in st.session_state:
        return
    code = _code(st.query_params.get(key, ""), options, aliases)
    st.session_state[key] = code or default


def seed_choices(key: str, options: Sequence[str], default: Sequence[str], aliases: Mapping[str, str]) -> None:
    """:func:`seed_choice` for a multi-select: ``?key=a&key=b``, unknown names skipped, order of ``options``."""
    if key in st.session_state:
        return
    if key not in st.query_params:
        st.session_state[key] = list(default)
        return
    chosen = {_code(raw, options, aliases) for raw in st.query_params.get_all(key)}
    st.session_state[key] = [option for option in options if option in chosen]


def publish(key: str, value: str | Sequence[str], default: str | Sequence[str]) -> None:
    """After the widget: its code(s) in the URL, or nothing when it shows the default (a clean link).

    The URL is written only when it must change: each write makes the browser rewrite its address, and one sent in
    the first run after a page change can keep the previous page's path in the address bar.
    """
    if value == default or (not isinstance(value, str) and list(value) == list(default)):
        if key in st.query_params:
            del st.query_params[key]
        return
    wanted = [value] if isinstance(value, str) else (list(value) or [""])  # "": none chosen
    if st.query_params.get_all(key) != wanted:
        st.query_params[key] = wanted[0] if isinstance(value, str) else wanted


def seed_option(key: str, options: Sequence[Any], default: Any, aliases: Mapping[str, Any] | None = None,
                code: Callable[[Any], str] = str) -> None:
    """:func:`seed_choice` for options that are not codes themselves (word positions, step numbers), whose list may
    change between runs (the sentence was edited).

    On the first view the value comes from ``?key=`` read as ``code(option)`` (``"3"`` for the third word) or as an
    old label (``aliases``: ``"3 · fox"``); later, a value that left the options goes back to ``default`` instead of
    whatever Streamlit would pick.
    """
    if key in st.session_state:
        if st.session_state[key] not in options:
            st.session_state[key] = default
        return
    raw = st.query_params.get(key, "").strip()
    by_code = {code(option): option for option in options}
    chosen = by_code.get(raw, (aliases or {}).get(raw.casefold()))
    st.session_state[key] = chosen if chosen in options else default


def publish_option(key: str, value: Any, default: Any, code: Callable[[Any], str] = str) -> None:
    """:func:`publish` for :func:`seed_option`'s widgets: ``code(value)`` in the URL, nothing at the default."""
    publish(key, code(value), code(default))


def translated_aliases(page: str, labels: Callable[[Texts], Mapping[Any, str]]) -> dict[str, Any]:
    """``label -> option`` for one page's option labels in every language (``labels`` reads them from its texts), so
    that links written before the URL carried codes still open."""
    return {label.strip().casefold(): option for lang in LANGUAGES
            for option, label in labels(texts(page, lang)).items()}


def word_number(position: int) -> str:
    """A word's position (0-based) as a link names it: its number in the sentence, from 1."""
    return str(position + 1)


def coded_option(draw: Callable[..., Any], key: str, options: Sequence[Any], default: Any,
                 aliases: Mapping[str, Any] | None = None, code: Callable[[Any], str] = str, **widget: Any) -> Any:
    """Draw one unbound option widget (``st.selectbox``, ``st.segmented_control`` … or a column's) whose URL
    parameter carries ``code(option)``: seeded from the URL before it is drawn, published after. The value it shows
    (never None: a cleared single-choice widget reads as ``default``)."""
    seed_option(key, options, default, aliases, code)
    value = draw(options=list(options), key=key, **widget)
    value = default if value is None else value
    publish_option(key, value, default, code)
    return value


def forget(keys: Iterable[str]) -> None:
    """Drop these parameters from the URL (Reset); they are unbound, so Streamlit allows it."""
    for key in keys:
        if key in st.query_params:
            del st.query_params[key]
