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

import os
from pathlib import Path

import streamlit as st
import torch

from pages.kit.i18n import LANGUAGE_KEY, LANGUAGE_NAMES, LANGUAGES, texts
from pages.kit.registry import PAGES

# Served by this server itself: a classroom without internet still gets the tab icon (a material icon needs a font
# server).
ICON = Path(__file__).resolve().parents[2] / "assets" / "icon.png"

# Lesson models are tiny: one intra-op thread is faster than two and leaves a core for other sessions and jobs.
torch.set_num_threads(int(os.environ.get("RNN_EXPLORER_THREADS", "1")))


def choose_language() -> None:
    """The language lives in the session and in the URL as ``?lang=zh`` (English is the default and leaves no trace).

    Set by hand rather than bound to the widget, because a bound widget would write its visible label (中文) and drop
    a hand-written ``?lang=zh``.
    """
    if LANGUAGE_KEY not in st.session_state:
        requested = st.query_params.get(LANGUAGE_KEY, "en")
        by_name = {name: code for code, name in LANGUAGE_NAMES.items()}
        st.session_state[LANGUAGE_KEY] = requested if requested in LANGUAGES else by_name.get(requested, "en")
    with st.sidebar:
        st.segmented_control(
            "Language / 语言",
            options=list(LANGUAGES),
            format_func=LANGUAGE_NAMES.get,
            key=LANGUAGE_KEY,
            required=True,
        )
    if st.session_state[LANGUAGE_KEY] == "en":
        st.query_params.pop(LANGUAGE_KEY, None)
    else:
        st.query_params[LANGUAGE_KEY] = st.session_state[LANGUAGE_KEY]


def navigation():
    """The sidebar's sections of pages, titled in the session's language; URL paths are the registry's names."""
    common = texts("common")
    sections: dict[str, list[st.Page]] = {}
    for entry in PAGES:
        page = st.Page(entry.script, title=common["pages"][entry.name], icon=entry.icon, url_path=entry.name,
                       default=entry.name == "home")
        sections.setdefault(common[entry.section], []).append(page)
    return st.navigation(sections)


def run_app() -> None:
    """Everything a visit runs: config, language, then the chosen page."""
    st.set_page_config(page_title="RNN Explorer", page_icon=str(ICON), layout="wide")
    choose_language()
    navigation().run()
