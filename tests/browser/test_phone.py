"""Students on phones (390×844, as measured for a class's followers): every lesson's formulas and figures stay inside
the column, and the numbers on the figures do not run into each other.

A displayed formula either fits its column (it wraps after "=", "+" on a narrow screen) or, where one unbreakable
part (a matrix times a vector) is wider than the column, scrolls sideways inside its own block. A figure either fits,
or sits in a sideways-scrolling frame that fits. Measured in the browser, on the drawn elements.
"""

from __future__ import annotations

import time

import pytest

from pages.kit.registry import PAGES
from tests.browser.conftest import assert_no_exception, screenshot, wait_ready

PHONE = {"width": 390, "height": 844}
LESSONS = [entry.name for entry in PAGES if entry.section == "section_lessons"]
GLYPH_OVERHANG = 4  # px
TWELVE_TOKENS = "the cat sat on the mat and the dog ate my hat"

# Per formula: its box, its column, the widest part KaTeX cannot break, how far its content reaches, and whether it
# scrolls sideways.
FORMULAS = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] .katex-display'))
  .filter(display => display.offsetParent !== null)
  .map(display => {
    const column = display.closest('[data-testid="stElementContainer"]').getBoundingClientRect();
    const box = display.getBoundingClientRect();
    const parts = Array.from(display.querySelectorAll('.katex-html > .base'))
      .map(part => part.getBoundingClientRect().width);
    return {left: box.left, right: box.right, columnLeft: column.left, columnRight: column.right,
            client: display.clientWidth, scroll: display.scrollWidth, widestPart: Math.max(0, ...parts),
            overflow: getComputedStyle(display).overflowX, text: display.textContent.slice(0, 60)};
  })"""

# Per visible chart: the frame it lives in (its sideways-scrolling frame if it has one), how wide it is drawn, and
# whether that frame scrolls.
CHARTS = """() => {
  const main = document.querySelector('[data-testid="stMainBlockContainer"]').getBoundingClientRect();
  return Array.from(document.querySelectorAll('[data-testid="stMain"] [data-testid="stPlotlyChart"]'))
    .filter(chart => chart.offsetParent !== null && chart.querySelector('.main-svg'))
    .map(chart => {
      const container = chart.closest('[data-testid="stElementContainer"]');
      const frame = chart.closest('[class*="st-key-scroll-"]') || container;
      const box = frame.getBoundingClientRect();
      return {key: container.className.match(/st-key-[^ ]+/)?.[0] || '?', frameLeft: box.left, frameRight: box.right,
              mainLeft: main.left, mainRight: main.right,
              drawn: chart.querySelector('.main-svg').getBoundingClientRect().width,
              client: frame.clientWidth, overflow: getComputedStyle(frame).overflowX};
    });
}"""

# Bounding boxes of one chart's drawn values: scatter text (the numbers in a cell diagram's squares) or markers.
BOXES = """([key, selector]) => Array.from(document.querySelectorAll(`.${key} ${selector}`))
  .map(element => element.getBoundingClientRect())
  .filter(box => box.width > 0 && box.height > 0)
  .map(box => [box.left, box.top, box.right, box.bottom])"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    yield tab
    context.close()


