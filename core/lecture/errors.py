"""The ways a lecture request is refused, one type each, so a page can say which in the user's language."""

from __future__ import annotations


class LectureError(Exception):
    """Base of every refusal from :mod:`core.lecture`."""


class RoomsFull(LectureError):
    """The server already holds its maximum number of live rooms."""


class UnknownRoom(LectureError):
    """No room has this code (never created, mistyped, or expired)."""


class RoomEnded(LectureError):
    """The lecturer ended this room; it still answers so that followers can be told."""


class NotPresenter(LectureError):
    """A room-changing call without the presenter's secret: followers can only read and answer."""


class InvalidView(LectureError):
    """A view (page and parameters) that is malformed, too large or names a page the app does not have."""


class InvalidDeck(LectureError):
    """A deck file or link that is malformed, too large or holds an invalid view."""


class AnswerRefused(LectureError):
    """An answer with no open question, an index out of range, after the reveal, or a second answer."""
