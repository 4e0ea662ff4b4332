"""Lecture mode: rooms a lecturer drives and a class follows, questions to the class, decks of views.

- :mod:`codes`: room codes students type and the presenter secret;
- :mod:`views`: a shareable view (page + inputs), validated;
- :mod:`questions`: one question pushed to the class, one answer per follower, counts;
- :mod:`decks`: an ordered list of views as a JSON file or a link;
- :mod:`room` and :mod:`registry`: the rooms of this process, thread-safe, bounded, expiring;
- :mod:`qr`: the student link as a QR code.
"""

from core.lecture.decks import Deck, deck_from_json, deck_from_link, deck_to_json, deck_to_link
from core.lecture.errors import (AnswerRefused, InvalidDeck, InvalidView, LectureError, NotPresenter, RoomEnded,
                                 RoomsFull, UnknownRoom)
from core.lecture.questions import ClassQuestion, PollResult
from core.lecture.registry import RoomRegistry
from core.lecture.room import DeckPosition, RoomState, RoomTicket
from core.lecture.views import PublishedView, View, make_view

__all__ = [
    "AnswerRefused", "ClassQuestion", "Deck", "DeckPosition", "InvalidDeck", "InvalidView", "LectureError",
    "NotPresenter", "PollResult", "PublishedView", "RoomEnded", "RoomRegistry", "RoomState", "RoomTicket", "RoomsFull",
    "UnknownRoom", "View", "deck_from_json", "deck_from_link", "deck_to_json", "deck_to_link", "make_view",
]
