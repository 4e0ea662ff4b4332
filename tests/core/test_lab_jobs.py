"""The lab through a real JobManager: the server-wide cap queues the third run, Stop ends a run cleanly."""

import time

import pytest

from core.jobs import QUEUED, RUNNING, STOPPED, JobManager
from core.lab.config import LabConfig
from core.lab.records import collect
from core.lab.training import train_lab

ENDLESS = LabConfig(task="adding", seq_len=10, hidden_size=8, batch_size=8, steps=20_000, record_every=10,
                    device="cpu")


@pytest.fixture
def manager():
    jobs = JobManager(max_running=2, grace_seconds=20)
    yield jobs
    jobs.shutdown()


@pytest.mark.slow  # two spawned processes import torch: 10–30 s on the shared 2-core machine
def test_cap_queues_the_third_run_and_stop_ends_runs_cleanly(manager):
    first = manager.submit(train_lab, ENDLESS, owner="a", label="lab")
    second = manager.submit(train_lab, ENDLESS, owner="b", label="lab")
    third = manager.submit(train_lab, ENDLESS, owner="c", label="lab")
    assert (first.status, second.status, third.status) == (RUNNING, RUNNING, QUEUED)
    assert third.queue_position() == 1 and first.queue_position() == 0

    third.stop()  # a queued run never starts
    assert third.status == STOPPED and third.records == []

    # Let the first run really train before stopping it, so the stop lands inside the training loop.
    assert _wait_for_probe(first)
    first.stop()
    assert manager.wait(first, timeout=60)
    assert first.status == STOPPED and first.result["stopped"]
    view = collect(first.records)
    assert view.end["stopped"] and 10 <= view.steps_done < 20_000
    assert view.latest_probe("lstm")["step"] == view.steps_done  # a final recording where it stopped
    assert first.result["steps_done"] == view.steps_done

    assert second.status == RUNNING
    second.stop()
    assert manager.wait(second, timeout=60) and second.status == STOPPED


def _wait_for_probe(job, timeout: float = 60.0) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if any(r["kind"] == "probe" and r["step"] > 0 for r in job.records):
            return True
        time.sleep(0.1)
    return False
