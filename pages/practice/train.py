"""Train on your text: upload labelled texts, train a (bidirectional) LSTM / GRU / RNN classifier in the
background, see how good it is, explain single sentences, and take the model home.

The page is a thin script: sections live in ``pages/train_*.py``, computation in ``core`` (text data, classifier,
jobs), charts in ``core/figures/train.py``.
"""

import streamlit as st

from pages.kit.i18n import texts
from pages.kit.layout import device_note, page_header
from pages.practice.train_data import data_section
from pages.practice.train_job import current_job, harvest, progress_section, settings_form, start
from pages.practice.train_results import evaluation_section, export_section
from pages.practice.train_classify import classify_section
from pages.practice.train_try import try_section

t = texts("train")

job = current_job()
harvest(job)  # a job that ended while the user was away (or between polls) hands its model over first

page_header(t["page"])
st.caption(t["page"]["privacy"])
data = data_section(t)
config = settings_form(t, data, busy=job is not None and not job.finished)
if config is not None:
    if start(data, config):
        st.rerun()  # redraw with the Start button disabled and the new job polling
progress_section(t)
evaluation_section(t)
try_section(t)
export_section(t)
classify_section(t)
device_note()
