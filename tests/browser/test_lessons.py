"""Every page in a real browser: navigation, language switch, animations that play, inputs that edit, shared URLs."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from pages.kit.registry import PAGES
from tests.browser.conftest import assert_no_exception, running_server, screenshot, wait_ready

LESSONS = [entry.name for entry in PAGES if entry.section == "section_lessons"]
WITHOUT_ANIMATION = {"summary"}
# The step lessons' figures have no player of their own: the page's Play (Space) moves the step, figure and formulas.
STEP_LESSONS = {"rnn_step", "lstm_step", "gru_step"}


def test_navigation_reaches_every_page(page, server):
    page.goto(server)
    wait_ready(page)
    assert_no_exception(page, "home")
    screenshot(page, "home_en")
    for entry in PAGES[1:]:
        page.locator(f'[data-testid="stSidebarNav"] a[href$="/{entry.name}"]').first.click()
        page.wait_for_url(f"**/{entry.name}**")
        wait_ready(page)
        assert_no_exception(page, entry.name)
        screenshot(page, f"nav_{entry.name}")


def test_a_fresh_servers_first_visit_on_a_direct_link_shows_that_page_with_the_apps_navigation(page):
    """Streamlit runs a fresh server's first visit in its legacy ``pages/`` mode until ``st.navigation`` has run once;
    the visit must still land on the linked page, in the app's shell, with no "Page not found" dialog."""
    with running_server("streamlit_fresh.log") as fresh:
        open_page(page, f"{fresh}/lstm_step?lang=zh")
        assert_no_exception(page, "lstm_step on a fresh server")
        screenshot(page, "fresh_server_direct_link")
        assert page.locator('[role="dialog"]').count() == 0, page.locator('[role="dialog"]').first.inner_text()
        assert "Page not found" not in page.inner_text("body")
        title = page.locator('[data-testid="stMainBlockContainer"] h1').first.inner_text()
        assert "LSTM" in title and any("\u4e00" <= ch <= "\u9fff" for ch in title), title
        navigation = page.locator('[data-testid="stSidebarNav"] a')
        hrefs = {link.get_attribute("href").rsplit("/", 1)[-1].split("?")[0] for link in navigation.all()}
        assert {entry.name for entry in PAGES if entry.name != "home"} <= hrefs, hrefs
        assert page.locator('[data-testid="stSidebar"] button:has-text("中文")').count()  # the shell's language switch


def test_language_switch_translates_and_sticks_in_the_url(page, server):
    page.goto(f"{server}/rnn_step")
    wait_ready(page)
    english_title = page.locator("h1").first.inner_text()
    page.locator('[data-testid="stSidebar"] button:has-text("中文")').first.click()
    wait_ready(page)
    chinese_title = page.locator("h1").first.inner_text()
    assert chinese_title != english_title
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese_title)
    assert parse_qs(urlparse(page.url).query).get("lang") == ["zh"]
    screenshot(page, "rnn_step_zh")
    page.reload()
    wait_ready(page)
    assert page.locator("h1").first.inner_text() == chinese_title
    assert_no_exception(page, "rnn_step zh")


def slider_value(page) -> list[str]:
    """The players' current-value read-outs ("t = 4"): plotly.js 3 draws each as a `text.slider-label` directly
    under its `g.slider-group` (the tick labels sit one level deeper). SVG has no innerText: read textContent."""
    return page.locator("g.slider-group > text.slider-label").all_text_contents()


def open_page(tab, url: str) -> None:
    """Go to ``url`` and wait until the page itself has drawn (its title), then until the script is idle.

    ``wait_ready`` alone can pass before the first run starts (the page's title is the sign it has drawn).
    """
    tab.goto(url)
    tab.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=90_000)
    wait_ready(tab)


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_plays_edits_and_restores_from_url(page, server, name):
    open_page(page, f"{server}/{name}")
    assert_no_exception(page, name)
    screenshot(page, f"lesson_{name}")

    if name in STEP_LESSONS:
        assert page.locator('[data-testid="stMain"] g.updatemenu-button').count() == 0  # no player in a figure
        thumb = page.locator('[data-testid="stMain"] [data-testid="stSlider"] input[type="range"]').first
        before = thumb.input_value()
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.keyboard.press("Space")  # the page's Play: one step a second
        deadline = time.time() + 15
        while time.time() < deadline and thumb.input_value() == before:
            time.sleep(0.2)
        assert thumb.input_value() != before, f"{name}: Play did not move the time step"
        page.keyboard.press("Space")  # pause
        wait_ready(page)
        screenshot(page, f"lesson_{name}_playing")
    elif name not in WITHOUT_ANIMATION:
        play = page.locator("g.updatemenu-button", has_text="Play").first
        play.scroll_into_view_if_needed()
        before = slider_value(page)
        assert before, f"{name}: no player read-out found"  # a selector gone stale must fail, not pass on []
        play.click()
        deadline = time.time() + 15
        while time.time() < deadline and slider_value(page) == before:
            time.sleep(0.2)
        assert slider_value(page) != before, f"{name}: the animation did not advance"
        screenshot(page, f"lesson_{name}_playing")

    text_inputs = page.locator('[data-testid="stTextInput"] input')
    if text_inputs.count():
        box = text_inputs.first
        new_value = "the cat sat on the mat"
        box.fill(new_value)
        box.press("Enter")
        time.sleep(0.5)
        wait_ready(page)
        assert_no_exception(page, f"{name} after editing")
        shared = page.url
        assert any(new_value in values for values in parse_qs(urlparse(shared).query).values()), (
            f"{name}: the edited input is not in the URL {shared}"
        )
        fresh = page.context.new_page()
        open_page(fresh, shared)
        # expect() waits out the input's first frame (on a slow machine it was seen still empty once the run ended)
        expect(fresh.locator('[data-testid="stTextInput"] input').first).to_have_value(new_value, timeout=20_000)
        assert_no_exception(fresh, f"{name} from a shared URL")
        screenshot(fresh, f"lesson_{name}_shared")
        fresh.close()
