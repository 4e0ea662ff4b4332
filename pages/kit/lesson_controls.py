"""The controls every sentence-driven lesson shares: preset picker, sentence box, seed, and the step slider.

The sentence box, seed and step are bound to the URL (``<page>.text``, ``<page>.seed``, ``<page>.step``), so a link
reopens the same view; the preset picker only copies an example into the box.
"""

from __future__ import annotations

import streamlit as st

from pages.kit.i18n import Texts, texts


def keep_within(key: str, low: int, high: int) -> None:
    """Pull a slider's remembered value back inside its range: a shorter input shrinks the range, and a value left
    outside it (from the session or from a shared URL) would stop the page with an error."""
    value = st.session_state.get(key)
    if isinstance(value, (int, float)) and not low <= value <= high:
        st.session_state[key] = min(max(value, low), high)


def _copy_preset(page: str) -> None:
    chosen = st.session_state.get(f"{page}.preset")
    if chosen:
        st.session_state[f"{page}.text"] = chosen


def sentence_controls(page: str, t: Texts, default_sentence: str, max_chars: int = 300) -> tuple[str, int]:
    """Preset picker, sentence box and seed in one row; returns (sentence, seed).

    ``t`` must hold ``presets``, ``preset_placeholder``, ``sentence_help`` and ``seed_help``.
    """
    common = texts("common")
    left, middle, right = st.columns([2, 3, 1])
    with left:
        st.selectbox(common["preset"], t["presets"], index=None, placeholder=t["preset_placeholder"],
                     key=f"{page}.preset", on_change=_copy_preset, args=(page,))
    with middle:
        sentence = st.text_input(common["sentence"], value=default_sentence, max_chars=max_chars,
                                 help=t["sentence_help"], key=f"{page}.text", bind="query-params")
    with right:
        seed = int(st.number_input(common["seed"], min_value=0, max_value=99_999, value=0, step=1,
                                   help=t["seed_help"], key=f"{page}.seed", bind="query-params"))
    return sentence or "", seed


def step_slider(page: str, t: Texts, seq_len: int) -> int:
    """The time step whose formulas are written out (1-based); a one-step input needs no slider."""
    if seq_len <= 1:
        st.caption(t["step_only_one"])
        return 1
    keep_within(f"{page}.step", 1, seq_len)
    return st.slider(t["step_slider"], min_value=1, max_value=seq_len, value=min(2, seq_len), help=t["step_help"],
                     key=f"{page}.step", bind="query-params")
