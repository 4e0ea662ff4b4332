"""The presenter layout (``?present=1``) on a 1280×720 projector: sidebar collapsed, type at least 1.25×, the long
explanations folded, and the lesson's key figure with its formula-with-numbers on the first screen, no scrolling.

Measured after load on the drawn page: the bottom of the key figure and of the step's formula block (the container
keyed ``step-formulas``) must lie within 720 px of the top of the page.
"""

from __future__ import annotations

import time

import pytest

from pages.kit.presenter import FORMULAS_KEY
from tests.browser.conftest import assert_no_exception, screenshot, wait_ready

PROJECTOR = {"width": 1280, "height": 720}
KEY_FIGURES = {"rnn_step": "rnn_step-unrolled", "lstm_step": "lstm_step-cell", "gru_step": "gru_step-cell"}

MEASURE = """([figure, formulas]) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const box = key => { const element = document.querySelector('.st-key-' + key);
    if (!element) return null; const rect = element.getBoundingClientRect();
    return {top: rect.top + main.scrollTop, bottom: rect.bottom + main.scrollTop, height: rect.height}; };
  const katex = document.querySelectorAll('.st-key-' + formulas + ' .katex-display').length;
  const svg = document.querySelector('.st-key-' + figure + ' .main-svg');
  return {figure: box(figure), formulas: box(formulas), katex: katex,
          figureDrawn: svg ? svg.getBoundingClientRect().height : 0,
          fontSize: parseFloat(getComputedStyle(document.documentElement).fontSize),
          mainLeft: document.querySelector('[data-testid="stMainBlockContainer"]').getBoundingClientRect().left,
          sidebarRight: (document.querySelector('[data-testid="stSidebar"]')?.getBoundingClientRect().right) || 0,
          scrollTop: main.scrollTop};
}"""


@pytest.fixture
def projector(browser):
    context = browser.new_context(viewport=PROJECTOR)
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    yield tab
    context.close()


@pytest.mark.parametrize("name", list(KEY_FIGURES))
def test_the_key_figure_and_its_formula_fit_a_projector(projector, server, name):
    projector.goto(f"{server}/{name}?present=1")
    wait_ready(projector)
    projector.wait_for_selector(f".st-key-{KEY_FIGURES[name]} .main-svg")
    time.sleep(1.5)  # KaTeX and Plotly draw after the run
    assert_no_exception(projector, name)
    seen = projector.evaluate(MEASURE, [KEY_FIGURES[name], FORMULAS_KEY])
    screenshot(projector, f"presenter_{name}")
    assert seen["scrollTop"] == 0
    assert seen["fontSize"] >= 1.25 * 16  # type at least 1.25× the 16 px default
    assert seen["sidebarRight"] <= 1 and seen["mainLeft"] < 100  # the sidebar is collapsed, the page uses the width
    assert seen["figure"] is not None and seen["figureDrawn"] > 300  # the figure itself, drawn
    assert seen["formulas"] is not None and seen["katex"] >= 1  # the step's formula with its numbers
    assert seen["figure"]["bottom"] <= PROJECTOR["height"], seen
    assert seen["formulas"]["bottom"] <= PROJECTOR["height"], seen
    # Long explanations are folded: the page's introduction sits in a closed expander.
    about = projector.locator('[data-testid="stExpander"] details', has_text="About this page").first
    assert about.count() == 1 and about.get_attribute("open") is None
