"""A full server refuses a job at once, with a reason, instead of queueing it forever or running out of memory."""

import os

import pytest

from core.job_admission import MEMORY_FULL, QUEUE_FULL, Admission, JobRefused
from core.jobs import QUEUED, RUNNING, STOPPED, JobManager
from core.memory import resident_bytes, server_memory_bytes
from tests.core import job_targets

SLOW = {"steps": 2000, "sleep": 0.05}


def test_queue_limit_refuses_the_job_that_would_wait_beyond_it_and_admits_again_when_room_frees():
    manager = JobManager(max_running=1, grace_seconds=20.0, admission=Admission(max_queued=1))
    try:
        running = manager.submit(job_targets.count_up, SLOW, owner="a")
        waiting = manager.submit(job_targets.count_up, SLOW, owner="b")
        assert running.status == RUNNING and waiting.status == QUEUED
        with pytest.raises(JobRefused) as refused:
            manager.submit(job_targets.count_up, SLOW, owner="c")
        assert refused.value.reason == QUEUE_FULL
        assert (refused.value.in_use, refused.value.limit) == (1, 1)
        assert [job.owner for job in manager.jobs_of("c")] == []  # nothing half-queued
        waiting.stop()
        assert waiting.status == STOPPED
        again = manager.submit(job_targets.count_up, SLOW, owner="c")
        assert again.status == QUEUED and again.queue_position() == 1
    finally:
        manager.shutdown()


def test_a_job_that_starts_at_once_is_never_refused_for_the_queue():
    manager = JobManager(max_running=2, grace_seconds=20.0, admission=Admission(max_queued=0))
    try:
        first = manager.submit(job_targets.count_up, SLOW, owner="a")
        second = manager.submit(job_targets.count_up, SLOW, owner="b")
        assert first.status == RUNNING and second.status == RUNNING
        with pytest.raises(JobRefused) as refused:
            manager.submit(job_targets.count_up, SLOW, owner="c")
        assert refused.value.reason == QUEUE_FULL
    finally:
        manager.shutdown()


def test_memory_budget_refuses_while_the_server_holds_too_much():
    held = {"bytes": 900}
    admission = Admission(memory_budget_bytes=1000, memory_in_use=lambda: held["bytes"])
    admission.check(waiting=0, must_wait=False)  # 900 < 1000: admitted
    held["bytes"] = 1000
    with pytest.raises(JobRefused) as refused:
        admission.check(waiting=0, must_wait=False)
    assert (refused.value.reason, refused.value.in_use, refused.value.limit) == (MEMORY_FULL, 1000, 1000)
    unmeasurable = Admission(memory_budget_bytes=1, memory_in_use=lambda: None)
    unmeasurable.check(waiting=0, must_wait=True)  # no figure, no refusal


def test_memory_budget_through_the_manager_uses_the_real_resident_size():
    in_use = server_memory_bytes()
    if in_use is None:
        pytest.skip("no /proc on this system: the budget is not enforced here")
    manager = JobManager(max_running=1, admission=Admission(memory_budget_bytes=in_use // 2))
    try:
        with pytest.raises(JobRefused) as refused:
            manager.submit(job_targets.count_up, {"steps": 1}, owner="a")
        assert refused.value.reason == MEMORY_FULL and refused.value.in_use >= in_use // 2
        assert manager.jobs_of("a") == []
    finally:
        manager.shutdown()


def test_server_memory_counts_this_process_and_grows_with_what_it_holds():
    if server_memory_bytes() is None:
        pytest.skip("no /proc on this system")
    before = resident_bytes(os.getpid())
    block = b"x" * (64 * 2**20)  # touched pages, so they are resident
    after = resident_bytes(os.getpid())
    assert after - before >= 60 * 2**20
    # this process's own share, and at least most of it: the two readings are moments apart, and other tests'
    # threads (a cache sweeper's malloc_trim) may hand a few pages back in between (seen: 4 KiB less)
    assert server_memory_bytes() >= after - 2**20
    assert block
    del block


def test_bad_limits_are_rejected():
    with pytest.raises(ValueError):
        Admission(max_queued=-1)
    with pytest.raises(ValueError):
        Admission(memory_budget_bytes=0)
