"""The reader's language survives page changes and clicks (it once fell back to English as ``?lang=None``)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from tests.browser.conftest import wait_ready


def settle(tab) -> None:
    try:
        tab.wait_for_selector('[data-testid="stApp"][data-test-script-state="running"]', timeout=1500)
    except Exception:  # over already
        pass
    wait_ready(tab)


def test_chinese_stays_chinese_after_a_page_change_and_a_click(page, server):
    page.goto(f"{server}/?lang=zh")
    wait_ready(page)
    page.locator('[data-testid="stSidebarNav"] a[href$="/rnn_step"]').first.click()
    page.wait_for_url("**/rnn_step**")
    settle(page)
    page.locator('[data-testid="stNumberInputStepUp"]').first.click()  # the seed: any widget on the page
    settle(page)
    assert parse_qs(urlparse(page.url).query).get("lang") == ["zh"], page.url
    title = page.locator('[data-testid="stMainBlockContainer"] h1').first.inner_text()
    assert any("\u4e00" <= character <= "\u9fff" for character in title), title
