"""The **follow** mix of ``bench/bench_load.py``: one lecturer drives a lecture, N students follow it.

The lecturer's tab opens /rnn_step, presses "Start a lecture" (the widget ``lecture.start``) and reads the room's code
from the address the app writes (``page_info_changed``: ``?lecture=CODE&key=SECRET``), as a browser's address bar
shows it. N student tabs open ``/?lecture=CODE``; each holds the page's long poll of the room open as its watcher
component does in a browser (``bench/stclient.py``), and when the lecturer has moved, asks for one full run, in
which the server sets the student's widgets to the lecturer's values.

Every ``think`` seconds the lecturer moves the time step (``rnn_step.step``) one further. The follow delay of one
student for one change is the time from the lecturer sending that change to the student's tab receiving the
slider the server set to the new value (``StreamlitSession.server_set``). A change a student has not seen before
the lecturer's next one counts as missed; errors are failed opens, dropped sockets and runs that did not finish.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from stclient import SUCCESS, StreamlitSession, open_page

FOLLOW_PAGE, STEP_KEY, START_KEY = "rnn_step", "rnn_step.step", "lecture.start"


@dataclass
class FollowTally:
    delays: list[float] = field(default_factory=list)   # seconds, one per (student, change) seen
    missed: int = 0                                     # (student, change) pairs never seen
    changes: int = 0
    errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)


async def _start_lecture(base_url: str, timeout: float) -> tuple[StreamlitSession, str]:
    lecturer, result = await open_page(base_url, FOLLOW_PAGE, timeout=timeout)
    result = await lecturer.rerun({START_KEY: True}, timeout=timeout)
    if result.status not in SUCCESS or result.exceptions:
        raise RuntimeError(f"starting the lecture: status {result.status} {result.exceptions}")
    code = parse_qs(lecturer.query_string).get("lecture", [""])[0]
    if not code or "key" not in parse_qs(lecturer.query_string):
        raise RuntimeError(f"no lecture code in the lecturer's address ({lecturer.query_string!r})")
    await lecturer.rerun({STEP_KEY: 1}, timeout=timeout)  # the first published view: t = 1
    return lecturer, code


async def _follower(base_url: str, code: str, tally: FollowTally, sessions: list, start_delay: float,
                    timeout: float) -> None:
    await asyncio.sleep(start_delay)
    try:
        session, result = await open_page(base_url, "", f"lecture={code}", timeout=timeout)
        sessions.append(session)
        if result.status not in SUCCESS or result.page_not_found:
            tally.errors.append(f"follower open: status {result.status}")
        tally.exceptions += list(result.exceptions)
    except Exception as error:
        tally.errors.append(f"follower open: {type(error).__name__}: {error}")


async def _collect(sessions: list[StreamlitSession], value: int, sent: float, until: float,
                   tally: FollowTally) -> None:
    """Wait until every student has the lecturer's ``value`` (or ``until``), then record delays and misses."""
    pending = list(sessions)
    while pending and time.perf_counter() < until:
        await asyncio.sleep(0.05)
        still = []
        for session in pending:
            seen = session.server_set.get(STEP_KEY)
            if seen is not None and seen[1] >= sent and int(seen[0][0]) == value:
                tally.delays.append(seen[1] - sent)
            else:
                still.append(session)
        pending = still
    tally.missed += len(pending)


async def run_follow(base_url: str, students: int, duration: float, think: float, ramp: float,
                     timeout: float) -> FollowTally:
    """One lecture with ``students`` followers for ``duration`` seconds after a ``ramp`` of opens."""
    tally = FollowTally()
    sessions: list[StreamlitSession] = []
    lecturer = None
    try:
        lecturer, code = await _start_lecture(base_url, timeout)
        await asyncio.gather(*(_follower(base_url, code, tally, sessions, ramp * index / max(1, students), timeout)
                               for index in range(students)))
        await asyncio.sleep(2.0)  # every follower has applied the first view
        top = int(lecturer.widgets[STEP_KEY].maximum or 2)
        value, stop = 1, time.monotonic() + duration
        while time.monotonic() < stop:
            value = value % top + 1
            sent = time.perf_counter()
            result = await lecturer.rerun({STEP_KEY: value}, timeout=timeout)
            if result.status not in SUCCESS:
                tally.errors.append(f"lecturer step: status {result.status}")
            tally.exceptions += list(result.exceptions)
            tally.changes += 1
            await _collect(sessions, value, sent, sent + think, tally)
            await asyncio.sleep(max(0.0, sent + think - time.perf_counter()))  # the lecturer's pace, not the class's
        for session in sessions:
            tally.exceptions += session.fragment_exceptions
    except Exception as error:
        tally.errors.append(f"{type(error).__name__}: {error}")
    finally:
        for session in sessions + ([lecturer] if lecturer else []):
            await session.close()
    return tally
