"""Live lab: RNN, LSTM and GRU train side by side in a background job; this page only submits, polls and draws."""

import streamlit as st

from core.lab.records import LabView
from core.lab.training import train_lab
from pages.kit.i18n import language, texts
from pages.kit.jobs import job_manager, session_job, submit_job
from pages.kit.layout import device_note, page_header
from pages.practice.lab_controls import reset_controls, settings_panel
from pages.practice.lab_sections import (curves_section, gates_section, gradient_section, norm_section, probe_figures,
                                         probe_steps, status_line)

t = texts("lab")
common = texts("common")
JOB_KEY = "lab.job"
VIEW_KEY = "lab.view"  # (job id, the LabView of its records so far): each poll adds only the new records


def current_job():
    return session_job(JOB_KEY)


def job_view(job) -> LabView:
    """The job's records grouped by cell, brought up to date with the records that arrived since the last poll."""
    held = st.session_state.get(VIEW_KEY)
    if held is None or held[0] != job.id:
        held = (job.id, LabView())
        st.session_state[VIEW_KEY] = held
    view = held[1]
    return view.add(job.records[view.records_read:])


def start(config) -> bool:
    """Submit the run; False (and a message already shown) when the server is full."""
    previous = current_job()
    if previous is not None:  # one lab run per session: a new Start replaces the old one (other pages' jobs stay)
        previous.stop()
        job_manager().forget(previous)
    job = submit_job(train_lab, config, label="lab")
    if job is None:
        return False
    st.session_state[JOB_KEY] = job.id
    return True


def reset() -> None:
    """Stop and forget this session's run and put every control back to its default."""
    job = current_job()
    if job is not None:
        job.stop()
        job_manager().forget(job)
    st.session_state.pop(JOB_KEY, None)
    st.session_state.pop(VIEW_KEY, None)
    reset_controls()


page_header(t)
st.markdown(t["what_to_see"])
job = current_job()
live = job is not None and not job.finished
settings = settings_panel(t, common["seed"], live, on_reset=reset)

if settings.start:
    if settings.config is None:
        st.error(t.format("bad_settings", reason=settings.problem))
    else:
        if start(settings.config):
            st.rerun()  # redraw with the controls locked and the live panel polling
if settings.stop and job is not None:
    job.stop()
    st.rerun()


@st.fragment(run_every=1.0 if live else None)
def live_panel() -> None:
    """Poll the job and redraw; a full rerun once it ends unlocks the controls and stops the polling."""
    job = current_job()
    if job is None:
        st.info(t["idle"])
        device_note()  # where a run would train: the job process picks the device the same way
        return
    view = job_view(job)
    status_line(job, view)
    if view.start is not None:
        curves_section(view)
        if any(view.probes.values()):
            built = probe_figures(job.id, probe_steps(view), language(), _view=view)
            gradient_section(built)
            gates_section(view, built)
        norm_section(view)
    if live and job.finished:
        st.rerun()


live_panel()
