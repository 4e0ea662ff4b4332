"""Background jobs: training that outlives page reruns and never blocks the page script.

A Streamlit rerun aborts the script that started it, so training cannot live in a page. A job runs a top-level
function ``target(config, reporter)`` in its own process (``python -m core.job_worker``, see there for why not
``multiprocessing``):

- the page script only submits, polls ``job.records`` and asks to stop;
- a server-wide cap (``max_running``) keeps a lecture hall of students from starting fifty trainings at once; the
  rest wait in a queue whose position each session can show; a full queue or an exhausted memory budget refuses
  the job at once with :class:`core.job_admission.JobRefused` (see :class:`core.job_admission.Admission`);
- the child is niced and uses few torch threads, so sessions that only read lessons stay responsive, and it pauses
  at its next step while the server is busy (:mod:`core.job_pacing`);
- the reporter is the only channel back: records (plain values or frozen dataclasses) and a final result.

The function never learns it runs in a child: tests call it in-process with a :class:`ListReporter`.
"""

from __future__ import annotations

import itertools
import os
import queue as queue_module
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Callable

from core.job_admission import Admission, JobRefused  # noqa: F401  (JobRefused: what submit raises)
from core.job_pacing import BUSY_SHARE, busy_signal
from core.job_worker import read_frame, target_name, write_frame
from core.reporting import ListReporter, Reporter  # noqa: F401  (re-exported: targets and tests import them here)

# The child runs `python -m core.job_worker`: it must find this project whatever the server's working directory.
PROJECT_ROOT = str(Path(__file__).resolve().parents[1])


class JobStatus(StrEnum):
    """Where a job is in its life: queued → running → done | stopped | failed."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    STOPPED = "stopped"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.STOPPED, JobStatus.FAILED)


# The members under their short names, for callers that import them one by one.
QUEUED, RUNNING, DONE, STOPPED, FAILED = JobStatus
FINISHED = (DONE, STOPPED, FAILED)


def _exchange(process: subprocess.Popen, request: tuple, inbox: queue_module.Queue) -> None:
    """One thread per job: send the request, then move every frame the child writes into ``inbox`` until the
    child's stdout ends (it exited or was killed). stdin stays open: closing it is the stop signal."""
    try:
        write_frame(process.stdin, request)
    except (BrokenPipeError, OSError, ValueError):  # the child died at once, or Stop closed stdin first
        pass
    while (message := read_frame(process.stdout)) is not None:
        inbox.put(message)


_job_ids = itertools.count(1)


@dataclass(eq=False)
class Job:
    """One submitted function call and everything it reported."""

    target: Callable[[Any, Reporter], Any]
    config: Any
    owner: str
    label: str
    manager: "JobManager"
    id: str = field(default_factory=lambda: f"job-{next(_job_ids)}")
    status: JobStatus = JobStatus.QUEUED
    records: list[Any] = field(default_factory=list)
    result: Any = None
    error: str | None = None
    submitted_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    stop_requested_at: float | None = None
    _process: subprocess.Popen | None = None
    _inbox: queue_module.Queue | None = None   # frames the exchange thread has read from the child
    _exchange: threading.Thread | None = None  # ends when the child's stdout does (the child is gone)
    _got_result: bool = False

    @property
    def finished(self) -> bool:
        return self.status.finished

    def queue_position(self) -> int:
        """1 for the next job to start, 2 after it …; 0 once running or finished."""
        return self.manager.queue_position(self)

    def records_since(self, count: int) -> list[Any]:
        """Records after the first ``count`` (cheap polling for a page that already drew those)."""
        return self.records[count:]

    def stop(self) -> None:
        """Ask the job to stop; a queued job never starts, a running one is killed if it ignores the request."""
        self.manager.stop(self)

    def elapsed(self) -> float:
        if self.started_at is None:
            return 0.0
        return (self.finished_at or time.time()) - self.started_at


