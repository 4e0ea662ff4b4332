"""Trainings give way to page scripts while the server is busy: one shared byte, written by the server, read by jobs.

Why: a job already runs in Linux's idle scheduling class (:func:`core.job_worker.lower_priority`), so the server gets
every CPU slice it asks for. It does not get the parts of the machine the two share. Measured on this project's
2-core machine (``bench/bench_load.py --mix stepping --students 200``, one server, the same run with and without a
one-thread torch loop in the idle class beside it): the server's CPU for the same clicks rose from 51–53 % to
60–63 % of a core and the p95 from 0.09–0.17 s to 0.35–0.87 s. Two lab trainings did the same to a class of 200
(p95 2.4–5 × the stepping mix's). So a job also stops computing while the server is busy, at its next step.

- The server (:class:`BusySignal`, updated by the job manager's pump about every 50 ms while jobs run) writes 1 into
  the byte when its process used at least ``busy_share`` of one core since the last update, else 0. Its CPU time
  is the process's own (``time.process_time``: every thread of the server, none of the jobs').
- A job (:class:`GiveWay`, called by the reporter's ``should_stop()`` once per training step) sleeps while the byte
  says busy, for at most :data:`MAX_PAUSE_SECONDS` at a time: under a saturated server a run still makes a step
  now and then, so its page shows it moving and a stop is still noticed at once.

The byte lives in an unlinked temporary file whose descriptor the child inherits (``Popen(pass_fds=...)``): nothing
is left on disk whatever way the server ends. Linux and other POSIX systems; elsewhere no pacing.
"""

from __future__ import annotations

import mmap
import os
import tempfile
import threading
import time
from collections.abc import Callable

# Busy: the server used at least this share of one core since the last update. An idle server with a lab page
# open (its live panel redrawn each second) stays under it between redraws; a class clicking through lessons is
# over it most of the time.
BUSY_SHARE = 0.25
# A job waits at most this long at a time, then makes one step (and reports it) before it waits again.
MAX_PAUSE_SECONDS = 1.0
# How often a waiting job reads the byte.
CHECK_SECONDS = 0.01


class BusySignal:
    """The server's side: the shared byte and the CPU meter that sets it.

    ``cpu_seconds`` and ``clock`` are ``time.process_time`` and ``time.monotonic`` unless a test passes its own.
    """

    def __init__(self, busy_share: float = BUSY_SHARE, cpu_seconds: Callable[[], float] = time.process_time,
                 clock: Callable[[], float] = time.monotonic):
        self.busy_share = busy_share
        self._cpu_seconds = cpu_seconds
        self._clock = clock
        self._file = tempfile.TemporaryFile(prefix="rnn-explorer-busy-")  # unlinked on POSIX: nothing left on disk
        self._file.write(b"\0")
        self._file.flush()
        self._byte = mmap.mmap(self._file.fileno(), 1)
        self._last = (self._clock(), self._cpu_seconds())
        self._lock = threading.Lock()

    @property
    def fd(self) -> int:
        """The descriptor a job process inherits (``Popen(pass_fds=(signal.fd,))``) and reads with :class:`GiveWay`."""
        return self._file.fileno()

    @property
    def busy(self) -> bool:
        return self._byte[0] == 1

    def update(self) -> bool:
        """Measure the server's CPU share since the last update and write it into the byte; returns busy."""
        with self._lock:
            now, cpu = self._clock(), self._cpu_seconds()
            then, cpu_then = self._last
            self._last = (now, cpu)
            elapsed = now - then
            busy = elapsed > 0 and (cpu - cpu_then) / elapsed >= self.busy_share
            self._byte[0] = 1 if busy else 0
            return busy

    def quiet(self) -> None:
        """Say not busy (no job runs, or the manager stops): a job must never wait on a stale 1."""
        with self._lock:
            self._byte[0] = 0
            self._last = (self._clock(), self._cpu_seconds())

    def close(self) -> None:
        with self._lock:
            self._byte[0] = 0
            self._byte.close()
            self._file.close()


def busy_signal(busy_share: float | None = BUSY_SHARE) -> BusySignal | None:
    """A :class:`BusySignal`, or ``None`` where pacing is off (``busy_share`` None) or the system has no shared
    file mapping (then jobs simply never wait)."""
    if busy_share is None:
        return None
    try:
        return BusySignal(busy_share)
    except (OSError, ValueError, AttributeError):
        return None


class GiveWay:
    """A job's side: ``wait(stop)`` returns at once while the server is quiet, or once it is, or after
    ``max_pause`` seconds, or as soon as ``stop`` is set."""

    def __init__(self, fd: int, max_pause: float = MAX_PAUSE_SECONDS, check_seconds: float = CHECK_SECONDS):
        self._byte = mmap.mmap(fd, 1, access=mmap.ACCESS_READ)
        self.max_pause = max_pause
        self.check_seconds = check_seconds
        self.waited_seconds = 0.0  # in total, for the job's own timing

    @property
    def busy(self) -> bool:
        """What the server wrote last."""
        return self._byte[0] == 1

    def wait(self, stop: threading.Event) -> None:
        if not self.busy or stop.is_set():
            return
        started = time.monotonic()
        deadline = started + self.max_pause
        while self.busy and not stop.is_set() and time.monotonic() < deadline:
            stop.wait(self.check_seconds)
        self.waited_seconds += time.monotonic() - started


def give_way_from(fd: int | None) -> GiveWay | None:
    """The child's reader of the server's byte (``None``: the server sent none, or it cannot be mapped)."""
    if fd is None:
        return None
    try:
        return GiveWay(fd)
    except (OSError, ValueError):
        return None
