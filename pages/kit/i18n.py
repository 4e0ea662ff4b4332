"""Language selection and lesson text loading.

Every visible string lives in ``assets/text/<lang>/<page>.toml`` so English and 中文 stay in step and a teacher
can edit the words without touching code. ``tests/pages/test_texts.py`` checks both languages have the same keys.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any, Mapping

import streamlit as st

LANGUAGES = ("en", "zh")
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
LANGUAGE_KEY = "lang"
TEXT_ROOT = Path(__file__).resolve().parents[2] / "assets" / "text"


def language() -> str:
    """The session's language code, English unless the user (or the URL) chose another."""
    chosen = st.session_state.get(LANGUAGE_KEY)
    if chosen in LANGUAGE_NAMES.values():  # the switch stores the visible name
        chosen = {name: code for code, name in LANGUAGE_NAMES.items()}[chosen]
    return chosen if chosen in LANGUAGES else "en"


class Texts(Mapping[str, Any]):
    """Read-only view of one page's text table; nested tables come back as ``Texts`` too."""

    def __init__(self, table: Mapping[str, Any], name: str):
        self._table = table
        self._name = name

    def __getitem__(self, key: str) -> Any:
        value = self._table[key]
        return Texts(value, f"{self._name}.{key}") if isinstance(value, Mapping) else value

    def __iter__(self):
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def format(self, key: str, **values: Any) -> str:
        """The text under ``key`` with ``{placeholders}`` filled in."""
        return str(self[key]).format(**values)


@functools.lru_cache(maxsize=64)
def load_table(lang: str, name: str) -> dict[str, Any]:
    """Parse ``assets/text/<lang>/<name>.toml`` once per process."""
    with open(TEXT_ROOT / lang / f"{name}.toml", "rb") as handle:
        return tomllib.load(handle)


def texts(name: str, lang: str | None = None) -> Texts:
    """The texts of page ``name`` in the session's language."""
    lang = lang or language()
    return Texts(load_table(lang, name), name)
