"""The live lab page: renders in both languages, Start runs a real background job whose records get drawn, Stop
stops it. AppTest never fires ``run_every``, so the test polls by running the script again."""

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.jobs import RUNNING, STOPPED
from pages.kit.jobs import job_manager

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "practice" / "lab.py")


def _page(lang: str, **query: str | list[str]) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["lang"] = lang
    at.query_params.update(query)
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


def test_reset_after_a_shared_link_puts_every_control_back_and_cleans_the_url():
    """Issue 12: Reset raised "Cannot directly delete query parameter 'lab.seed'" once a bound control came from the
    URL (a shared link, or any change in a browser, which writes the control into the URL)."""
    at = _page("en", **{"lab.seed": "7", "lab.seq_len": "12", "lab.task": "recall", "lab.cells": ["lstm", "gru"],
                        "lab.clip": "false", "lab.optimizer": "sgd"})
    assert at.number_input(key="lab.seed").value == 7 and at.slider(key="lab.seq_len").value == 12
    assert at.selectbox(key="lab.task").value == "recall" and at.pills(key="lab.cells").value == ["lstm", "gru"]
    assert at.toggle(key="lab.clip").value is False and at.selectbox(key="lab.optimizer").value == "sgd"
    at.button(key="lab.reset").click().run()
    assert not at.exception, at.exception
    assert at.number_input(key="lab.seed").value == 0 and at.slider(key="lab.seq_len").value == 60
    assert at.selectbox(key="lab.task").value == "adding" and at.pills(key="lab.cells").value == ["rnn", "lstm", "gru"]
    assert at.toggle(key="lab.clip").value is True and at.selectbox(key="lab.optimizer").value == "adam"
    assert not [key for key in at.query_params if key.startswith("lab.")], at.query_params


def test_option_controls_put_codes_in_the_url_so_links_cross_languages():
    chinese = _page("zh")
    chinese.selectbox(key="lab.task").set_value("recall")
    chinese.selectbox(key="lab.init").set_value("forget_bias_1")
    chinese.pills(key="lab.cells").set_value(["rnn", "lstm"])
    chinese.run()
    assert not chinese.exception
    link = {key: value for key, value in chinese.query_params.items() if key.startswith("lab.")}
    assert link == {"lab.task": "recall", "lab.init": "forget_bias_1", "lab.cells": ["rnn", "lstm"]}

    english = _page("en", **link)
    assert english.selectbox(key="lab.task").value == "recall"
    assert english.selectbox(key="lab.init").value == "forget_bias_1"
    assert english.pills(key="lab.cells").value == ["rnn", "lstm"]
    assert {key: value for key, value in english.query_params.items() if key.startswith("lab.")} == link

    # A link shared before codes, with the Chinese label in it, still opens the same task in English.
    legacy = _page("en", **{"lab.task": "回忆第一个符号"})
    assert legacy.selectbox(key="lab.task").value == "recall" and legacy.query_params["lab.task"] == "recall"
    unknown = _page("en", **{"lab.task": "<script>"})
    assert unknown.selectbox(key="lab.task").value == "adding" and "lab.task" not in unknown.query_params
