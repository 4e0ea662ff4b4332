"""core/environment.py: the operator's numbers, an unusable one reported once and replaced by the default."""

import logging

import pytest

from core.environment import number_from_environment

NAME = "RNN_EXPLORER_TEST_NUMBER"


@pytest.mark.parametrize("raw, whole, expected", [
    ("4", True, 4), (" 4.0 ", True, 4), ("0.5", False, 0.5), ("1e3", False, 1000.0), ("", True, 7)])
def test_usable_values_and_the_unset_default(monkeypatch, raw, whole, expected):
    monkeypatch.setenv(NAME, raw)
    value = number_from_environment(NAME, 7, whole=whole)
    assert value == expected and type(value) is type(expected)


def test_an_unset_variable_gives_the_default(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)
    assert number_from_environment(NAME, None) is None


@pytest.mark.parametrize("raw, whole", [("two", True), ("0", True), ("-1", True), ("2.5", True), ("nan", False),
                                        ("inf", False), ("-inf", False), ("0", False), ("1e999", False)])
def test_unusable_values_fall_back_and_are_reported_once(monkeypatch, caplog, raw, whole):
    name = f"{NAME}_{abs(hash((raw, whole)))}"  # a name of its own: a value is reported once per process
    monkeypatch.setenv(name, raw)
    with caplog.at_level(logging.WARNING, logger="core.environment"):
        assert number_from_environment(name, 3, whole=whole) == 3
        assert number_from_environment(name, 3, whole=whole) == 3
    reports = [record.getMessage() for record in caplog.records if name in record.getMessage()]
    assert len(reports) == 1
    assert repr(raw) in reports[0] and "using the default, 3" in reports[0]


def test_off_words_turn_a_feature_off(monkeypatch):
    for raw in ("off", "OFF", " no "):
        monkeypatch.setenv(NAME, raw)
        assert number_from_environment(NAME, 0.25, off_words=("off", "none", "no")) is None
    monkeypatch.setenv(NAME, "off")
    assert number_from_environment(NAME, 0.25) == 0.25  # not a word this setting knows
