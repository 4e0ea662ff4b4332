"""A value made into a key that also tells apart the types of what it holds.

``1 == 1.0 == True`` in Python, so as dict keys they are one entry; as a layer's size, a seed or a view's
argument they are different things (an int width, a float rate, a flag). :func:`typed_key` puts each item's type
beside it, down through tuples and through dataclasses that hash by their fields (frozen ones). Anything else stays
whole beside its type: a value that cannot be hashed still cannot be a key, and one hashed by identity keeps it.
"""

from __future__ import annotations

import dataclasses
from typing import Any


def typed_key(value: Any) -> Any:
    """``value`` with each item's type beside it: ``(1,)``, ``(1.0,)`` and ``(True,)`` give three keys."""
    if isinstance(value, tuple):
        return tuple, tuple(typed_key(item) for item in value)
    hashed_by_fields = dataclasses.is_dataclass(value) and type(value).__hash__ not in (None, object.__hash__)
    if hashed_by_fields and not isinstance(value, type):
        return type(value), tuple(typed_key(getattr(value, field.name)) for field in dataclasses.fields(value))
    return type(value), value
