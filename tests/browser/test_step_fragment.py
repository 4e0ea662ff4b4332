"""Each step-by-step lesson's step view is a fragment: a step from the URL opens there, and moving the slider re-draws the step
(its words and the URL) while the rest of the page stays as it was."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import assert_no_exception, screenshot, wait_ready


def _step_line(tab) -> str:
    return tab.locator('[data-testid="stMarkdownContainer"]', has_text="reads the").first.inner_text()


@pytest.mark.parametrize("lesson", ["rnn_step", "lstm_step", "gru_step"])
def test_step_slider_in_its_fragment_updates_the_step_and_the_url(page, server, lesson):
    page.goto(f"{server}/{lesson}?{lesson}.step=3")
    page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=90_000)
    wait_ready(page)
    assert_no_exception(page, f"{lesson} at step 3")
    assert "Step t = 3" in _step_line(page)
    title = page.locator('[data-testid="stMainBlockContainer"] h1').first.element_handle()

    thumb = page.locator('[data-testid="stSlider"] input[type="range"]').first
    thumb.focus()
    thumb.press("ArrowRight")
    deadline = time.time() + 30
    while time.time() < deadline and "Step t = 4" not in _step_line(page):
        time.sleep(0.2)
    wait_ready(page)
    assert "Step t = 4" in _step_line(page)
    assert parse_qs(urlparse(page.url).query).get(f"{lesson}.step") == ["4"]
    # outside the fragment nothing was re-drawn: the very same title element is still attached
    assert title.evaluate("node => node.isConnected")
    assert_no_exception(page, f"{lesson} after a step")
    screenshot(page, f"{lesson}_fragment_step")
