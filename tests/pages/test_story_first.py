"""Story before math: each step lesson opens with "what to notice", the gate lessons draw their picture before the
equations, and torch's bookkeeping sits in a closed "Deeper" expander (still computed, still checked)."""

from __future__ import annotations

import pytest

from pages.kit.i18n import texts
from tests.pages.page_app import page_opener


def in_order(node) -> list:
    """Every element under ``node`` in the order the page draws them."""
    found = []
    for child in getattr(node, "children", {}).values():
        found.append(child)
        found.extend(in_order(child))
    return found


LESSONS = ["why_sequences", "rnn_step", "bptt", "gradients", "lstm_step", "gru_step", "code", "architectures",
           "summary"]


def is_equation(element) -> bool:
    """A displayed equation, or prose with inline math ($…$)."""
    return element.type == "latex" or (element.type == "markdown" and "$" in str(element.value))


def is_agreement(element, lang: str) -> bool:
    """An "our numbers vs torch's module" box (pages.kit.layout.agreement)."""
    head = texts("common", lang)["agreement"].split("{")[0]
    return element.type in ("success", "error") and str(element.value)[2:].startswith(head)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", LESSONS)
def test_the_lesson_opens_with_what_to_notice_and_a_picture_before_any_equation(page, lang):
    app = page_opener(page)(lang)
    elements = in_order(app.main)
    label = texts("common", lang)["notice"]
    notice_at = next(index for index, element in enumerate(elements)
                     if element.type == "info" and str(element.value).startswith(f"**{label}**"))
    if "{" not in texts(page, lang)["notice"]:
        assert texts(page, lang)["notice"] in elements[notice_at].value
    first_picture = next(index for index, element in enumerate(elements) if element.type == "plotly_chart")
    first_equation = next((index for index, element in enumerate(elements) if is_equation(element)), len(elements))
    assert notice_at < first_picture < first_equation
    assert elements[notice_at].value == app.info[0].value  # the first box of the page


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", LESSONS)
def test_every_agreement_box_sits_in_a_closed_deeper_expander(page, lang):
    app = page_opener(page)(lang)
    deeper = [expander for expander in app.expander if expander.label == texts("common", lang)["deeper"]]
    inside = [box.value for expander in deeper for box in (*expander.success, *expander.error)]
    boxes = [element.value for element in in_order(app.main) if is_agreement(element, lang)]
    assert boxes and not [value for value in boxes if value not in inside]
    assert all("✓" in value for value in boxes)  # still computed, still checked
    assert not any(expander.proto.expanded for expander in deeper)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", ["lstm_step", "gru_step"])
def test_gate_lessons_show_the_cell_before_its_equations_and_keep_bookkeeping_deeper(page, lang):
    app = page_opener(page)(lang)
    elements = in_order(app.main)
    first_chart = next(index for index, element in enumerate(elements) if element.type == "plotly_chart")
    first_equation = next(index for index, element in enumerate(elements) if element.type == "latex")
    assert first_chart < first_equation
    deeper = [expander for expander in app.expander if expander.label == texts("common", lang)["deeper"]]
    assert len(deeper) >= 2  # the module check, and the page's own bookkeeping
    checks = [box.value for expander in deeper for box in expander.success]
    assert any(f"torch.nn.{page[:-5].upper()}" in value for value in checks)
    assert not [box for box in app.success if box not in [b for e in deeper for b in e.success]]  # none outside
    if page == "lstm_step":
        assert any(len(expander.dataframe) for expander in deeper)  # the gate-order table
    else:
        assert any(expander.metric for expander in deeper)  # the reset-placement gap
