"""The app's shell: page config, the language switch and the navigation, run before every page.

Why this lives in a module rather than only in app.py: Streamlit treats an app with a folder named ``pages/`` beside
its main script as a version-1 multipage app until ``st.navigation`` has run once in the server process. Until then a
fresh server's first visitor on a direct link (``/lstm_step``) is resolved against the ``.py`` files found directly in
``pages/`` — and a link to a name without such a file gets Streamlit's "Page not found" dialog. The real page scripts
therefore live in subfolders (``pages/lessons/`` …), and each URL path has a two-line entry file in ``pages/`` that
runs this same shell: whichever way a visit arrives, the shell's ``st.navigation`` picks the page, with the app's
own navigation, language and layout. No framework internals are touched.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import torch

from core.environment import number_from_environment
from pages.kit.i18n import LANGUAGE_KEY, LANGUAGE_NAMES, LANGUAGES, texts
from pages.kit.layout import screen_style
from pages.kit.lecture_deck import take_deck_link
from pages.kit.lecture import (follow_lecturer, follower_banner, lecturer_panel, presenter_layout_requested,
                               remember_page, start_button, take_seat, watch_room)
from pages.kit.presenter import presenter_style, set_presenting
from pages.kit.registry import PAGES
from pages.kit.script_gate import GATE

# The language switch widget; the language itself is kept under LANGUAGE_KEY (see choose_language).
SWITCH_KEY = "lang_switch"

# Served by this server itself: a classroom without internet still gets the tab icon (a material icon needs a font
# server).
ICON = Path(__file__).resolve().parents[2] / "assets" / "icon.png"

# Lesson models are tiny: one intra-op thread is faster than two and leaves a core for other sessions and jobs.
THREADS = number_from_environment("RNN_EXPLORER_THREADS", 1, whole=True)
torch.set_num_threads(THREADS)


def keep_this_thread_to_the_thread_count() -> None:
    """Give the running script's thread the app's torch thread count (:data:`THREADS`).

    Why on every run: Streamlit runs each rerun on a new thread, and OpenMP keeps its thread count per thread, so
    the call above (made once, on whichever thread imported this module) does not reach the next rerun's thread.
    torch's own element-wise kernels read its global count, but a fused ``nn.LSTM`` / ``nn.GRU`` / ``nn.RNN`` call
    (oneDNN) asks OpenMP: on a fresh thread that was every core, so each rerun's first fused call started a team of
    OpenMP threads for a model of a few units (one ``nn.LSTM(3, 4)`` on a fresh thread: 4-24 ms of process CPU on a
    two-core machine, 0.2 ms with one thread; the same numbers either way). Setting it costs a fraction of a
    microsecond.
    """
    torch.set_num_threads(THREADS)


def choose_language() -> None:
    """The language lives in the session and in the URL as ``?lang=zh`` (English is the default and leaves no trace).

    The session keeps the language under its own key, and the switch is a separate widget copied from it on every
    run: a widget's state is dropped when the navigation changes page, so a switch keyed ``lang`` itself would come
    back empty (and write ``lang=None``) after a page change. Not bound to the URL, because a bound widget would write
    its visible label (中文) and drop a hand-written ``?lang=zh``. The URL is written only when it must change: every
    write makes the browser rewrite its address, and one racing a page change would keep the old page's path.
    """
    if st.session_state.get(LANGUAGE_KEY) not in LANGUAGES:
        requested = st.query_params.get(LANGUAGE_KEY, "en")
        by_name = {name: code for code, name in LANGUAGE_NAMES.items()}
        st.session_state[LANGUAGE_KEY] = requested if requested in LANGUAGES else by_name.get(requested, "en")
    st.session_state[SWITCH_KEY] = st.session_state[LANGUAGE_KEY]
    with st.sidebar:
        st.segmented_control(
            "Language / 语言",
            options=list(LANGUAGES),
            format_func=LANGUAGE_NAMES.get,
            key=SWITCH_KEY,
            required=True,
            on_change=_switch_language,
        )
    chosen = st.session_state[LANGUAGE_KEY]
    if chosen == "en" and LANGUAGE_KEY in st.query_params:
        del st.query_params[LANGUAGE_KEY]
    elif chosen != "en" and st.query_params.get(LANGUAGE_KEY) != chosen:
        st.query_params[LANGUAGE_KEY] = chosen


def _switch_language() -> None:
    chosen = st.session_state.get(SWITCH_KEY)
    if chosen in LANGUAGES:
        st.session_state[LANGUAGE_KEY] = chosen


def navigation():
    """The sidebar's sections of pages, titled in the session's language; URL paths are the registry's names."""
    common = texts("common")
    sections: dict[str, list[st.Page]] = {}
    for entry in PAGES:
        page = st.Page(entry.script, title=common["pages"][entry.name], icon=entry.icon, url_path=entry.name,
                       default=entry.name == "home")
        sections.setdefault(common[entry.section], []).append(page)
    return st.navigation(sections, expanded=True)  # 13 pages: a collapsed menu would hide the last ones


def run_app() -> None:
    """Everything a visit runs, once the script gate admits it (see pages/kit/script_gate.py)."""
    keep_this_thread_to_the_thread_count()
    with GATE.admitted():
        _run_visit()


def _run_visit() -> None:
    """Config, language, the lecture (if any), then the chosen page."""
    presenting = presenter_layout_requested()  # ?present=1: large type, sidebar collapsed
    st.set_page_config(page_title="RNN Explorer", page_icon=str(ICON), layout="wide",
                       initial_sidebar_state="collapsed" if presenting else "auto")
    choose_language()
    seat = take_seat()
    take_deck_link()  # ?deck=…: into this session, shown once it is the lecturer's
    page = navigation()
    remember_page(page.url_path or "home")  # the default page's path is empty
    screen_style()  # phones: formulas wrap or scroll, wide figures scroll sideways
    presenting = presenting or (seat is not None and seat.presenter)  # the lecturer's screen is the projector's
    set_presenting(presenting)
    if presenting:
        presenter_style()
    room = None
    if seat is None:
        start_button()
    elif seat.presenter:
        lecturer_panel(seat)
    elif (room := follow_lecturer(seat)) is None:
        start_button()  # the lecture ended: say so; the session is an ordinary one again
    else:
        follower_banner(seat)
    page.run()
    if room is not None:
        watch_room(seat, room)
