"""One lecture room: the lecturer's current view, who is following, the open question and the deck.

A :class:`Room` is plain mutable state with no lock of its own; only :class:`core.lecture.registry.RoomRegistry`
touches it, under the registry's lock. What leaves the registry is a frozen :class:`RoomState` snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.lecture.decks import Deck
from core.lecture.questions import Poll, PollResult
from core.lecture.views import PublishedView, View


@dataclass(frozen=True)
class RoomTicket:
    """What creating a room hands the lecturer: the code students use and the presenter secret."""

    code: str
    secret: str


@dataclass(frozen=True)
class DeckPosition:
    """Where the lecturer is in the loaded deck: ``index`` is 0-based, ``size`` the number of views."""

    index: int
    size: int


def change_mark(published: PublishedView | None, question_id: str | None, ended: bool) -> str:
    """A short token that changes exactly when a follower's page must run again: the lecturer's view (its version),
    the question asked (its id), or the end of the lecture. A follower's browser holds the last mark its page was
    drawn with and waits on the server for another (:meth:`core.lecture.registry.RoomRegistry.mark`)."""
    version = 0 if published is None else published.version
    return f"{version}.{question_id or ''}.{'ended' if ended else 'open'}"


@dataclass(frozen=True)
class RoomState:
    """A room as one caller may see it at one moment.

    ``published`` is None until the lecturer's first view; ``followers`` counts follower sessions seen within the
    registry's heartbeat window; ``presenter`` says whether the caller holds the secret (only then are the poll's
    counts visible before the reveal).
    """

    code: str
    published: PublishedView | None
    followers: int
    ended: bool
    presenter: bool
    poll: PollResult | None
    deck_position: DeckPosition | None

    @property
    def mark(self) -> str:
        """The room's :func:`change_mark` at this moment."""
        return change_mark(self.published, None if self.poll is None else self.poll.question_id, self.ended)


@dataclass(eq=False)
class Room:
    code: str
    secret: str
    last_activity: float                      # the lecturer's last change (creating the room counts)
    published: PublishedView | None = None
    ended_at: float | None = None
    followers: dict[str, float] = field(default_factory=dict)  # follower id -> last time seen
    poll: Poll | None = None
    deck: Deck | None = None
    deck_index: int = 0

    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    def publish(self, view: View, now: float) -> PublishedView:
        """Make ``view`` the lecturer's view; the version grows only when the view actually changes, so followers
        do not rerun for a lecturer's rerun that changed nothing."""
        self.last_activity = now
        if self.published is None or self.published.view != view:
            version = 1 if self.published is None else self.published.version + 1
            self.published = PublishedView(view=view, version=version)
        return self.published

    def count_followers(self, now: float, window: float) -> int:
        """Followers seen within ``window`` seconds; older entries are forgotten on the way."""
        for follower_id in [key for key, seen in self.followers.items() if now - seen > window]:
            del self.followers[follower_id]
        return len(self.followers)

    def mark(self) -> str:
        """This room's :func:`change_mark`."""
        return change_mark(self.published, None if self.poll is None else self.poll.question.question_id, self.ended)

    def deck_position(self) -> DeckPosition | None:
        return None if self.deck is None else DeckPosition(index=self.deck_index, size=len(self.deck))

    def state(self, presenter: bool, follower_id: str | None, followers: int) -> RoomState:
        return RoomState(
            code=self.code,
            published=self.published,
            followers=followers,
            ended=self.ended,
            presenter=presenter,
            poll=None if self.poll is None else self.poll.result(follower_id, presenter=presenter),
            deck_position=self.deck_position(),
        )
