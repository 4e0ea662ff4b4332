"""Job ownership through public API: a session's lease is released when it disconnects, and a job whose owner stays
away longer than the grace period is stopped; a session that comes back in time keeps its job."""

import time

from core.jobs import STOPPED, JobManager
from pages.kit.jobs import OwnerLeases
from tests.core import job_targets


def test_a_released_owner_counts_as_present_until_the_grace_period_ends():
    leases = OwnerLeases(grace_seconds=0.2)
    assert leases("never-seen")  # a job submitted outside any session (benchmarks, the CLI)
    leases.take("alice")
    assert leases("alice")
    leases.release("alice")
    assert leases("alice")  # a websocket that dropped for a moment
    time.sleep(0.3)
    assert not leases("alice")
    leases.take("alice")  # the same session reconnected and ran a page again
    assert leases("alice")


def test_the_manager_stops_the_jobs_of_an_owner_that_stayed_away():
    leases = OwnerLeases(grace_seconds=0.5)
    jobs = JobManager(max_running=2, grace_seconds=5.0, owner_alive=leases)
    try:
        slow = {"steps": 2000, "sleep": 0.05}
        leaving = jobs.submit(job_targets.count_up, slow, owner=leases.take("leaving"))
        staying = jobs.submit(job_targets.count_up, slow, owner=leases.take("staying"))
        leases.release("leaving")
        leases.release("staying")
        leases.take("staying")  # came back within the grace period
        assert jobs.wait(leaving, timeout=60) and leaving.status == STOPPED
        assert not staying.finished
    finally:
        jobs.shutdown()


def test_the_servers_trainings_pause_at_the_configured_share_or_never(monkeypatch):
    from core.job_pacing import BUSY_SHARE
    from pages.kit.jobs import busy_share, new_job_manager

    monkeypatch.delenv("RNN_EXPLORER_JOBS_BUSY_SHARE", raising=False)
    assert busy_share() == BUSY_SHARE
    monkeypatch.setenv("RNN_EXPLORER_JOBS_BUSY_SHARE", "0.5")
    assert busy_share() == 0.5
    manager = new_job_manager()
    assert manager.busy is not None and manager.busy.busy_share == 0.5
    manager.shutdown()
    monkeypatch.setenv("RNN_EXPLORER_JOBS_BUSY_SHARE", "off")
    manager = new_job_manager()
    assert manager.busy is None  # jobs never wait (a machine with cores to spare)
    manager.shutdown()
