"""The live lab in a real browser: start a short run, watch curves appear while it trains, stop it."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

from tests.browser.conftest import assert_no_exception, screenshot, wait_ready


def plot_count(page) -> int:
    return page.locator(".js-plotly-plot").count()


def test_lab_start_shows_live_curves_then_stop(page, server):
    # A long run (so it is still training when we press Stop) on a short sequence, set through the shareable URL.
    page.goto(f"{server}/lab?lab.seq_len=10&lab.steps=5000&lab.hidden_size=16")
    wait_ready(page)
    assert_no_exception(page, "lab")
    before = plot_count(page)
    main = page.locator('[data-testid="stMain"]')  # the toolbar has a "Stop" of its own while a script runs
    main.get_by_role("button", name="Start", exact=True).click()

    deadline = time.time() + 120
    while time.time() < deadline and plot_count(page) <= before:
        time.sleep(0.5)
    assert plot_count(page) > before, "no live charts appeared while training"
    assert_no_exception(page, "lab while training")
    screenshot(page, "lab_training")

    stop = main.get_by_role("button", name="Stop", exact=True)
    stop.click()
    deadline = time.time() + 60
    while time.time() < deadline and not page.get_by_text("Stopped after").count():
        time.sleep(0.5)
    assert page.get_by_text("Stopped after").count(), "the run did not report that it stopped"
    assert_no_exception(page, "lab after stop")
    screenshot(page, "lab_stopped")


def _main(page):
    return page.locator('[data-testid="stMain"]')


def _lab_params(url: str) -> dict[str, list[str]]:
    query = parse_qs(urlparse(url).query)
    return {key: values for key, values in query.items() if key.startswith("lab.")}


def _wait_for_url(page, predicate, what: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline and not predicate(_lab_params(page.url)):
        time.sleep(0.25)
    assert predicate(_lab_params(page.url)), f"{what}: the URL is {page.url}"


def _shown(page, label: str) -> str:
    """The visible choice of the selectbox labelled ``label``."""
    return _main(page).locator('[data-testid="stSelectbox"]').filter(has_text=label).first.locator(
        "input").input_value()


def _choose(page, label: str, option: str) -> None:
    """Open the selectbox labelled ``label`` and pick ``option`` (a visible label)."""
    _main(page).locator('[data-testid="stSelectbox"]').filter(has_text=label).first.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_ready(page)


def test_change_controls_then_reset(page, server):
    """Issue 12: after the browser wrote changed controls into the URL, Reset raised StreamlitAPIException."""
    page.goto(f"{server}/lab")
    wait_ready(page)
    seed = _main(page).locator('[data-testid="stNumberInput"]').filter(has_text="Random seed").locator("input")
    seed.fill("7")
    seed.press("Enter")
    wait_ready(page)
    _choose(page, "Task", "Recall the first symbol")
    _wait_for_url(page, lambda params: params.get("lab.seed") == ["7"] and params.get("lab.task") == ["recall"],
                  "the changed seed and task in the URL")

    _main(page).get_by_role("button", name="Reset", exact=True).click()
    wait_ready(page)
    assert_no_exception(page, "lab after Reset")
    _wait_for_url(page, lambda params: not params, "a clean URL after Reset")
    assert seed.input_value() == "0"
    assert _shown(page, "Task") == "Adding problem"

    page.goto(f"{server}/lab?lab.seed=7&lab.task=recall")  # Reset on a shared link, before touching anything
    wait_ready(page)
    _main(page).get_by_role("button", name="Reset", exact=True).click()
    wait_ready(page)
    assert_no_exception(page, "lab after Reset on a shared link")
    _wait_for_url(page, lambda params: not params, "a clean URL after Reset on a shared link")
    assert seed.input_value() == "0"


def test_a_link_made_in_chinese_opens_in_english(page, server):
    page.goto(f"{server}/lab?lang=zh")
    wait_ready(page)
    _choose(page, "任务", "回忆第一个符号")
    assert _shown(page, "任务") == "回忆第一个符号"  # still in Chinese after the rerun
    _choose(page, "初始化", "遗忘门偏置 1（LSTM）")
    _wait_for_url(page, lambda params: params.get("lab.task") == ["recall"] and
                  params.get("lab.init") == ["forget_bias_1"], "codes, not Chinese labels, in the URL")
    shared = page.url.replace("lang=zh&", "").replace("&lang=zh", "").replace("lang=zh", "")

    english = page.context.browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        english.goto(shared)
        wait_ready(english)
        assert_no_exception(english, "the shared link in English")
        assert _shown(english, "Task") == "Recall the first symbol"
        assert _shown(english, "Initialisation") == "Forget bias 1 (LSTM)"
        assert _lab_params(english.url) == {"lab.task": ["recall"], "lab.init": ["forget_bias_1"]}
    finally:
        english.context.close()
