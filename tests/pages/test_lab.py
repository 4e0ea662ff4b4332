"""The live lab page: renders in both languages, Start runs a real background job whose records get drawn, Stop
stops it. AppTest never fires ``run_every``, so the test polls by running the script again."""

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.jobs import RUNNING, STOPPED
from pages.kit.jobs import job_manager

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "practice" / "lab.py")


def _page(lang: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["lang"] = lang
    return at.run()


def _job(at: AppTest):
    return job_manager().get(at.session_state["lab.job"]) if "lab.job" in at.session_state else None


@pytest.mark.parametrize("lang,title", [("en", "Live lab"), ("zh", "实时实验室")])
def test_page_renders_idle_in_both_languages(lang, title):
    at = _page(lang)
    assert not at.exception
    assert title in at.title[0].value
    assert at.button(key="lab.start").disabled is False
    assert at.button(key="lab.stop").disabled is True
    assert len(at.get("plotly_chart")) == 0  # nothing trained, nothing drawn
    assert at.slider(key="lab.seq_len").value == 60


def test_start_poll_and_stop_a_real_run():
    at = _page("zh")
    at.slider(key="lab.seq_len").set_value(8)
    at.select_slider(key="lab.hidden_size").set_value(8)
    at.select_slider(key="lab.steps").set_value(5000)
    at.button(key="lab.start").click().run()
    assert not at.exception
    job = _job(at)
    assert job is not None and job.status == RUNNING and job.config.seq_len == 8
    assert at.button(key="lab.stop").disabled is False and at.button(key="lab.start").disabled is True

    deadline = time.time() + 60
    while not any(r["kind"] == "probe" and r["step"] > 0 for r in job.records) and time.time() < deadline:
        time.sleep(0.5)
        at.run()
    assert not at.exception
    charts = at.get("plotly_chart")
    assert len(charts) >= 6  # curves, gradients, saturation, ∏f, heat maps, norms

    at.button(key="lab.stop").click().run()
    assert job_manager().wait(job, timeout=30) and job.status == STOPPED
    at.run()
    assert not at.exception
    assert at.button(key="lab.start").disabled is False
    assert any("停止" in w.value for w in at.warning)  # "stopped after n of 5000 steps"

    at.button(key="lab.reset").click().run()
    assert "lab.job" not in at.session_state and at.slider(key="lab.seq_len").value == 60
