"""A lesson link made in Chinese opens the same view in English: the URL carries codes, never the Chinese labels.

Only a real browser writes widget values into the address bar, so this is where the shared link itself is made.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

from tests.browser.conftest import assert_no_exception, screenshot, wait_ready
from tests.browser.test_lessons import open_page


CHOICES = ("gradients.matrix", "gradients.source", "gradients.start", "gradients.reach")


def _params(url: str) -> dict[str, list[str]]:
    return {key: value for key, value in parse_qs(urlparse(url).query).items() if key.startswith("gradients.")}


def _choose(page, option: str) -> None:
    """Press the segmented-control button that reads ``option`` and wait for the rerun."""
    page.locator('[data-testid="stMain"] [data-testid="stButtonGroup"] button').filter(has_text=option).first.click()
    time.sleep(0.5)
    wait_ready(page)


def _active(page) -> list[str]:
    """The visible labels of every segmented control's chosen button."""
    buttons = page.locator('[data-testid="stMain"] [data-testid="stButtonGroup"] button[aria-checked="true"]')
    return [text.strip() for text in buttons.all_inner_texts()]


def test_a_lesson_link_made_in_chinese_opens_in_english(page, server):
    page.goto(f"{server}/gradients?lang=zh")
    wait_ready(page)
    _choose(page, "高斯")
    _choose(page, "一个句子")
    assert_no_exception(page, "gradients in Chinese")
    wanted = {"gradients.matrix": ["gaussian"], "gradients.source": ["sentence"]}
    deadline = time.time() + 30
    while time.time() < deadline and {key: _params(page.url).get(key) for key in wanted} != wanted:
        time.sleep(0.25)
    params = _params(page.url)
    assert {key: params.get(key) for key in wanted} == wanted, page.url  # codes, not 高斯 / 一个句子
    choices = [value for key in CHOICES for value in params.get(key, [])]  # the sentence box may hold Chinese text
    assert not any("\u4e00" <= ch <= "\u9fff" for value in choices for ch in value), page.url
    shared = page.url.replace("lang=zh&", "").replace("&lang=zh", "").replace("lang=zh", "")

    english = page.context.browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        open_page(english, shared)  # waits for the page's own title: a bare wait_ready can pass before the first run
        deadline = time.time() + 30
        while time.time() < deadline and not {"Gaussian", "a sentence"} <= set(_active(english)):
            time.sleep(0.25)
        assert_no_exception(english, "the shared lesson link in English")
        assert {"Gaussian", "a sentence"} <= set(_active(english)), _active(english)
        screenshot(english, "gradients_link_from_chinese")
    finally:
        english.context.close()

