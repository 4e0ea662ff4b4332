"""Labels written as a list: multi-label data (``["joy", "surprise"]`` in JSON, ``['joy', 'surprise']`` as pandas
writes a list column to CSV), of which this single-label classifier trains on the first.

A list of one is read as its label when the file is read (core/textdata/loading.py); a longer list keeps its first
label, and the page says how many rows had more than one (``first_label_kept``), as it does for fastText lines.
"""

from __future__ import annotations

import ast
import json

MAX_LIST_CHARS = 2000  # a longer cell is not a short list of labels; it is not parsed


def first_listed(label: str) -> tuple[str, int] | None:
    """For a cell that lists scalar labels, its first label as text and how many it lists; ``None`` for any other
    cell (an empty list included: it has no label).

    >>> first_listed('["joy", "surprise"]'), first_listed("[2, 27]"), first_listed("['neg']"), first_listed("pos")
    (('joy', 2), ('2', 2), ('neg', 1), None)
    """
    if not (label.startswith("[") and label.endswith("]")) or len(label) > MAX_LIST_CHARS:
        return None
    values = _parsed(label)
    if not isinstance(values, list) or not values:
        return None
    if not all(isinstance(value, (str, int, float)) and not isinstance(value, bool) for value in values):
        return None
    first = values[0]
    return (first.strip() if isinstance(first, str) else json.dumps(first)), len(values)


def _parsed(cell: str):
    try:
        return json.loads(cell)
    except ValueError:
        pass
    try:  # Python's own list syntax (single quotes), as pandas writes a list column; literals only, never code
        return ast.literal_eval(cell)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
