"""The sentence a user reads for a data or bundle error, from the page's own texts (for the command line).

The page shows ``DataError`` codes through ``assets/text/<lang>/train.toml``; the command line says the same
sentence instead of a bare code, so a shell user and a page user read the same advice.
"""

from __future__ import annotations

import sys
import tomllib
from functools import lru_cache
from pathlib import Path

from core.textdata.errors import DataError

TEXTS = Path(__file__).resolve().parents[1] / "assets" / "text"
TABLES = ("errors", "bundle_errors")
BAD_DATA = 3  # the command lines' exit code: the data (or a setting it makes impossible) cannot be used; usage errors exit 2


@lru_cache(maxsize=4)
def _train_texts(language: str) -> dict:
    with (TEXTS / language / "train.toml").open("rb") as handle:
        return tomllib.load(handle)


def describe(error: DataError, language: str = "en") -> str:
    """The error's sentence with its parameters filled in; the code and parameters when no sentence fits."""
    return sentence(error.code, error.params, TABLES, language)


def refuse(error: DataError) -> int:
    """A command line's answer to unusable data: the page's own sentence on stderr, and the bad-data exit code."""
    print(f"error: {describe(error)}", file=sys.stderr)
    return BAD_DATA


def describe_notice(code: str, params: dict, language: str = "en") -> str:
    """A notice's (``core.textdata`` warning's) sentence, as the page shows it above the data."""
    return sentence(code, params, ("warnings",), language)


def sentence(code: str, params: dict, tables: tuple[str, ...], language: str = "en") -> str:
    """The first template for ``code`` in ``tables`` of train.toml, filled in; else the code and parameters."""
    texts = _train_texts(language)
    for table in tables:
        template = texts.get(table, {}).get(code)
        if template is not None:
            try:
                return template.format(**params)
            except (KeyError, IndexError, ValueError):
                break
    details = ", ".join(f"{key}={value}" for key, value in params.items())
    return code + (f" ({details})" if details else "")
