"""At most a few sessions' scripts run at once; the others wait their turn, in order, without touching the GIL.

Why: a server process runs every session's script in its own thread, and Python runs one thread's bytecode at a
time (the GIL). Under a class (``bench/bench_load.py --mix experimenting --students 100``) dozens of scripts were in
flight together, and the server's CPU stayed near 70 % of one core while a rerun took 4–5 s: each script hands the
GIL back for every element it sends (a socket write wakes the event loop) and for every torch call, then queues
behind every other script thread to get it back, while the event loop itself, which starts each new script thread
and forwards every element, waited in the same queue. A script admitted through this gate competes only with the
few others inside it; one that waits here sleeps on a lock and costs nothing. The work is the same, done with less
waiting. Measured on a 2-core machine, quiet, one server process, same code, 30 s of the experimenting mix at
100 / 200 students (p95; reruns served at 100):

    open door (no gate)   4.82 s / 11.1 s   623 reruns
    2 at a time           0.84 s / 4.35 s   1017
    3 at a time           0.47 s / 4.72 s   1075   (the default)
    4 at a time           0.70 s / 5.20 s   1042

One at a time was worse than two (a lone script leaves the second core idle while torch runs).

Fragments (a step lesson's slider and play button, the lab's live panel, a class question's tally) do not pass the
gate: they are short and must not wait behind a class's full reruns. A lecture's followers take a step change in
their step fragment; any other change of the lecturer's view is one full run per follower, and those queue here.
A second gate for fragment runs (two at a time) was tried under 200 students stepping beside two lab trainings right
after a phase of 200 typing sentences: lab p95 0.47 s against 0.52 s without (one run each, same instrumented
setup), and the event loop's long stalls stayed (their cause is Streamlit starting a thread per run, README
"Not met"), so fragments stay out.
Nothing inside the gate waits on another session: a computation two sessions share is built by whichever is inside
(core.idle_cache), and page scripts never sleep.

``RNN_EXPLORER_SCRIPTS`` sets how many scripts run at once (default :data:`DEFAULT_SCRIPTS`).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from core.environment import number_from_environment

DEFAULT_SCRIPTS = 3


def script_slots() -> int:
    """How many scripts may run at once: ``RNN_EXPLORER_SCRIPTS`` if it is a positive whole number, else the default
    (an unusable value is reported on stderr, :mod:`core.environment`)."""
    return number_from_environment("RNN_EXPLORER_SCRIPTS", DEFAULT_SCRIPTS, whole=True)


class ScriptGate:
    """A counting gate whose waiters are admitted first come, first served.

    A leaving holder hands its slot straight to the longest waiter (``threading.Semaphore`` lets a newcomer take a
    freed slot before the woken waiter runs, so under a class an unlucky student's rerun could wait indefinitely).
    """

    def __init__(self, slots: int):
        if slots < 1:
            raise ValueError(f"a gate needs at least one slot, got {slots}")
        self.slots = slots
        self._free = slots
        self._waiting: deque[threading.Lock] = deque()  # one held lock per waiter, released to admit it
        self._lock = threading.Lock()  # guards _free and _waiting

    def _enter(self) -> None:
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                return
            turn = threading.Lock()
            turn.acquire()
            self._waiting.append(turn)
        turn.acquire()  # sleeps until a leaving holder releases it: the slot is then ours

    def _leave(self) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().release()
            else:
                self._free += 1

    @contextmanager
    def admitted(self) -> Iterator[None]:
        """Wait for a slot, hold it for the ``with`` body, give it back even when the body raises (a rerun or a stop
        request interrupts a script with an exception)."""
        self._enter()
        try:
            yield
        finally:
            self._leave()

    @property
    def inside(self) -> int:
        """How many holders are inside now."""
        with self._lock:
            return self.slots - self._free

    @property
    def waiting(self) -> int:
        """How many callers wait for a slot now."""
        with self._lock:
            return len(self._waiting)


GATE = ScriptGate(script_slots())  # one per server process: every session's script passes it
