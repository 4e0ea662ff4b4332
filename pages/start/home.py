"""Home: what RNN Explorer is, the learning path, and the device that computes every number."""

import streamlit as st

from pages.kit.i18n import texts
from pages.kit.layout import device_note, page_header
from pages.kit.links import page_link
from pages.kit.registry import PAGES

t = texts("home")
common = texts("common")

page_header(t)
device_note()

st.subheader(t["path_title"])
st.markdown(t["path_intro"])
lessons = [entry for entry in PAGES if entry.section == "section_lessons"]
for start in range(0, len(lessons), 3):
    columns = st.columns(3)
    for column, entry in zip(columns, lessons[start : start + 3]):
        with column.container(border=True):
            page_link(entry.name, common["pages"][entry.name], entry.icon)
            st.caption(t["lessons"][entry.name])

st.subheader(t["practice_title"])
columns = st.columns(2)
for column, entry in zip(columns, [entry for entry in PAGES if entry.section == "section_practice"]):
    with column.container(border=True):
        page_link(entry.name, common["pages"][entry.name], entry.icon)
        st.caption(t["practice"][entry.name])

st.subheader(t["lecturer_title"])
st.markdown(t["lecturer_tips"])
st.info(t["real_numbers"])
