"""A shareable view: which page, and the page's inputs, in a form that does not depend on the viewer's language.

A view is what a lecturer's screen shows and what a follower's screen copies: the page's URL path and the values of
the page's bound widgets (sentence, seed, sliders, time step), keyed by their widget keys (``"rnn_step.text"``).
The language is not part of it (each student keeps their own), nor are app-level switches (``lang``, ``lecture``,
``key``, ``present``).

Views arrive from the lecturer's session, deck files and deck links, so they are validated strictly: a bounded number
of parameters, plain scalar values (or short lists of them for range sliders), finite numbers, bounded text.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Collection, Mapping, Union

from core.lecture.errors import InvalidView

Scalar = Union[str, int, float, bool]
Value = Union[Scalar, tuple[Scalar, ...]]

MAX_PAGE_CHARS = 64
MAX_PARAMS = 32
MAX_TEXT_CHARS = 1_000
MAX_LIST_ITEMS = 16
PAGE_PATTERN = re.compile(r"[a-z0-9_\-]{0,64}")  # "" is the default page
KEY_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}")
# App-level URL parameters, never part of a page's view: the language stays each viewer's own, the room and presenter
# secret must never travel to followers or into a deck.
RESERVED_KEYS = frozenset({"lang", "lecture", "key", "present", "deck", "embed", "embed_options"})


@dataclass(frozen=True)
class View:
    """One page with its inputs: ``page`` is the URL path, ``params`` the widget values sorted by key."""

    page: str
    params: tuple[tuple[str, Value], ...] = ()

    def as_dict(self) -> dict[str, Value]:
        """The parameters as a fresh dict (lists stay tuples)."""
        return dict(self.params)


@dataclass(frozen=True)
class PublishedView:
    """The lecturer's current view and its version: the version grows by one with every change, so a follower
    that polls knows, from one integer, whether there is anything to apply."""

    view: View
    version: int


def _checked_scalar(key: str, value: object) -> Scalar:
    if isinstance(value, bool):  # before int: bool is an int subclass
        return value
    if isinstance(value, int):
        if abs(value) > 2**53:  # beyond what JSON numbers carry exactly in a browser
            raise InvalidView(f"{key}: integer out of range")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidView(f"{key}: not a finite number")
        return value
    if isinstance(value, str):
        if len(value) > MAX_TEXT_CHARS:
            raise InvalidView(f"{key}: text longer than {MAX_TEXT_CHARS} characters")
        return value
    raise InvalidView(f"{key}: unsupported value type {type(value).__name__}")


def _checked_value(key: str, value: object) -> Value:
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_LIST_ITEMS:
            raise InvalidView(f"{key}: more than {MAX_LIST_ITEMS} items")
        return tuple(_checked_scalar(key, item) for item in value)
    return _checked_scalar(key, value)


def make_view(page: object, params: Mapping[str, object] | None = None,
              known_pages: Collection[str] | None = None) -> View:
    """A validated :class:`View`; raises :class:`~core.lecture.errors.InvalidView` with the first reason.

    ``known_pages``, when given, is the app's list of URL paths: any other page is refused (a deck or a link must
    not send a class to a page that does not exist).
    """
    if not isinstance(page, str) or len(page) > MAX_PAGE_CHARS or not PAGE_PATTERN.fullmatch(page):
        raise InvalidView("page: not a page path")
    if known_pages is not None and page not in known_pages:
        raise InvalidView(f"page: unknown page {page!r}")
    params = {} if params is None else params
    if not isinstance(params, Mapping):
        raise InvalidView("params: not a mapping")
    if len(params) > MAX_PARAMS:
        raise InvalidView(f"params: more than {MAX_PARAMS} parameters")
    checked = []
    for key, value in params.items():
        if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
            raise InvalidView("params: a key is not a widget key")
        if key in RESERVED_KEYS:
            raise InvalidView(f"params: {key!r} is not part of a view")
        checked.append((key, _checked_value(key, value)))
    return View(page=page, params=tuple(sorted(checked)))
