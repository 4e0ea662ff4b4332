"""Links with values a bound widget cannot take open the page at the widget's default, never a traceback."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from pages.kit.registry import BY_NAME
from pages.kit.url_values import finite_number, not_empty

# (page, key, value, the widget's accessor, its default); each of these raised or drew None before (Streamlit 1.67)
ODD_LINKS = [
    ("rnn_step", "rnn_step.seed", "inf", "number_input", 0),
    ("lstm_step", "lstm_step.seed", "1e309", "number_input", 0),
    ("gru_step", "gru_step.hidden", "-inf", "number_input", 4),
    ("code", "code.batch", "Infinity", "number_input", 4),
    ("lab", "lab.seed", "inf", "number_input", 0),
    ("gradients", "gradients.activation", "", "segmented_control", "tanh"),
    ("summary", "summary.width", "", "segmented_control", 64),
]


def test_the_checks():
    assert finite_number("12") and finite_number("-3.5") and finite_number(" 7 ")
    assert not any(finite_number(raw) for raw in ("inf", "-inf", "Infinity", "nan", "1e309", "seven", ""))
    assert not_empty("tanh") and not not_empty("") and not not_empty("  ")


@pytest.mark.parametrize("page, key, value, accessor, default", ODD_LINKS, ids=[f"{key}={value!r}" for _, key, value,
                                                                              *_ in ODD_LINKS])
def test_an_odd_value_in_a_link_opens_the_default(page, key, value, accessor, default):
    app = AppTest.from_file(str(BY_NAME[page].script), default_timeout=60)
    app.session_state["lang"] = "zh"
    app.query_params[key] = value
    app.run()
    assert not app.exception, app.exception
    assert getattr(app, accessor)(key=key).value == default
    assert app.query_params.get(key) is None  # the link's odd value is gone from the address
