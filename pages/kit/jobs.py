"""The server's one JobManager, and who owns a job, through Streamlit's public API only.

Every session of this server shares one :class:`core.jobs.JobManager` (``st.cache_resource``), so its
``max_running`` cap holds server-wide: a lecture hall pressing Start at once queues instead of starving the CPU.

A server that is full (``MAX_QUEUED`` waiting, or its memory budget used) refuses a new job at once and
:func:`submit_job` tells the user so in their language; nothing hangs.

A job belongs to the session that started it. The owner is a random id kept in ``st.session_state``; while the
session is connected it holds a *lease*, a session-scoped resource (``st.cache_resource(scope="session")``) whose
release callback runs when the session disconnects. A session can drop its websocket for a moment (a laptop waking
up) and come back: its next script run takes the lease again, under the same id. Only an owner released for longer
than ``ABANDONED_AFTER_SECONDS`` counts as a closed tab, and the manager stops its jobs.
"""

from __future__ import annotations

import threading
import time
import uuid

import streamlit as st

from core.environment import number_from_environment
from core.job_admission import Admission, JobRefused
from core.job_pacing import BUSY_SHARE
from core.jobs import Job, JobManager
from core.memory import physical_memory_bytes
from pages.kit.i18n import texts

MAX_RUNNING = 2
# Beyond this many waiting trainings a new one is refused: with two running and each lab run taking a minute or more,
# a longer queue would keep a student waiting longer than a lecture lets them.
MAX_QUEUED = 6
# Lowest CPU priority: a training only gets the time that page scripts (and the browser) leave idle, so reading a
# lesson stays quick while two runs train; on an otherwise idle server the runs lose nothing.
NICENESS = 19
ABANDONED_AFTER_SECONDS = 60.0
OWNER_KEY = "jobs.owner"


class OwnerLeases:
    """``owner -> bool`` for the manager: is this owner's session still there (or gone for less than the grace)?

    ``take`` and ``release`` are called from Streamlit's threads, ``__call__`` from the manager's: one lock.
    An owner never seen (a job submitted outside a session) counts as connected.
    """

    def __init__(self, grace_seconds: float):
        self.grace_seconds = grace_seconds
        self._released_at: dict[str, float] = {}
        self._lock = threading.Lock()

    def take(self, owner: str) -> str:
        with self._lock:
            self._released_at.pop(owner, None)
        return owner

    def release(self, owner: str) -> None:
        with self._lock:
            self._released_at.setdefault(owner, time.time())

    def __call__(self, owner: str) -> bool:
        with self._lock:
            released = self._released_at.get(owner)
        return released is None or time.time() - released < self.grace_seconds


def memory_budget_bytes() -> int | None:
    """Resident memory (server and its jobs) above which no new job starts: ``RNN_EXPLORER_MEMORY_BUDGET_MB``, else
    half the machine's RAM (room for a second replica, the proxy and the system)."""
    configured = number_from_environment("RNN_EXPLORER_MEMORY_BUDGET_MB", None)
    if configured is not None:
        return int(configured * 2**20)
    physical = physical_memory_bytes()
    return physical // 2 if physical else None


def busy_share() -> float | None:
    """The server CPU share (of one core) above which running trainings pause (:mod:`core.job_pacing`):
    ``RNN_EXPLORER_JOBS_BUSY_SHARE`` (a number, or ``off`` on a machine with cores to spare), else the default."""
    return number_from_environment("RNN_EXPLORER_JOBS_BUSY_SHARE", BUSY_SHARE, off_words=("off", "none", "no"))


def new_job_manager(leases: OwnerLeases | None = None) -> JobManager:
    """A manager with the server's settings (the benchmark builds one the same way, outside Streamlit)."""
    return JobManager(max_running=MAX_RUNNING, niceness=NICENESS, busy_share=busy_share(),
                      owner_alive=leases or OwnerLeases(ABANDONED_AFTER_SECONDS),
                      admission=Admission(max_queued=MAX_QUEUED, memory_budget_bytes=memory_budget_bytes()))


@st.cache_resource(show_spinner=False)
def job_manager() -> JobManager:
    """The server-wide job manager (at most ``MAX_RUNNING`` trainings at once, the rest queued)."""
    return new_job_manager()


def _leases() -> OwnerLeases:
    return job_manager().owner_alive


def _release(owner: str) -> None:
    _leases().release(owner)


@st.cache_resource(show_spinner=False, scope="session", on_release=_release)
def _session_lease(owner: str) -> str:
    """Held while this session is connected; Streamlit calls ``_release`` when it disconnects."""
    return _leases().take(owner)


def session_owner() -> str:
    """The owner id of this browser session's jobs (created on first use, the same for every page and rerun)."""
    if OWNER_KEY not in st.session_state:
        st.session_state[OWNER_KEY] = uuid.uuid4().hex
    return _session_lease(st.session_state[OWNER_KEY])


def session_job(key: str):
    """The job whose id this session keeps under ``st.session_state[key]``, if the manager still has it.

    Every page run that looks at its job renews the session's lease, so a session that reconnected is counted as
    present again before the grace period ends.
    """
    job_id = st.session_state.get(key)
    if job_id is None:
        return None
    owner = session_owner()
    job = job_manager().get(job_id)
    return job if job is not None and job.owner == owner else None


def submit_job(target, config, label: str) -> Job | None:
    """Submit a job for this session; on a full server show why in the user's language and return ``None``."""
    try:
        return job_manager().submit(target, config, owner=session_owner(), label=label)
    except JobRefused as refused:
        st.error(texts("common")["server_full"].format(refused.reason, waiting=refused.in_use,
                                                       limit=refused.limit))
        return None
