"""The server's one JobManager, and who the current session is.

Every session of this server shares one :class:`core.jobs.JobManager` (``st.cache_resource``), so its
``max_running`` cap holds server-wide: a lecture hall pressing Start at once queues instead of starving the CPU.
A job belongs to the session that started it; jobs of sessions that are gone (a closed tab) are stopped.
"""

from __future__ import annotations

import time

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core.jobs import JobManager

MAX_RUNNING = 2
# Lowest CPU priority: a training only gets the time that page scripts (and the browser) leave idle, so reading a
# lesson stays quick while two runs train; on an otherwise idle server the runs lose nothing.
NICENESS = 19
# A session can drop its websocket for a moment (a laptop waking up) and come back; only a longer absence
# counts as a closed tab.
ABANDONED_AFTER_SECONDS = 60.0


class _SessionWatch:
    """``owner -> bool``: is this session still there (or gone for less than the grace period)?"""

    def __init__(self, grace_seconds: float):
        self.grace_seconds = grace_seconds
        self._missing_since: dict[str, float] = {}

    def __call__(self, owner: str) -> bool:
        if not runtime.exists():  # AppTest and scripts have no server runtime: nobody to lose
            return True
        if runtime.get_instance().is_active_session(owner):
            self._missing_since.pop(owner, None)
            return True
        first_missing = self._missing_since.setdefault(owner, time.time())
        return time.time() - first_missing < self.grace_seconds


def new_job_manager() -> JobManager:
    """A manager with the server's settings (the benchmark builds one the same way, outside Streamlit)."""
    return JobManager(max_running=MAX_RUNNING, niceness=NICENESS, owner_alive=_SessionWatch(ABANDONED_AFTER_SECONDS))


@st.cache_resource(show_spinner=False)
def job_manager() -> JobManager:
    """The server-wide job manager (at most ``MAX_RUNNING`` trainings at once, the rest queued)."""
    return new_job_manager()


def session_owner() -> str:
    """The id of the browser session running this script (the owner of the jobs it starts)."""
    context = get_script_run_ctx()
    if context is None:
        raise RuntimeError("session_owner() must be called from a running Streamlit script")
    return context.session_id
