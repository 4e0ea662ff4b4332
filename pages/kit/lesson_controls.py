"""The controls every sentence-driven lesson shares: preset picker, sentence box, seed, and the step slider.

The sentence box, seed and step are bound to the URL (``<page>.text``, ``<page>.seed``, ``<page>.step``), so a link
reopens the same view; the preset picker only copies an example into the box. Each control takes an optional
``container`` (a column) to draw into.
"""

from __future__ import annotations

from collections.abc import Sequence

import time

import streamlit as st

from pages.kit.i18n import Texts, texts
from pages.kit.lecture import follow_step, publish_now
from pages.kit.shared_view import shared
from pages.kit.url_values import whole_number_input

MAX_SEED = 99_999


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


def preset_picker(page: str, presets: Sequence[str], placeholder: str, container=None) -> None:
    """A picker that copies an example sentence into the page's sentence box (``<page>.text``)."""
    (container or st).selectbox(texts("common")["preset"], presets, index=None, placeholder=placeholder,
                                key=f"{page}.preset", on_change=_copy_preset, args=(page,))


def sentence_box(page: str, default: str, help: str | None = None, max_chars: int = 300, container=None,
                 label: str | None = None, key: str | None = None) -> str:
    """The sentence box, bound to the URL as ``<page>.text`` (or ``key``); returns the text ("" when cleared)."""
    text = (container or st).text_input(label or texts("common")["sentence"], value=default, max_chars=max_chars,
                                        help=help, key=shared(key or f"{page}.text"), bind="query-params")
    return text or ""


def seed_input(page: str, help: str | None = None, container=None) -> int:
    """The random seed, bound to the URL as ``<page>.seed``."""
    return whole_number_input(texts("common")["seed"], shared(f"{page}.seed"), 0, MAX_SEED, 0, help, container)


def sentence_controls(page: str, t: Texts, default_sentence: str, max_chars: int = 300) -> tuple[str, int]:
    """Preset picker, sentence box and seed in one row; returns (sentence, seed).

    ``t`` must hold ``presets``, ``preset_placeholder``, ``sentence_help`` and ``seed_help``.
    """
    left, middle, right = st.columns([2, 3, 1])
    preset_picker(page, t["presets"], t["preset_placeholder"], left)
    sentence = sentence_box(page, default_sentence, t["sentence_help"], max_chars, middle)
    return sentence, seed_input(page, t["seed_help"], right)


def step_slider(page: str, t: Texts, seq_len: int, default: int | None = None) -> int:
    """The time step whose formulas are written out (1-based, ``<page>.step``); a one-step input needs no slider.

    ``t`` holds ``step_slider`` (and, where used, ``step_help`` and ``step_only_one``); ``default`` is step 2 unless
    given.
    """
    if seq_len <= 1:
        st.caption(t["step_only_one"])
        return 1
    key = shared(f"{page}.step")
    follow_step(key)  # a following student's step moves with the lecturer's in this fragment's own run
    keep_within(key, 1, seq_len)
    value = min(2, seq_len) if default is None else default
    step_keys(key, value, seq_len)
    step = st.slider(t["step_slider"], min_value=1, max_value=seq_len, value=value, help=t.get("step_help"),
                     key=key, bind="query-params")
    publish_now()  # a lecturer's step change reaches the class now, not on the live panel's next tick
    return step


def _shift_step(key: str, default: int, delta: int, last: int) -> None:
    current = st.session_state.get(key, default)
    st.session_state[key] = min(max(int(current) + delta, 1), last)


def step_keys(key: str, default: int, last: int) -> None:
    """Previous/next buttons for the time step ``key``, also on ←/→ and on Page Up/Page Down (what presenter remotes
    send) wherever the keyboard focus is; the shortcuts are shown on the buttons and in a hint."""
    words = texts("lecture")
    row = st.container(horizontal=True, vertical_alignment="center")
    for label, icon, shortcut, delta in ((words["previous"], ":material/chevron_left:", "Left", -1),
                                         (words["next"], ":material/chevron_right:", "Right", 1)):
        row.button(label, icon=icon, shortcut=shortcut, key=f"{key}.{shortcut.lower()}", on_click=_shift_step,
                   args=(key, default, delta, last))
    for icon, shortcut, delta in ((":material/keyboard_double_arrow_up:", "PageUp", -1),
                                  (":material/keyboard_double_arrow_down:", "PageDown", 1)):
        row.button("", icon=icon, shortcut=shortcut, key=f"{key}.{shortcut.lower()}", on_click=_shift_step,
                   args=(key, default, delta, last), help=words["keys_hint"])
    playing = st.session_state.get(f"{key}.playing", False)
    row.button(texts("common")["pause" if playing else "play"], shortcut="Space", key=f"{key}.play",
               on_click=_toggle_play, args=(key, default, last), help=words["keys_hint"])
    if playing:
        _play_ticker(key, default, last)
    row.caption(words["keys_hint"])


PLAY_SECONDS = 1.0  # one time step a second while playing: slow enough to read the formulas aloud


def _toggle_play(key: str, default: int, last: int) -> None:
    playing = not st.session_state.get(f"{key}.playing", False)
    st.session_state[f"{key}.playing"] = playing
    st.session_state[f"{key}.played_at"] = time.monotonic()
    if playing and int(st.session_state.get(key, default)) >= last:
        st.session_state[key] = 1  # Play at the last step starts over, as a player does


@st.fragment(run_every=PLAY_SECONDS)
def _play_ticker(key: str, default: int, last: int) -> None:
    """While playing, move the time step one further each second and re-run the app, so the figure, the formulas
    and every other step view (and a lecture's followers) show the same step; stop at the last step.

    Drawn only while playing, so a page that is not playing has no timer. Time decides, not the kind of run: the full
    run that the step change asks for must not step again. A tick the browser sent before the pause reached the
    server may still run after it: it finds the page paused and does nothing (seen on a slow server: one step more
    after Pause)."""
    if not st.session_state.get(f"{key}.playing", False):
        return
    if time.monotonic() - st.session_state.get(f"{key}.played_at", 0.0) < PLAY_SECONDS * 0.9:
        return
    step = min(int(st.session_state.get(key, default)) + 1, last)
    st.session_state[key] = step
    st.session_state[f"{key}.played_at"] = time.monotonic()
    if step >= last:
        st.session_state[f"{key}.playing"] = False
    st.rerun(scope="app")
