"""The load bench's follow mix end to end: a real server, one lecturer and three followers over the websocket.

Runs ``bench/follow.py`` for about 10 s: the lecturer starts a lecture through its button and moves the time step
every 3 s; every follower must get every change (the server sets its slider to the lecturer's value), with no error.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import bench_load  # noqa: E402
from follow import run_follow  # noqa: E402

from tests.deploy.coroutines import run_coroutine  # noqa: E402


def test_three_followers_see_every_change_of_the_lecturer(tmp_path):
    process, base_url = bench_load.start_server(tmp_path / "server.log", [])
    try:
        tally = run_coroutine(run_follow(base_url, students=3, duration=8.0, think=3.0, ramp=1.0, timeout=30.0))
    finally:
        process.terminate()
        process.wait(timeout=15)
    assert tally.errors == [] and tally.exceptions == []
    assert tally.changes >= 3
    assert tally.missed == 0 and len(tally.delays) == 3 * tally.changes
    assert min(tally.delays) > 0  # each change seen after it was made, within the 3 s before the next
