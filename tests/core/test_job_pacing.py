"""Jobs give way to a busy server: the byte the server writes, the wait a job makes, and a real job that pauses."""

import os
import subprocess
import sys
import threading
import time

import pytest

from core.job_pacing import BusySignal, GiveWay, busy_signal
from core.jobs import JobManager
from tests.core.job_targets import count_up

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the shared byte is a POSIX file mapping")


class _Meter:
    """A fake clock and CPU counter: the test says how much CPU the server used in each window."""

    def __init__(self):
        self.now = 0.0
        self.cpu = 0.0

    def spend(self, seconds: float, share: float) -> None:
        self.now += seconds
        self.cpu += seconds * share


def test_the_byte_says_busy_when_the_server_used_a_quarter_core_since_the_last_update():
    meter = _Meter()
    signal = BusySignal(0.25, cpu_seconds=lambda: meter.cpu, clock=lambda: meter.now)
    meter.spend(0.05, 0.10)
    assert signal.update() is False and not signal.busy
    meter.spend(0.05, 0.30)
    assert signal.update() is True and signal.busy
    meter.spend(0.05, 0.0)  # only the last window counts
    assert signal.update() is False
    meter.spend(0.05, 1.0)
    signal.update()
    signal.quiet()  # no job runs: never leave a 1 behind
    assert not signal.busy
    signal.close()


def test_pacing_can_be_switched_off():
    assert busy_signal(None) is None


def test_a_job_waits_while_busy_but_at_most_max_pause_and_never_once_stopped():
    meter = _Meter()
    signal = BusySignal(0.25, cpu_seconds=lambda: meter.cpu, clock=lambda: meter.now)
    reader = GiveWay(signal.fd, max_pause=0.3, check_seconds=0.005)
    stop = threading.Event()

    started = time.monotonic()
    reader.wait(stop)  # quiet: no wait at all
    assert time.monotonic() - started < 0.05

    meter.spend(0.05, 1.0)
    signal.update()
    started = time.monotonic()
    reader.wait(stop)  # busy the whole time: the cap
    assert 0.25 <= time.monotonic() - started < 1.0

    threading.Timer(0.1, signal.quiet).start()
    started = time.monotonic()
    reader.wait(stop)  # the server goes quiet after 0.1 s: the job goes on then
    assert 0.05 <= time.monotonic() - started < 0.25

    meter.spend(0.05, 1.0)
    signal.update()
    threading.Timer(0.05, stop.set).start()
    started = time.monotonic()
    reader.wait(stop)  # a stop request ends the wait at once
    assert time.monotonic() - started < 0.2
    assert reader.waited_seconds > 0.3
    signal.close()


def test_a_child_process_reads_the_byte_through_the_inherited_descriptor():
    meter = _Meter()
    signal = BusySignal(0.25, cpu_seconds=lambda: meter.cpu, clock=lambda: meter.now)
    meter.spend(0.05, 1.0)
    assert signal.update()  # the test plays a busy server
    code = ("import sys; from core.job_pacing import give_way_from; "
            "print(int(give_way_from(int(sys.argv[1])).busy))")
    shown = subprocess.run([sys.executable, "-c", code, str(signal.fd)], pass_fds=(signal.fd,), capture_output=True,
                           text=True, cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))), check=True)
    assert shown.stdout.strip() == "1"
    signal.close()


def _steps_in(seconds: float, busy_share: float) -> int:
    """How many steps ``count_up`` made in ``seconds`` under a manager with ``busy_share``."""
    manager = JobManager(max_running=1, niceness=0, busy_share=busy_share, poll_seconds=0.02)
    try:
        job = manager.submit(count_up, {"steps": 100_000, "sleep": 0.005}, owner="test")
        deadline = time.monotonic() + 30
        while not job.records and time.monotonic() < deadline:  # the child is up and stepping
            time.sleep(0.02)
        first = len(job.records)
        time.sleep(seconds)
        counted = len(job.records) - first
        job.stop()
        manager.wait(job, timeout=30)
        return counted
    finally:
        manager.shutdown()


def test_a_running_job_pauses_while_the_server_process_is_busy_and_runs_while_it_is_quiet():
    """The real manager and child: a thread of this process burning CPU makes it a busy server."""
    quiet_steps = _steps_in(1.0, busy_share=0.25)
    burning = threading.Event()

    def burn():
        while not burning.is_set():
            sum(range(10_000))
            time.sleep(0)

    burner = threading.Thread(target=burn, daemon=True)
    burner.start()
    try:
        busy_steps = _steps_in(1.0, busy_share=0.25)
        unpaced_steps = _steps_in(1.0, busy_share=None)
    finally:
        burning.set()
        burner.join()
    assert quiet_steps > 20
    assert busy_steps <= 3  # one step per MAX_PAUSE_SECONDS, give or take the second's edges
    assert unpaced_steps > 20
