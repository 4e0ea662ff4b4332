"""The server's lecture rooms: one thread-safe registry per process.

Every Streamlit session runs in its own thread of one server process, so a lecturer's session and two hundred
followers' sessions meet here. One lock guards every room: each call is a few dictionary operations, far below
the 200 polls per second a full lecture hall sends, so a finer scheme would buy nothing.

Rights: only a caller with the presenter secret (``key``) changes a room; a wrong or missing key makes the caller a
follower, who can read the room, be counted and answer the open question, nothing else.

Lifetime: a room expires after ``expire_after`` seconds without a change by the lecturer (followers polling do not
keep it alive); an ended room answers "ended" for ``ended_kept_for`` seconds, then is forgotten. At most
``max_rooms`` rooms live at once; creating one more raises :class:`~core.lecture.errors.RoomsFull`.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Collection

from core.lecture.codes import ReplicaShare, new_code, new_secret, normalise_code, secret_matches
from core.lecture.decks import Deck
from core.lecture.errors import AnswerRefused, InvalidDeck, InvalidView, NotPresenter, RoomEnded, RoomsFull, UnknownRoom
from core.lecture.questions import ClassQuestion, Poll, is_follower_id
from core.lecture.room import Room, RoomState, RoomTicket
from core.lecture.views import PublishedView, View

HOUR = 3600.0


class RoomRegistry:
    """All lecture rooms of this process.

    Args:
        known_pages: the app's page URL paths; a view on any other page is refused. None accepts any valid path.
        max_rooms: live rooms at most (ended ones included until forgotten).
        max_followers: followers counted and answers taken per room (protects memory from a flood of ids).
        follower_window: seconds a follower counts as present after their last poll.
        expire_after: seconds of lecturer inactivity after which a room disappears.
        ended_kept_for: seconds an ended room still tells followers it ended.
        clock: seconds as a float, monotonic (tests pass a fake one).
        share: which codes this process mints (behind several processes, the codes nginx routes to this one).
    """

    def __init__(self, known_pages: Collection[str] | None = None, max_rooms: int = 100, max_followers: int = 1_000,
                 follower_window: float = 10.0, expire_after: float = 4 * HOUR, ended_kept_for: float = 0.5 * HOUR,
                 clock: Callable[[], float] = time.monotonic, share: ReplicaShare = ReplicaShare()):
        self.known_pages = None if known_pages is None else frozenset(known_pages)
        self.max_rooms = max_rooms
        self.max_followers = max_followers
        self.follower_window = follower_window
        self.expire_after = expire_after
        self.ended_kept_for = ended_kept_for
        self._clock = clock
        self.share = share
        self._rooms: dict[str, Room] = {}
        self._lock = threading.Lock()

    # -- lifetime -----------------------------------------------------------------------------------------------

    def _gone(self, room: Room, now: float) -> bool:
        if room.ended:
            return now - room.ended_at > self.ended_kept_for
        return now - room.last_activity > self.expire_after

    def _sweep(self, now: float) -> None:
        for code in [code for code, room in self._rooms.items() if self._gone(room, now)]:
            del self._rooms[code]

    def _room(self, code: object, now: float) -> Room:
        normalised = normalise_code(code)
        room = self._rooms.get(normalised) if normalised else None
        if room is None:
            raise UnknownRoom(f"no lecture room {normalised!r}" if normalised else "not a room code")
        if self._gone(room, now):
            del self._rooms[room.code]
            raise UnknownRoom(f"no lecture room {normalised!r}")
        return room

    def _presenter_room(self, code: object, key: object, now: float) -> Room:
        room = self._room(code, now)
        if not secret_matches(room.secret, key):
            raise NotPresenter("only the lecturer changes the room")
        if room.ended:
            raise RoomEnded(f"the lecture {room.code} has ended")
        return room

    def create(self) -> RoomTicket:
        """Open a room; raises :class:`RoomsFull` when the server holds ``max_rooms`` already."""
        with self._lock:
            now = self._clock()
            self._sweep(now)
            if len(self._rooms) >= self.max_rooms:
                raise RoomsFull(f"this server holds {self.max_rooms} lectures at once")
            code = new_code(share=self.share)
            while code in self._rooms:  # rare with millions of codes, but two rooms must never share one
                code = new_code(share=self.share)
            self._rooms[code] = Room(code=code, secret=new_secret(), last_activity=now)
            return RoomTicket(code=code, secret=self._rooms[code].secret)

    def end(self, code: object, key: object) -> None:
        """The lecturer ends the room: followers are told, nothing can change it any more."""
        with self._lock:
            now = self._clock()
            room = self._presenter_room(code, key, now)
            room.ended_at = now
            room.poll = None

    def room_count(self) -> int:
        """Live rooms (ended ones still kept included)."""
        with self._lock:
            self._sweep(self._clock())
            return len(self._rooms)

    # -- reading ------------------------------------------------------------------------------------------------

    def is_presenter(self, code: object, key: object) -> bool:
        """Whether ``key`` is this room's presenter secret (False for an unknown room or any wrong key)."""
        with self._lock:
            try:
                room = self._room(code, self._clock())
            except UnknownRoom:
                return False
            return secret_matches(room.secret, key)

    def look(self, code: object, key: object = None, follower_id: object = None) -> RoomState:
        """The room as the caller may see it. A follower (no or wrong key) with an anonymous ``follower_id`` is
        counted as present; raises :class:`UnknownRoom` for a code that is not (or no longer) a room."""
        with self._lock:
            now = self._clock()
            room = self._room(code, now)
            presenter = secret_matches(room.secret, key)
            follower = None
            if not presenter and not room.ended and is_follower_id(follower_id):
                follower = follower_id
                self._see_follower(room, follower, now)
            followers = room.count_followers(now, self.follower_window)
            return room.state(presenter=presenter, follower_id=follower, followers=followers)

    def mark(self, code: object, follower_id: object = None) -> str:
        """The room's change mark (:meth:`core.lecture.room.Room.mark`), counting ``follower_id`` as present like
        :meth:`look` does, without building the room's state: what a follower's browser asks several times a
        second while it waits for the lecturer. Raises :class:`UnknownRoom` for a code that is no room."""
        with self._lock:
            now = self._clock()
            room = self._room(code, now)
            if not room.ended and is_follower_id(follower_id):
                self._see_follower(room, follower_id, now)
            return room.mark()

    def _see_follower(self, room: Room, follower_id: str, now: float) -> None:
        if follower_id not in room.followers and len(room.followers) >= self.max_followers:
            room.count_followers(now, self.follower_window)  # make room by forgetting those gone (only when full)
        if follower_id in room.followers or len(room.followers) < self.max_followers:
            room.followers[follower_id] = now

    # -- the lecturer's changes ---------------------------------------------------------------------------------

    def publish(self, code: object, key: object, view: View) -> PublishedView:
        """Make ``view`` the room's current view (a new version only if it differs from the last one)."""
        if not isinstance(view, View):
            raise InvalidView("not a view")
        if self.known_pages is not None and view.page not in self.known_pages:
            raise InvalidView(f"page: unknown page {view.page!r}")
        with self._lock:
            now = self._clock()
            return self._presenter_room(code, key, now).publish(view, now)

    def push_question(self, code: object, key: object, question: ClassQuestion) -> None:
        """Ask the class ``question``; it replaces any earlier question and its answers."""
        with self._lock:
            now = self._clock()
            room = self._presenter_room(code, key, now)
            room.poll = Poll(question, max_answers=self.max_followers)
            room.last_activity = now

    def reveal(self, code: object, key: object) -> None:
        """Show everyone the counts and the right answer; answering closes."""
        with self._lock:
            now = self._clock()
            room = self._presenter_room(code, key, now)
            if room.poll is not None:
                room.poll.revealed = True
            room.last_activity = now

    def close_question(self, code: object, key: object) -> None:
        """Take the question off every screen."""
        with self._lock:
            now = self._clock()
            room = self._presenter_room(code, key, now)
            room.poll = None
            room.last_activity = now

    def load_deck(self, code: object, key: object, deck: Deck) -> PublishedView:
        """Load a deck and show its first view."""
        self._check_pages(deck)
        with self._lock:
            now = self._clock()
            room = self._presenter_room(code, key, now)
            room.deck, room.deck_index = deck, 0
            return room.publish(deck.views[0], now)

    def move(self, code: object, key: object, steps: int) -> PublishedView:
        """Go ``steps`` views forward (negative: back) in the loaded deck, stopping at either end, and show it."""
        with self._lock:
            now = self._clock()
            room = self._presenter_room(code, key, now)
            if room.deck is None:
                raise InvalidDeck("no deck is loaded")
            room.deck_index = min(max(room.deck_index + int(steps), 0), len(room.deck) - 1)
            return room.publish(room.deck.views[room.deck_index], now)

    def _check_pages(self, deck: Deck) -> None:
        if self.known_pages is None:
            return
        for view in deck.views:
            if view.page not in self.known_pages:
                raise InvalidView(f"page: unknown page {view.page!r}")

    # -- the followers' one action ------------------------------------------------------------------------------

    def answer(self, code: object, follower_id: object, choice: int) -> None:
        """A follower answers the open question, once; raises :class:`AnswerRefused` otherwise."""
        with self._lock:
            room = self._room(code, self._clock())
            if room.ended:
                raise RoomEnded(f"the lecture {room.code} has ended")
            if room.poll is None:
                raise AnswerRefused("no question is open")
            room.poll.answer(follower_id, choice)