class JobManager:
    """Runs jobs in child processes, at most ``max_running`` at once, first come first served.

    Args:
        max_running: server-wide cap on running jobs; more wait in a queue.
        threads_per_job: torch intra-op threads in each child (the machine's cores are shared with the server).
        grace_seconds: how long a stop request may be ignored before the process is killed.
        owner_alive: optional ``owner -> bool``; jobs of owners that are gone (closed browser tabs) are stopped.
        niceness: added to each child's nice value so page scripts win the CPU.
        admission: queue limit and memory budget checked on submit (default: none).
        busy_share: running jobs pause while the server process uses at least this share of one core
            (:mod:`core.job_pacing`); ``None``: they never pause.
    """

    def __init__(
        self,
        max_running: int = 2,
        threads_per_job: int = 1,
        grace_seconds: float = 10.0,
        owner_alive: Callable[[str], bool] | None = None,
        niceness: int = 10,
        poll_seconds: float = 0.05,
        admission: Admission | None = None,
        busy_share: float | None = BUSY_SHARE,
    ):
        if max_running < 1:
            raise ValueError("max_running must be at least 1")
        self.max_running = max_running
        self.threads_per_job = threads_per_job
        self.grace_seconds = grace_seconds
        self.owner_alive = owner_alive
        self.niceness = niceness
        self.poll_seconds = poll_seconds
        self.admission = admission or Admission()
        self._lock = threading.RLock()
        self._jobs: dict[str, Job] = {}
        self._queue: list[Job] = []
        self._closed = False
        self._last_owner_check = 0.0
        self.busy = busy_signal(busy_share)  # the byte every job reads before each step (None: no pacing)
        self._pump = threading.Thread(target=self._pump_forever, name="job-manager", daemon=True)
        self._pump.start()

    # ----- public API -------------------------------------------------------------------------------------------
    def submit(self, target: Callable[[Any, Reporter], Any], config: Any, owner: str, label: str = "") -> Job:
        """Queue ``target(config, reporter)``; it starts as soon as a slot is free.

        Raises :class:`JobRefused` when the server is full (queue limit or memory budget): nothing is queued.
        """
        target_name(target)  # fail now, in the page, rather than later in the child
        job = Job(target=target, config=config, owner=owner, label=label, manager=self)
        with self._lock:
            if self._closed:
                raise RuntimeError("job manager is shut down")
            # the queue limit only concerns a job that has to wait; the memory budget concerns every new job
            must_wait = bool(self._queue) or len(self.running()) >= self.max_running
            self.admission.check(waiting=len(self._queue), must_wait=must_wait)
            self._jobs[job.id] = job
            self._queue.append(job)
            self._start_waiting()
        return job

    def get(self, job_id: str | None) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id) if job_id else None

    def jobs_of(self, owner: str) -> list[Job]:
        with self._lock:
            return [job for job in self._jobs.values() if job.owner == owner]

    def running(self) -> list[Job]:
        with self._lock:
            return [job for job in self._jobs.values() if job.status == RUNNING]

    def queue_position(self, job: Job) -> int:
        with self._lock:
            return self._queue.index(job) + 1 if job in self._queue else 0

    def stop(self, job: Job) -> None:
        with self._lock:
            if job in self._queue:
                self._queue.remove(job)
                job.status = STOPPED
                job.finished_at = time.time()
                return
            if job.status == RUNNING and job.stop_requested_at is None:
                job.stop_requested_at = time.time()
                try:
                    job._process.stdin.close()  # the child's stop flag (see core.job_worker)
                except OSError:
                    pass

    def stop_owner(self, owner: str) -> None:
        for job in self.jobs_of(owner):
            self.stop(job)

    def forget(self, job: Job) -> None:
        """Drop a finished job's records and result (a session's Reset)."""
        with self._lock:
            if job.finished:
                self._jobs.pop(job.id, None)

    def wait(self, job: Job, timeout: float | None = None) -> bool:
        """Block until ``job`` finishes (tests and the command line); True if it did."""
        deadline = None if timeout is None else time.time() + timeout
        while not job.finished:
            if deadline is not None and time.time() > deadline:
                return False
            time.sleep(self.poll_seconds)
        return True

    def shutdown(self) -> None:
        """Stop everything and kill what does not stop."""
        with self._lock:
            self._closed = True
            jobs = list(self._jobs.values())
        for job in jobs:
            self.stop(job)
        for job in jobs:
            if job._process is not None:
                try:
                    job._process.wait(timeout=self.grace_seconds)
                except subprocess.TimeoutExpired:
                    job._process.kill()
                    job._process.wait(timeout=5)
                job._exchange.join(timeout=5)
                self._drain(job)
            self._finish(job)

    # ----- the pump: one daemon thread moves records and starts queued jobs -------------------------------------
    def _pump_forever(self) -> None:
        while True:
            with self._lock:
                if self._closed and not self.running():
                    if self.busy is not None:
                        self.busy.close()
                    return
                running = [job for job in self._jobs.values() if job.status == RUNNING]
                if self.busy is not None:
                    if running:  # measured every round, so the window is this loop's sleep
                        self.busy.update()
                    else:
                        self.busy.quiet()
                for job in running:
                    self._drain(job)
                    if not job._exchange.is_alive():  # stdout ended: every frame is in the inbox
                        self._drain(job)
                        self._finish(job)
                    elif job.stop_requested_at and time.time() - job.stop_requested_at > self.grace_seconds:
                        job._process.kill()
                self._stop_abandoned()
                self._start_waiting()
            time.sleep(self.poll_seconds)

    def _drain(self, job: Job) -> None:
        while True:
            try:
                kind, payload = job._inbox.get_nowait()
            except queue_module.Empty:
                return
            if kind == "records":
                job.records.extend(payload)
            elif kind == "result":
                job.result, job._got_result = payload, True
            elif kind == "error":
                job.error = payload

    def _finish(self, job: Job) -> None:
        if job.finished:
            return
        if job._process is not None:
            try:
                job._process.wait(timeout=1)
            except subprocess.TimeoutExpired:  # stdout closed but still alive: never leave it running
                job._process.kill()
                job._process.wait(timeout=5)
        if job.error is not None:
            job.status = FAILED
        elif job.stop_requested_at is not None:
            job.status = STOPPED
        elif job._got_result:
            job.status = DONE
        else:
            job.status = FAILED
            job.error = f"the training process ended unexpectedly (exit code {job._process.returncode})"
        job.finished_at = time.time()

    def _start_waiting(self) -> None:
        while self._queue and len(self.running()) < self.max_running and not self._closed:
            job = self._queue.pop(0)
            self._launch(job)
            job.status = RUNNING
            job.started_at = time.time()

    def _launch(self, job: Job) -> None:
        """Start ``python -m core.job_worker`` and its exchange thread; the request is written by that thread, so
        a large config (a whole uploaded dataset) never holds the manager's lock."""
        environment = dict(os.environ)
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [PROJECT_ROOT, environment.get("PYTHONPATH")]))
        busy_fd = self.busy.fd if self.busy is not None else None
        job._process = subprocess.Popen(
            [sys.executable, "-m", "core.job_worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            env=environment, close_fds=True, pass_fds=() if busy_fd is None else (busy_fd,),
        )
        job._inbox = queue_module.Queue()
        request = (target_name(job.target), job.config, self.threads_per_job, self.niceness, busy_fd)
        job._exchange = threading.Thread(target=_exchange, args=(job._process, request, job._inbox),
                                         name=f"rnn-explorer-{job.id}", daemon=True)
        job._exchange.start()

    def _stop_abandoned(self) -> None:
        """Stop the jobs of sessions that ended and forget their finished ones (checked every few seconds)."""
        if self.owner_alive is None or time.time() - self._last_owner_check < 2.0:
            return
        self._last_owner_check = time.time()
        for job in list(self._jobs.values()):
            if self.owner_alive(job.owner):
                continue
            if job.finished:
                self._jobs.pop(job.id, None)  # nobody can look at it any more: free its records and result
            else:
                self.stop(job)
