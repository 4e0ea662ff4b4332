"""The live lab in a real browser: start a short run, watch curves appear while it trains, stop it."""

from __future__ import annotations

import time

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
