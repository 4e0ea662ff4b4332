"""Glossary: every symbol the lessons print, one meaning each, grouped by section (core/lessons/notation.py)."""

import streamlit as st

from core.lessons.notation import GLOSSARY
from pages.kit.i18n import texts
from pages.kit.links import page_link
from pages.kit.registry import BY_NAME

t = texts("glossary")
common = texts("common")
ui = t["ui"]

st.title(ui["title"])
st.markdown(ui["intro"])
with st.expander(ui["conventions_title"], expanded=True):
    st.markdown(ui["conventions"])

for section, title in t["sections"].items():
    entries = [entry for entry in GLOSSARY if entry.section == section]
    if not entries:
        continue
    st.subheader(title)
    for entry in entries:
        words = t["symbols"][entry.key]
        symbol, text = st.columns([1, 5], vertical_alignment="center")
        symbol.latex(entry.latex)
        text.markdown(f"**{words['name']}** — {words['meaning']}")
    lessons = sorted({lesson for entry in entries for lesson in entry.lessons}, key=list(BY_NAME).index)
    with st.container(horizontal=True):
        st.caption(ui["lessons"])
        for lesson in lessons:
            page_link(lesson, common["pages"][lesson], BY_NAME[lesson].icon)
