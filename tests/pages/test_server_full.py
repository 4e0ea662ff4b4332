"""A full server says so: Start on the lab page of a server whose job manager refuses shows one message in the
user's language, queues nothing and leaves the page usable (no hang, no exception)."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.job_admission import MEMORY_FULL, QUEUE_FULL, JobRefused
from pages.kit.i18n import texts
from pages.kit.jobs import job_manager

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "practice" / "lab.py")


class _Full:
    """An admission that refuses every job, as a full server's would."""

    def __init__(self, reason: str):
        self.reason = reason

    def check(self, waiting: int, must_wait: bool) -> None:
        raise JobRefused(self.reason, 6, 6)


@pytest.fixture
def full_server():
    manager = job_manager()
    kept = manager.admission

    def fill(reason: str):
        manager.admission = _Full(reason)
        return manager

    yield fill
    manager.admission = kept


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("reason", [QUEUE_FULL, MEMORY_FULL])
def test_start_on_a_full_server_explains_and_queues_nothing(full_server, lang, reason):
    manager = full_server(reason)
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["lang"] = lang
    at.run()
    jobs_before = len(manager._jobs)
    at.button(key="lab.start").click().run()
    assert not at.exception
    expected = texts("common", lang)["server_full"].format(reason, waiting=6, limit=6)
    assert [error.value for error in at.error] == [expected]
    assert "lab.job" not in at.session_state
    assert len(manager._jobs) == jobs_before
    assert at.button(key="lab.start").disabled is False  # the user can try again
