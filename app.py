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

# Links may say ?lang=zh or ?lang=en; the switch itself writes its visible label (中文 / English) into the URL.
if LANGUAGE_KEY not in st.session_state and st.query_params.get(LANGUAGE_KEY) in LANGUAGES:
    st.session_state[LANGUAGE_KEY] = st.query_params[LANGUAGE_KEY]

with st.sidebar:
    st.segmented_control(
        "Language / 语言",
        options=list(LANGUAGES),
        format_func=LANGUAGE_NAMES.get,
        default="en",
        key=LANGUAGE_KEY,
        bind="query-params",
        required=True,
    )

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