UNDRAWN = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] [data-testid="stPlotlyChart"]'))
  .filter(chart => chart.offsetParent !== null && !chart.querySelector('.main-svg')).length"""


def load(tab, url: str, drawn: str | None = None) -> None:
    """Open ``url`` and wait until its script has run, every visible chart is drawn, and ``drawn`` (a selector)
    is on the page."""
    tab.goto(url)
    wait_ready(tab)
    deadline = time.time() + 30
    while time.time() < deadline and tab.evaluate(UNDRAWN):
        time.sleep(0.2)
    if drawn is not None:
        tab.wait_for_selector(drawn)
    time.sleep(1.0)  # Plotly and KaTeX finish drawing after the script run
    assert_no_exception(tab, url)


def overlaps(boxes: list[list[float]], slack: float = 0.5) -> list[tuple[list[float], list[float]]]:
    """Pairs of boxes that share more than ``slack`` px in both directions."""
    found = []
    for index, (left, top, right, bottom) in enumerate(boxes):
        for other in boxes[index + 1:]:
            across = min(right, other[2]) - max(left, other[0])
            down = min(bottom, other[3]) - max(top, other[1])
            if across > slack and down > slack:
                found.append(([left, top, right, bottom], other))
    return found


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_lesson_fits_a_phone(phone, server, lang):
    """In both languages: Chinese labels are shorter but set in wider glyphs, and the formulas' words differ."""
    assert len(LESSONS) == 9
    problems, formula_count = [], 0
    for name in LESSONS:
        load(phone, f"{server}/{name}?lang={lang}")
        page_width = phone.evaluate("() => document.documentElement.scrollWidth")
        if page_width > PHONE["width"]:
            problems.append(f"/{name}: the page itself is {page_width} px wide")
        for formula in phone.evaluate(FORMULAS):
            formula_count += 1
            where = f"/{name}?lang={lang} formula {formula['text']!r}"
            if formula["left"] < formula["columnLeft"] - 1 or formula["right"] > formula["columnRight"] + 1:
                problems.append(f"{where}: its block leaves the column")
            if formula["widestPart"] <= formula["client"] + 1:
                # Every part fits: the formula must wrap to fit (a few px are a glyph's italic overhang, not a cut).
                if formula["scroll"] > formula["client"] + GLYPH_OVERHANG:
                    problems.append(f"{where}: {formula['scroll']} px in a {formula['client']} px column, not wrapped")
            elif formula["overflow"] not in ("auto", "scroll"):
                problems.append(f"{where}: a {formula['widestPart']:.0f} px part is cut, not scrollable")
        for chart in phone.evaluate(CHARTS):
            where = f"/{name}?lang={lang} chart {chart['key']}"
            if chart["frameLeft"] < chart["mainLeft"] - 1 or chart["frameRight"] > chart["mainRight"] + 1:
                problems.append(f"{where}: its frame leaves the column")
            if chart["drawn"] > chart["client"] + 1 and chart["overflow"] not in ("auto", "scroll"):
                problems.append(f"{where}: drawn {chart['drawn']:.0f} px wide in {chart['client']} px, cut")
    assert formula_count > 40  # the step lessons alone show dozens: the selectors found them
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", ["lstm_step", "gru_step"])
def test_the_cell_diagram_numbers_stand_apart_on_a_phone(phone, server, name, lang):
    key = f"st-key-{name}-cell"
    load(phone, f"{server}/{name}?lang={lang}", drawn=f".{key} .scatterlayer .textpoint text")
    numbers = phone.evaluate(BOXES, [key, ".scatterlayer .textpoint text"])
    assert len(numbers) >= 35  # every square of every chip prints its value (GRU: 8 vectors of 4, x_t of 3)
    assert not overlaps(numbers), overlaps(numbers)[:5]
    squares = phone.evaluate(BOXES, [key, ".scatterlayer .points path"])
    assert len(squares) == len(numbers)
    assert not overlaps(squares, slack=1.5), overlaps(squares, slack=1.5)[:5]  # touching outlines are fine
    screenshot(phone, f"phone_{name}_{lang}")


def test_a_twelve_token_sentence_keeps_the_rnn_squares_apart(phone, server):
    key = "st-key-rnn_step-unrolled"
    load(phone, f"{server}/rnn_step?rnn_step.text={TWELVE_TOKENS.replace(' ', '+')}",
         drawn=f".{key} .scatterlayer .points path")
    typed = phone.locator('[data-testid="stMain"] [data-testid="stTextInput"] input').first.input_value()
    assert typed == TWELVE_TOKENS
    squares = phone.evaluate(BOXES, [key, ".scatterlayer .points path"])
    assert len(squares) >= 12 * (3 + 4 + 2)  # x_t, h_t and ŷ_t of every step
    assert not overlaps(squares, slack=1.5), overlaps(squares, slack=1.5)[:5]
    tokens = phone.evaluate(BOXES, [key, ".scatterlayer .textpoint text"])
    token_row = [box for box in tokens if abs(box[1] - max(other[1] for other in tokens)) < 2]  # the lowest row
    assert len(token_row) == 12
    assert not overlaps(token_row, slack=0), overlaps(token_row, slack=0)[:3]
