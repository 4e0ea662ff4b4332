"""A shared link carrying hostile text (issue 12): everything it says is shown as text, nothing it asks for happens.

The sentence from the URL reaches the lesson's prose (Markdown), its equations and its charts; in the real browser
it must stay literal: no link to another site, no giant KaTeX, no coloured text, and quotes on charts as quotes.
"""

from __future__ import annotations

import re
import time
from urllib.parse import quote

import pytest

from core.escape import WORD_JOINER
from tests.browser.conftest import assert_no_exception, screenshot
from tests.browser.test_lessons import open_page

SENTENCE = 'I say "yes" & no [ok](https://example.com) $\\Huge{BIG}$ :red[red]'
TOKENS = SENTENCE.split()


def step_prose(page, step: int) -> str:
    """The paragraph that names the word read at ``step``, as the browser renders it."""
    prose = page.locator('[data-testid="stMain"] [data-testid="stMarkdownContainer"]', has_text=f"t = {step} ")
    return prose.first.inner_text()


@pytest.mark.parametrize("name", ["rnn_step", "lstm_step"])
def test_a_hostile_shared_link_stays_literal_text(page, server, name):
    for step in (6, 7, 8):  # the link, the LaTeX and the colour directive
        open_page(page, f"{server}/{name}?{name}.text={quote(SENTENCE)}&{name}.step={step}")
        assert_no_exception(page, f"{name} step {step}")
        # the word exactly as typed (an invisible word joiner keeps an address from becoming a link: core.escape)
        assert TOKENS[step - 1] in step_prose(page, step).replace(WORD_JOINER, "")
    main = page.locator('[data-testid="stMain"]')
    assert main.locator('a[href*="example.com"]').count() == 0
    # the equations render, the typed $…$ does not (KaTeX keeps each formula's source in a MathML annotation)
    assert main.locator(".katex", has_text=re.compile(r"BIG|\\Huge")).count() == 0
    assert main.locator('[class*="stMarkdownColoredText"]').count() == 0
    chart_text = ""
    deadline = time.time() + 30  # the charts draw after the script has finished: wait for their text
    while time.time() < deadline and '"yes"' not in chart_text:
        chart_text = " ".join(main.locator(".js-plotly-plot text").all_text_contents())
        time.sleep(0.25)
    assert '"yes"' in chart_text and "&quot;" not in chart_text and "&amp;" not in chart_text
    screenshot(page, f"hostile_link_{name}")


@pytest.mark.parametrize("query", ["rnn_step.seed=inf", "rnn_step.seed=1e309&rnn_step.step=3"])
def test_a_link_with_a_seed_no_input_can_take_opens_the_default(page, server, query):
    # Streamlit's own parsing raised OverflowError on these (pages/kit/url_values.py): a traceback for the class
    open_page(page, f"{server}/rnn_step?{query}")
    assert_no_exception(page, query)
    seed = page.locator('[data-testid="stNumberInput"] input').first
    assert seed.input_value() == "0"
    deadline = time.time() + 10  # the address is rewritten after the run
    while time.time() < deadline and "seed=" in page.url:
        time.sleep(0.2)
    assert "seed=" not in page.url and "/rnn_step" in page.url
    assert ("rnn_step.step=3" in page.url) == ("rnn_step.step=3" in query)  # the rest of the link is kept
