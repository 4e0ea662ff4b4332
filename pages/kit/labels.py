"""Words for the figure builders: core's label dataclasses filled from the page's text tables.

Core has no words of its own (no English defaults); every label a figure draws comes from ``assets/text``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

from core.figures.player import PlayerLabels
from pages.kit.i18n import texts

Labels = TypeVar("Labels")


def player_labels(lang: str | None = None, step_prefix: str | None = None) -> PlayerLabels:
    """The time player's words from ``common.toml``; ``step_prefix`` replaces "t = " for players over other frames."""
    common = texts("common", lang)
    prefix = common["step_prefix"] if step_prefix is None else step_prefix
    return PlayerLabels(play=common["play"], pause=common["pause"], step_prefix=prefix)


def figure_labels(kind: type[Labels], table: Mapping[str, Any], **given: Any) -> Labels:
    """A ``kind`` dataclass with each field read from ``table`` under its own name, unless passed in ``given``.

    A field missing from both is an error in the text files, reported by the dataclass itself.
    """
    names = {field.name for field in dataclasses.fields(kind)}
    values = {name: table[name] for name in names if name in table and name not in given}
    return kind(**values, **given)
