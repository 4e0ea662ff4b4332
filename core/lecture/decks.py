"""Decks: the views a lecturer lines up before class, saved as a small JSON file or packed into a link.

File format (UTF-8 JSON, at most ``MAX_DECK_BYTES``)::

    {"format": "rnn-explorer-deck", "version": 1,
     "views": [{"page": "rnn_step", "params": {"rnn_step.text": "the cat sat", "rnn_step.step": 2}}, ...]}

A link carries the same document, compact, as unpadded base64url (``?deck=…``), at most ``MAX_LINK_CHARS`` long.

Both arrive from outside (an uploaded file, a pasted link), so reading is strict: exactly these fields, 1 to
``MAX_VIEWS`` views, every view valid (:func:`core.lecture.views.make_view`) and on a page the app has. Anything else
raises :class:`~core.lecture.errors.InvalidDeck` and nothing is half-loaded.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Collection

from core.lecture.errors import InvalidDeck, InvalidView
from core.lecture.views import View, make_view

DECK_FORMAT = "rnn-explorer-deck"
DECK_VERSION = 1
MAX_VIEWS = 100
MAX_DECK_BYTES = 64 * 1024
MAX_LINK_CHARS = 8_000
LINK_PATTERN = re.compile(r"[A-Za-z0-9_\-]+")  # unpadded base64url, nothing else


@dataclass(frozen=True)
class Deck:
    """An ordered, non-empty list of views."""

    views: tuple[View, ...]

    def __post_init__(self):
        if not 1 <= len(self.views) <= MAX_VIEWS:
            raise InvalidDeck(f"a deck holds 1 to {MAX_VIEWS} views")

    def __len__(self) -> int:
        return len(self.views)


def _document(deck: Deck) -> dict:
    return {
        "format": DECK_FORMAT,
        "version": DECK_VERSION,
        "views": [{"page": view.page, "params": {key: list(value) if isinstance(value, tuple) else value
                                                 for key, value in view.params}} for view in deck.views],
    }


def deck_to_json(deck: Deck) -> bytes:
    """The deck as a readable JSON file (what "Save deck" downloads)."""
    return json.dumps(_document(deck), ensure_ascii=False, indent=1).encode("utf-8")


def deck_to_link(deck: Deck) -> str:
    """The deck as a URL-safe token; raises :class:`InvalidDeck` when it would not fit in a link."""
    compact = json.dumps(_document(deck), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    token = base64.urlsafe_b64encode(compact).rstrip(b"=").decode("ascii")
    if len(token) > MAX_LINK_CHARS:
        raise InvalidDeck(f"this deck needs {len(token)} characters, more than a link holds ({MAX_LINK_CHARS})")
    return token


def _refuse_constant(name: str):
    raise InvalidDeck(f"{name} is not a number a deck can hold")


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise InvalidDeck("a field appears twice")
    return dict(pairs)


def _parse(data: bytes, known_pages: Collection[str]) -> Deck:
    if len(data) > MAX_DECK_BYTES:
        raise InvalidDeck(f"a deck file is at most {MAX_DECK_BYTES // 1024} KiB")
    try:
        text = data.decode("utf-8-sig")
        document = json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_no_duplicate_keys)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        if isinstance(error, InvalidDeck):
            raise
        raise InvalidDeck("not a JSON deck file") from None
    if not isinstance(document, dict) or set(document) != {"format", "version", "views"}:
        raise InvalidDeck("a deck has exactly the fields format, version and views")
    if document["format"] != DECK_FORMAT:
        raise InvalidDeck("not an RNN Explorer deck")
    if type(document["version"]) is not int or document["version"] != DECK_VERSION:
        raise InvalidDeck(f"deck version {document['version']!r} is not supported")
    entries = document["views"]
    if not isinstance(entries, list) or not 1 <= len(entries) <= MAX_VIEWS:
        raise InvalidDeck(f"a deck holds 1 to {MAX_VIEWS} views")
    views = []
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or "page" not in entry or not set(entry) <= {"page", "params"}:
            raise InvalidDeck(f"view {position}: a view has a page and optional params, nothing else")
        try:
            views.append(make_view(entry["page"], entry.get("params", {}), known_pages))
        except InvalidView as error:
            raise InvalidDeck(f"view {position}: {error}") from None
    return Deck(tuple(views))


def deck_from_json(data: bytes, known_pages: Collection[str]) -> Deck:
    """Read a deck file; only pages in ``known_pages`` are accepted."""
    if not isinstance(data, (bytes, bytearray)):
        raise InvalidDeck("a deck file is bytes")
    return _parse(bytes(data), known_pages)


def deck_from_link(token: object, known_pages: Collection[str]) -> Deck:
    """Read a deck link token (from :func:`deck_to_link`); only pages in ``known_pages`` are accepted."""
    if not isinstance(token, str) or not 1 <= len(token) <= MAX_LINK_CHARS or not LINK_PATTERN.fullmatch(token):
        raise InvalidDeck("not a deck link")
    try:
        data = base64.b64decode(token + "=" * (-len(token) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise InvalidDeck("not a deck link") from None
    return _parse(data, known_pages)
