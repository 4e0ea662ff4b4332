"""The child side of a background job: ``python -m core.job_worker``, talking to its parent over its own pipes.

Why a plain subprocess rather than ``multiprocessing``: the spawn start method re-imports the parent's ``__main__``
in the child, and under ``streamlit run`` that is whichever page script last ran — it would run a page in the
training process. Swapping ``sys.modules["__main__"]`` around ``Process.start()`` races the other sessions' scripts.
This entry point imports only the job's own target, whatever runs in the parent.

Protocol (one process per job), every message one *frame*: an 8-byte big-endian length, then a pickle of that size.

- stdin: one frame, the request ``(target_name, config, threads, niceness, busy_fd)``. After it the parent sends
  nothing;
  the end of stdin — the parent closed it (Stop) or died — means "stop": the target sees ``should_stop()``.
- stdout: ``("records", [record, ...])`` frames (batched, see :class:`PipeReporter`), then one
  ``("result", value)`` or ``("error", traceback_text)``.

Both ends are this project's own code started by the server (never a user's file), so pickle is safe here; it lets
frozen dataclasses cross unchanged.
"""

from __future__ import annotations

import importlib
import os
import pickle
import struct
import sys
import threading
import time
import traceback
from typing import Any, BinaryIO, Callable

from core.job_pacing import GiveWay, give_way_from

_LENGTH = struct.Struct(">Q")


def write_frame(stream: BinaryIO, message: Any) -> None:
    """Send one pickled message (the caller serialises writers)."""
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(payload)) + payload)
    stream.flush()


def read_frame(stream: BinaryIO) -> Any:
    """The next message, or ``None`` at the end of the stream (a cut-off frame counts as the end)."""
    header = stream.read(_LENGTH.size)
    if len(header) < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack(header)
    payload = stream.read(length)
    if len(payload) < length:
        return None
    return pickle.loads(payload)


def target_name(target: Callable) -> str:
    """``"module:function"``: the child imports the target itself, after lowering its priority."""
    name = f"{target.__module__}:{target.__qualname__}"
    if "<" in name or target.__module__ == "__main__":
        raise ValueError(f"a job target must be a top-level function of an importable module, not {name}")
    return name


def import_target(name: str) -> Callable:
    module_name, _, function_name = name.partition(":")
    return getattr(importlib.import_module(module_name), function_name)


class PipeReporter:
    """The child-side reporter: records go out in batches, one ``("records", [...])`` frame at most every
    :data:`FLUSH_SECONDS`; the result or error flushes what is pending first.

    Why batches: a lab run reports three records a step, hundreds a second. As one frame each, the server's reading
    thread woke for every one and took the interpreter lock from the page scripts of every other session (py-spy:
    about a tenth of a busy server's samples in reading frames with two lab runs going). A page polls a job about
    once a second, so a tenth of a second changes nothing it shows. A daemon thread flushes records a quiet target
    left pending.
    """

    FLUSH_SECONDS = 0.1

    def __init__(self, output: BinaryIO, stop: threading.Event, give_way: GiveWay | None = None):
        self._output = output
        self._stop = stop
        self._give_way = give_way
        self._lock = threading.Lock()
        self._pending: list[Any] = []
        self._flushed_at = time.monotonic()
        threading.Thread(target=self._flush_forever, name="record-flush", daemon=True).start()

    def send(self, kind: str, payload: Any) -> None:
        with self._lock:
            self._flush()
            write_frame(self._output, (kind, payload))

    def report(self, record: Any) -> None:
        with self._lock:
            self._pending.append(record)
            if time.monotonic() - self._flushed_at >= self.FLUSH_SECONDS:
                self._flush()

    def should_stop(self) -> bool:
        """Asked once per training step, so it is also where the job gives way to a busy server
        (:mod:`core.job_pacing`): it returns when the server is quiet again, after at most a second, or at once
        when the parent asks the job to stop."""
        if self._give_way is not None:
            self._give_way.wait(self._stop)
        return self._stop.is_set()

    def _flush(self) -> None:
        """Write the pending records as one frame (the caller holds the lock)."""
        if self._pending:
            write_frame(self._output, ("records", self._pending))
            self._pending = []
        self._flushed_at = time.monotonic()

    def _flush_forever(self) -> None:
        while True:
            time.sleep(self.FLUSH_SECONDS)
            with self._lock:
                if self._output.closed:
                    return
                try:
                    self._flush()
                except (BrokenPipeError, OSError, ValueError):  # the parent is gone: nobody reads any more
                    return


def _watch_for_stop(requests: BinaryIO, stop: threading.Event) -> None:
    """Block until the parent closes stdin (or writes anything at all), then raise the stop flag."""
    try:
        requests.read()
    finally:
        stop.set()


def lower_priority(niceness: int) -> None:
    """Let every other session's page scripts come first, importing torch included.

    ``niceness`` > 0 also puts the process in Linux's ``SCHED_IDLE`` class: it runs only on CPU time nothing
    else wants. A nice value alone still left two lab trainings taking time slices from a busy server (with 200
    students stepping, the others' p95 doubled); an idle-class thread is pre-empted as soon as a server thread
    wakes. Threads started later (torch's pool, the stop watcher) inherit the class.
    """
    if niceness <= 0:
        return
    try:
        os.nice(niceness)
    except (AttributeError, OSError):
        pass
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):  # not Linux, or a sandbox that forbids it: the nice value stays
        pass


def main() -> None:
    requests = sys.stdin.buffer
    # Frames get a private copy of the pipe; fd 1 then points at stderr, so a stray print() in the target (or a
    # library's) lands in the server log instead of corrupting a frame.
    output = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    request = read_frame(requests)
    if request is None:
        return
    name, config, threads, niceness, busy_fd = request
    lower_priority(niceness)
    stop = threading.Event()
    threading.Thread(target=_watch_for_stop, args=(requests, stop), name="stop-watch", daemon=True).start()
    reporter = PipeReporter(output, stop, give_way_from(busy_fd))
    try:
        import torch

        torch.set_num_threads(max(1, threads))
        result = import_target(name)(config, reporter)
        reporter.send("result", result)
    except BaseException:  # report everything, KeyboardInterrupt included: the parent must learn why
        reporter.send("error", traceback.format_exc())
    finally:
        output.close()


if __name__ == "__main__":
    main()
