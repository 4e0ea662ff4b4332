"""The script gate: at most its slots inside at once, waiters admitted in the order they came, slots given back on
exceptions, and the app's shell passing it on every visit."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from pages.kit import script_gate
from pages.kit.script_gate import ScriptGate, script_slots

ROOT = Path(__file__).resolve().parents[2]


def _hold(gate: ScriptGate, release: threading.Event, entered: list, name: str) -> None:
    with gate.admitted():
        entered.append(name)
        release.wait(5)


def _wait_until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.002)


def test_no_more_than_its_slots_are_inside_at_once():
    gate, release, entered = ScriptGate(2), threading.Event(), []
    threads = [threading.Thread(target=_hold, args=(gate, release, entered, str(i))) for i in range(5)]
    for thread in threads:
        thread.start()
    _wait_until(lambda: gate.waiting == 3)
    assert gate.inside == 2 and len(entered) == 2
    release.set()
    for thread in threads:
        thread.join(5)
    assert sorted(entered) == [str(i) for i in range(5)]
    assert gate.inside == 0 and gate.waiting == 0


def test_waiters_are_admitted_first_come_first_served():
    gate, entered = ScriptGate(1), []
    first = threading.Event()
    holder = threading.Thread(target=_hold, args=(gate, first, entered, "holder"))
    holder.start()
    _wait_until(lambda: gate.inside == 1)
    releases = [threading.Event() for _ in range(4)]
    waiters = []
    for index, release in enumerate(releases):  # each starts only once the one before it is queued
        release.set()  # a waiter leaves as soon as it is admitted
        waiter = threading.Thread(target=_hold, args=(gate, release, entered, f"w{index}"))
        waiter.start()
        waiters.append(waiter)
        _wait_until(lambda count=index + 1: gate.waiting == count)
    first.set()
    for thread in [holder, *waiters]:
        thread.join(5)
    assert entered == ["holder", "w0", "w1", "w2", "w3"]


def test_a_slot_comes_back_when_the_body_raises():
    gate = ScriptGate(1)
    with pytest.raises(RuntimeError):
        with gate.admitted():
            raise RuntimeError("a rerun interrupts the script")
    assert gate.inside == 0
    with gate.admitted():  # would block for good if the slot had been lost
        assert gate.inside == 1


def test_slots_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("RNN_EXPLORER_SCRIPTS", "3")
    assert script_slots() == 3
    for bad in ("0", "-1", "two", ""):
        monkeypatch.setenv("RNN_EXPLORER_SCRIPTS", bad)
        assert script_slots() == script_gate.DEFAULT_SCRIPTS
    with pytest.raises(ValueError):
        ScriptGate(0)


def test_every_visit_passes_the_gate(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from pages.kit import shell

    seen = []

    class Recording(ScriptGate):
        def _enter(self):
            seen.append("enter")
            super()._enter()

        def _leave(self):
            seen.append("leave")
            super()._leave()

    monkeypatch.setattr(shell, "GATE", Recording(1))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.run()
    assert not app.exception
    assert seen == ["enter", "leave"]
