"""Background jobs: training that outlives page reruns and never blocks the page script.

A Streamlit rerun aborts the script that started it, so training cannot live in a page. A job runs a top-level
function ``target(config, reporter)`` in its own spawned process:

- the page script only submits, polls ``job.records`` and asks to stop;
- a server-wide cap (``max_running``) keeps a lecture hall of students from starting fifty trainings at once; the
  rest wait in a queue whose position each session can show; a full queue or an exhausted memory budget refuses
  the job at once with :class:`core.job_admission.JobRefused` (see :class:`core.job_admission.Admission`);
- the child is niced and uses few torch threads, so sessions that only read lessons stay responsive;
- the reporter is the only channel back: plain records (dicts of numbers, lists, strings) and a final result.

The function never learns it runs in a child: tests call it in-process with a :class:`ListReporter`.
"""

from __future__ import annotations

import importlib
import itertools
import multiprocessing
import os
import sys
import types
import queue as queue_module
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from core.job_admission import Admission, JobRefused  # noqa: F401  (JobRefused: what submit raises)

QUEUED, RUNNING, DONE, STOPPED, FAILED = "queued", "running", "done", "stopped", "failed"
FINISHED = (DONE, STOPPED, FAILED)


class Reporter(Protocol):
    """What a job target sees: a way to send records and to learn that it was asked to stop."""

    def report(self, record: dict[str, Any]) -> None: ...

    def should_stop(self) -> bool: ...


class ListReporter:
    """An in-process reporter for tests and the command line: keeps records in a list."""

    def __init__(self, on_record: Callable[[dict[str, Any]], None] | None = None):
        self.records: list[dict[str, Any]] = []
        self._stopped = threading.Event()
        self._on_record = on_record

    def report(self, record: dict[str, Any]) -> None:
        self.records.append(record)
        if self._on_record is not None:
            self._on_record(record)

    def should_stop(self) -> bool:
        return self._stopped.is_set()

    def stop(self) -> None:
        self._stopped.set()


class _ProcessReporter:
    """The child-side reporter: records travel to the parent through a multiprocessing queue."""

    def __init__(self, channel, stop_event):
        self._channel = channel
        self._stop_event = stop_event

    def report(self, record: dict[str, Any]) -> None:
        self._channel.put(("record", record))

    def should_stop(self) -> bool:
        return self._stop_event.is_set()


def _target_name(target: Callable) -> str:
    """``"module:function"``: the child imports the target itself, after lowering its priority."""
    name = f"{target.__module__}:{target.__qualname__}"
    if "<" in name:
        raise ValueError(f"a job target must be a top-level function, not {name}")
    return name


def _import_target(name: str) -> Callable:
    module_name, _, function_name = name.partition(":")
    return getattr(importlib.import_module(module_name), function_name)


def _run_child(target_name: str, config, channel, stop_event, threads: int, niceness: int) -> None:
    """Entry point of the spawned process."""
    try:
        os.nice(niceness)  # lesson pages of other sessions come first, importing torch included
    except (AttributeError, OSError):
        pass
    try:
        import torch

        target = _import_target(target_name)

        torch.set_num_threads(max(1, threads))
        result = target(config, _ProcessReporter(channel, stop_event))
        channel.put(("result", result))
    except BaseException:  # report everything, KeyboardInterrupt included: the parent must learn why
        channel.put(("error", traceback.format_exc()))


_job_ids = itertools.count(1)
_BARE_MAIN = types.ModuleType("__main__")


