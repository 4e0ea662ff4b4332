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


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", ["rnn_step", "bptt", "lstm_step", "gru_step"])
def test_the_lesson_opens_with_what_to_notice(page, lang):
    app = page_opener(page)(lang)
    notice = texts(page, lang)["notice"]
    assert any(notice in box.value and texts("common", lang)["notice"] in box.value for box in app.info)
    first_equation = next(index for index, element in enumerate(in_order(app.main)) if element.type == "latex")
    notice_at = next(index for index, element in enumerate(in_order(app.main))
                     if element.type == "info" and notice in element.value)
    assert notice_at < first_equation


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
