"""typed_key: one key per value and type, down through tuples and frozen dataclasses; unhashable stays unhashable."""

from dataclasses import dataclass

import pytest

from core.typed_key import typed_key


@dataclass(frozen=True)
class _Frozen:
    width: object


@dataclass
class _Mutable:
    width: object


@dataclass(frozen=True, eq=False)
class _ByIdentity:
    width: object


def test_numbers_of_different_types_are_different_keys_at_any_depth():
    keys = {typed_key(value) for value in (1, 1.0, True, (1,), (1.0,), (True,), _Frozen(1), _Frozen(1.0), _Frozen(True))}
    assert len(keys) == 9
    assert typed_key(_Frozen((2, "a"))) == typed_key(_Frozen((2, "a")))


def test_what_python_cannot_hash_stays_unhashable_and_identity_stays_identity():
    with pytest.raises(TypeError):
        hash(typed_key(_Mutable(1)))
    with pytest.raises(TypeError):
        hash(typed_key(([1],)))
    first, second = _ByIdentity(1), _ByIdentity(1)
    assert typed_key(first) != typed_key(second) and typed_key(first) == typed_key(first)
