"""The lab through a real JobManager: the server-wide cap queues the third run, Stop ends a run cleanly."""

import pytest

from core.jobs import DONE, QUEUED, RUNNING, STOPPED, JobManager
from core.lab.config import LabConfig
from core.lab.records import collect
from core.lab.training import train_lab

SMALL = dict(task="adding", seq_len=10, hidden_size=8, batch_size=8, record_every=10, device="cpu")


@pytest.fixture
def manager():
    jobs = JobManager(max_running=2, grace_seconds=20)
    yield jobs
    jobs.shutdown()


def test_cap_queues_the_third_run_and_stop_frees_its_slot(manager):
    endless = LabConfig(**SMALL, steps=20_000)
    first = manager.submit(train_lab, endless, owner="a", label="lab")
    second = manager.submit(train_lab, endless, owner="b", label="lab")
    third = manager.submit(train_lab, LabConfig(**SMALL, steps=30), owner="c", label="lab")
    assert (first.status, second.status, third.status) == (RUNNING, RUNNING, QUEUED)
    assert third.queue_position() == 1 and first.queue_position() == 0

    first.stop()
    assert manager.wait(first, timeout=60)
    assert first.status == STOPPED and first.result["stopped"]
    assert collect(first.records).end["stopped"]

    assert manager.wait(third, timeout=60)  # it took the freed slot and ran to the end
    assert third.status == DONE, third.error
    view = collect(third.records)
    assert view.steps_done == 30 and [p["step"] for p in view.probes["lstm"]] == [0, 10, 20, 30]
    assert second.status == RUNNING
    second.stop()
    assert manager.wait(second, timeout=60) and second.status == STOPPED
