"""Labels that are probably the same class written differently: ``pos`` / ``POS`` / ``Ｐｏｓ``, ``1`` / ``1.0``.

Spreadsheets and hand labelling produce these (a cell typed in capitals, a column that was numbers once). Kept
apart they become separate classes with a few examples each, and the model is asked to tell ``pos`` from ``POS``.
They are never merged silently: :func:`similar_label_groups` finds them, the page and the command line report the
groups, and :func:`merge_labels` merges them when the user asks.

Two labels are similar when their keys are equal: Unicode NFKC (full-width letters become ASCII), case folded,
runs of white space as one space; labels that are numbers compare by value (``1`` = ``1.0`` = ``01`` = ``1e0``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Iterable, Sequence

from core.textdata.delimited import is_number

_SPACES = re.compile(r"\s+")


def label_key(label: str) -> str:
    """The spelling-independent form two similar labels share."""
    folded = _SPACES.sub(" ", unicodedata.normalize("NFKC", label)).strip().casefold()
    if is_number(folded):
        return repr(float(folded.replace(",", "")) + 0.0)  # + 0.0 makes -0 and 0 one key
    return folded


def similar_label_groups(labels: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    """Groups of two or more distinct labels with the same :func:`label_key`.

    Each group lists its most frequent spelling first (ties: alphabetical), which is the one a merge keeps;
    the groups are ordered by that spelling.
    """
    counts = Counter(labels)
    by_key: dict[str, list[str]] = {}
    for label in counts:
        by_key.setdefault(label_key(label), []).append(label)
    groups = [tuple(sorted(members, key=lambda label: (-counts[label], label)))
              for members in by_key.values() if len(members) > 1]
    return tuple(sorted(groups))


def merge_labels(labels: Sequence[str], groups: Iterable[Sequence[str]]) -> list[str]:
    """``labels`` with every member of a group replaced by the group's first spelling."""
    target = {member: group[0] for group in groups for member in group}
    return [target.get(label, label) for label in labels]


def align_labels(labels: Sequence[str], classes: Iterable[str]) -> list[str]:
    """``labels`` spelled like the similar one of ``classes`` where there is one (a validation file's ``POS``
    becomes the training file's ``pos``), others unchanged."""
    spelling = {label_key(label): label for label in classes}
    return [spelling.get(label_key(label), label) for label in labels]


def describe_groups(groups: Iterable[Sequence[str]], limit: int = 5) -> str:
    """A language-neutral list for a message: “pos” = “POS”; “1” = “1.0” (at most ``limit`` groups)."""
    groups = list(groups)
    shown = "; ".join(" = ".join(f"“{label}”" for label in group) for group in groups[:limit])
    return shown + ("; …" if len(groups) > limit else "")
