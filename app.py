"""RNN Explorer: entry point. Page config, the language switch, and navigation over pages/."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st
import torch

from pages.common.i18n import LANGUAGE_KEY, LANGUAGE_NAMES, LANGUAGES, texts
from pages.registry import PAGES

ROOT = Path(__file__).resolve().parent

# Lesson models are tiny: one intra-op thread is faster than two and leaves a core for other sessions and jobs.
torch.set_num_threads(int(os.environ.get("RNN_EXPLORER_THREADS", "1")))

st.set_page_config(page_title="RNN Explorer", page_icon=":material/replay:", layout="wide")

# The language lives in the session and in the URL as ?lang=zh (English is the default and leaves no trace), so a
# shared link opens in the sender's language. Set by hand rather than bound to the widget, because a bound widget
# would write its visible label (中文) and drop a hand-written ?lang=zh.
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

common = texts("common")
sections: dict[str, list[st.Page]] = {}
for entry in PAGES:
    page = st.Page(
        ROOT / "pages" / f"{entry.name}.py",
        title=common["pages"][entry.name],
        icon=entry.icon,
        url_path=entry.name,
        default=entry.name == "home",
    )
    sections.setdefault(common[entry.section], []).append(page)

st.navigation(sections).run()