@dataclass(eq=False)
class Job:
    """One submitted function call and everything it reported."""

    target: Callable[[Any, Reporter], Any]
    config: Any
    owner: str
    label: str
    manager: "JobManager"
    id: str = field(default_factory=lambda: f"job-{next(_job_ids)}")
    status: str = QUEUED
    records: list[dict[str, Any]] = field(default_factory=list)
    result: Any = None
    error: str | None = None
    submitted_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    stop_requested_at: float | None = None
    _process: Any = None
    _channel: Any = None
    _stop_event: Any = None
    _got_result: bool = False

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def queue_position(self) -> int:
        """1 for the next job to start, 2 after it …; 0 once running or finished."""
        return self.manager.queue_position(self)

    def records_since(self, count: int) -> list[dict[str, Any]]:
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
    """Runs jobs in spawned processes, at most ``max_running`` at once, first come first served.

    Args:
        max_running: server-wide cap on running jobs; more wait in a queue.
        threads_per_job: torch intra-op threads in each child (the machine's cores are shared with the server).
        grace_seconds: how long a stop request may be ignored before the process is killed.
        owner_alive: optional ``owner -> bool``; jobs of owners that are gone (closed browser tabs) are stopped.
        niceness: added to each child's nice value so page scripts win the CPU.
        admission: queue limit and memory budget checked on submit (default: none).
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
        self._context = multiprocessing.get_context("spawn")  # fork would copy the server's threads and locks
        self._lock = threading.RLock()
        self._jobs: dict[str, Job] = {}
        self._queue: list[Job] = []
        self._closed = False
        self._last_owner_check = 0.0
        self._pump = threading.Thread(target=self._pump_forever, name="job-manager", daemon=True)
        self._pump.start()

    # ----- public API -------------------------------------------------------------------------------------------
    def submit(self, target: Callable[[Any, Reporter], Any], config: Any, owner: str, label: str = "") -> Job:
        """Queue ``target(config, reporter)``; it starts as soon as a slot is free.

        Raises :class:`JobRefused` when the server is full (queue limit or memory budget): nothing is queued.
        """
        _target_name(target)  # fail now, in the page, rather than later in the child
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
                job._stop_event.set()

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
                job._process.join(timeout=self.grace_seconds)
                if job._process.is_alive():
                    job._process.kill()
                    job._process.join(timeout=5)
            self._finish(job)

    # ----- the pump: one daemon thread moves records and starts queued jobs -------------------------------------
    def _pump_forever(self) -> None:
        while True:
            with self._lock:
                if self._closed and not self.running():
                    return
                for job in [job for job in self._jobs.values() if job.status == RUNNING]:
                    self._drain(job)
                    if not job._process.is_alive():
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
                kind, payload = job._channel.get_nowait()
            except (queue_module.Empty, EOFError, OSError):
                return
            if kind == "record":
                job.records.append(payload)
            elif kind == "result":
                job.result, job._got_result = payload, True
            elif kind == "error":
                job.error = payload

    def _finish(self, job: Job) -> None:
        if job.finished:
            return
        if job._process is not None:
            job._process.join(timeout=1)
        if job.error is not None:
            job.status = FAILED
        elif job.stop_requested_at is not None:
            job.status = STOPPED
        elif job._got_result:
            job.status = DONE
        else:
            job.status = FAILED
            job.error = f"the training process ended unexpectedly (exit code {job._process.exitcode})"
        job.finished_at = time.time()

    def _start_waiting(self) -> None:
        while self._queue and len(self.running()) < self.max_running and not self._closed:
            job = self._queue.pop(0)
            job._channel = self._context.Queue()
            job._stop_event = self._context.Event()
            job._process = self._context.Process(
                target=_run_child,
                args=(_target_name(job.target), job.config, job._channel, job._stop_event, self.threads_per_job,
                      self.niceness),
                name=f"rnn-explorer-{job.id}",
                daemon=True,
            )
            # Under `streamlit run`, __main__ is the page script; spawn would re-run it in the child before the
            # job starts. A bare __main__ while starting keeps the child to the job alone.
            main = sys.modules.get("__main__")
            sys.modules["__main__"] = _BARE_MAIN
            try:
                job._process.start()
            finally:
                if sys.modules.get("__main__") is _BARE_MAIN:
                    sys.modules["__main__"] = main
            job.status = RUNNING
            job.started_at = time.time()

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
