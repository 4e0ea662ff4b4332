"""Every data error and warning has a message in both languages that uses exactly its parameters."""

import string
import tomllib
from pathlib import Path

import pytest

from core.escape import markdown_text
from core.textdata.errors import (ERROR_CODES, ERROR_PARAMS, USER_TEXT_PARAMS, WARNING_CODES, WARNING_PARAMS, DataError,
                                     literal_params, warning)

TEXT_ROOT = Path(__file__).resolve().parents[2] / "assets" / "text"


def load(lang):
    with open(TEXT_ROOT / lang / "train.toml", "rb") as handle:
        return tomllib.load(handle)


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("table, declared", [("errors", ERROR_PARAMS), ("warnings", WARNING_PARAMS)])
def test_every_code_has_a_message_with_its_parameters(lang, table, declared):
    messages = load(lang)[table]
    assert set(messages) == set(declared), f"{lang}/{table}: {set(messages) ^ set(declared)}"
    for code, names in declared.items():
        assert fields(messages[code]) == set(names), f"{lang}/{table}.{code}"
        filled = messages[code].format(**{name: f"<{name}>" for name in names})
        assert all(f"<{name}>" in filled for name in names)


def test_codes_are_listed():
    assert ERROR_CODES == tuple(ERROR_PARAMS) and WARNING_CODES == tuple(WARNING_PARAMS)
    assert {"empty_file", "header_only", "binary_file", "undecodable", "too_large", "no_text_column",
            "ambiguous_columns", "one_class", "ragged_rows", "bad_json", "too_few_rows"} <= set(ERROR_CODES)


def test_a_code_must_be_raised_with_its_parameters():
    error = DataError("too_few_rows", rows=3, minimum=10)
    assert isinstance(error, ValueError) and error.code == "too_few_rows"
    assert error.params == {"rows": 3, "minimum": 10}
    with pytest.raises(TypeError):
        DataError("too_few_rows", rows=3)
    with pytest.raises(KeyError):
        DataError("no_such_code")
    with pytest.raises(TypeError):
        warning("empty_rows", rows=3)


def test_what_a_file_said_is_made_literal_and_numbers_are_left_alone():
    link = "[win](https://evil.example)"
    assert literal_params({"label": link, "count": 3, "limit_mb": 50.0, "size_mb": "1,5"}) == {
        "label": markdown_text(link), "count": 3, "limit_mb": 50.0, "size_mb": "1,5"}
    declared = {name for table in (ERROR_PARAMS, WARNING_PARAMS) for names in table.values() for name in names}
    assert USER_TEXT_PARAMS <= declared | {"detail"}  # every name is one some message really carries


def test_no_parameter_takes_the_name_of_the_message_key():
    # pages fill a message with Texts.format(code, **params), whose first argument is called "key"
    for table in (ERROR_PARAMS, WARNING_PARAMS):
        assert all("key" not in names for names in table.values())
