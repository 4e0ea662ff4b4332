import os
import sys
import time

import pytest

from core.jobs import DONE, FAILED, QUEUED, RUNNING, STOPPED, JobManager, JobStatus, ListReporter
from tests.core import job_targets


@pytest.fixture
def manager():
    jobs = JobManager(max_running=2, grace_seconds=20.0)
    yield jobs
    jobs.shutdown()


def test_list_reporter_runs_in_process():
    reporter = ListReporter()
    result = job_targets.count_up({"steps": 3}, reporter)
    assert [record["step"] for record in reporter.records] == [0, 1, 2]
    assert result == {"last": 2, "stopped": False}


def test_job_runs_in_another_process_and_returns(manager):
    job = manager.submit(job_targets.count_up, {"steps": 5}, owner="alice", label="count")
    assert manager.wait(job, timeout=60)
    assert job.status == DONE
    assert [record["step"] for record in job.records] == list(range(5))
    assert job.records[0]["pid"] != os.getpid()
    assert job.result == {"last": 4, "stopped": False}
    assert job.queue_position() == 0


def test_cap_queues_the_third_job_and_stop_lets_it_start(manager):
    slow = {"steps": 400, "sleep": 0.05}
    first = manager.submit(job_targets.count_up, slow, owner="a")
    second = manager.submit(job_targets.count_up, slow, owner="b")
    third = manager.submit(job_targets.count_up, {"steps": 2}, owner="c")
    assert first.status == RUNNING and second.status == RUNNING
    assert third.status == QUEUED and third.queue_position() == 1
    assert len(manager.running()) == 2
    first.stop()
    assert manager.wait(first, timeout=60)
    assert first.status == STOPPED
    assert first.result["stopped"] is True  # the function saw the request and returned what it had
    assert manager.wait(third, timeout=60) and third.status == DONE
    manager.stop_owner("b")
    assert manager.wait(second, timeout=60) and second.status == STOPPED


def test_stopping_a_queued_job_means_it_never_runs():
    jobs = JobManager(max_running=1, grace_seconds=2.0)
    try:
        running = jobs.submit(job_targets.count_up, {"steps": 400, "sleep": 0.05}, owner="a")
        waiting = jobs.submit(job_targets.count_up, {"steps": 1}, owner="b")
        waiting.stop()
        assert waiting.status == STOPPED and waiting.records == []
        running.stop()
        assert jobs.wait(running, timeout=60)
    finally:
        jobs.shutdown()


def test_failure_is_reported_with_traceback(manager):
    job = manager.submit(job_targets.crash, {}, owner="a")
    assert manager.wait(job, timeout=60)
    assert job.status == FAILED
    assert "broken on purpose" in job.error
    assert job.records == [{"step": 0}]


def test_a_job_that_ignores_stop_is_killed():
    manager = JobManager(max_running=1, grace_seconds=1.0)
    job = manager.submit(job_targets.ignore_stop, {}, owner="a")
    deadline = time.time() + 30
    while job.status != RUNNING and time.time() < deadline:
        time.sleep(0.05)
    job.stop()
    assert manager.wait(job, timeout=60)
    assert job.status == STOPPED
    manager.shutdown()


def test_jobs_of_ended_sessions_are_stopped():
    alive = {"a": True}
    jobs = JobManager(max_running=2, grace_seconds=2.0, owner_alive=lambda owner: alive.get(owner, False))
    try:
        job = jobs.submit(job_targets.count_up, {"steps": 400, "sleep": 0.05}, owner="a")
        alive["a"] = False
        assert jobs.wait(job, timeout=60)
        assert job.status == STOPPED
        deadline = time.time() + 30
        while jobs.get(job.id) is not None and time.time() < deadline:
            time.sleep(0.1)
        assert jobs.get(job.id) is None, "a finished job of an ended session is kept in memory"
    finally:
        jobs.shutdown()


def test_the_child_never_runs_the_servers_main_script(tmp_path, monkeypatch):
    """Under `streamlit run`, __main__ is a page script: the job's process must not import it (spawn would)."""
    import types

    marker = tmp_path / "page_ran"
    page = tmp_path / "page.py"
    page.write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(page)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    jobs = JobManager(max_running=1)
    try:
        job = jobs.submit(job_targets.describe_main, {}, owner="a")
        assert sys.modules["__main__"] is fake_main  # nothing swapped in the server while starting
        assert jobs.wait(job, timeout=60)
    finally:
        jobs.shutdown()
    assert job.status == DONE and job.result == "ok"  # the stray print did not corrupt the frames
    assert job.records == [{"main": "core.job_worker", "file": job.records[0]["file"]}]
    assert job.records[0]["file"].endswith("job_worker.py")
    assert not marker.exists()


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux scheduling classes")
@pytest.mark.parametrize("niceness", [0, 10])
def test_a_niced_job_runs_in_the_idle_class_and_its_threads_inherit_it(niceness):
    """Page scripts must win the CPU: a job with niceness runs only on time nothing else wants (SCHED_IDLE)."""
    jobs = JobManager(max_running=1, niceness=niceness)
    try:
        job = jobs.submit(job_targets.describe_priority, {}, owner="a")
        assert jobs.wait(job, timeout=60)
    finally:
        jobs.shutdown()
    own_nice = os.getpriority(os.PRIO_PROCESS, 0)
    assert job.status == DONE
    assert job.result == {"idle_class": niceness > 0, "nice": min(19, own_nice + niceness)}


def test_records_arrive_in_order_in_batches_even_when_the_job_goes_quiet(manager):
    """Records travel in batches (one frame a tenth of a second); a batch a quiet job left pending still arrives."""
    job = manager.submit(job_targets.burst_then_wait, {"count": 2000}, owner="a")
    deadline = time.time() + 30
    while len(job.records) < 2000 and time.time() < deadline:
        time.sleep(0.05)
    assert job.status == RUNNING  # still running: the flusher, not the end of the job, delivered the last batch
    assert job.records == [{"step": step} for step in range(2000)]
    job.stop()
    assert manager.wait(job, timeout=30)
    assert job.status == STOPPED and job.result == "stopped"


def test_status_is_an_enum_that_knows_when_a_job_is_over():
    assert [status.finished for status in JobStatus] == [False, False, True, True, True]
    assert JobStatus("stopped") is STOPPED and STOPPED == "stopped"
