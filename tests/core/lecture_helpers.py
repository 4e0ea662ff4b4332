"""Shared pieces of the lecture tests: a clock the test moves by hand, and a registry on it."""

from __future__ import annotations

import secrets

from core.lecture import RoomRegistry

PAGES = ("home", "rnn_step", "lstm_step", "gru_step")


class FakeClock:
    """Seconds that pass only when the test says so."""

    def __init__(self, start: float = 1_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def registry(clock: FakeClock | None = None, **settings) -> RoomRegistry:
    return RoomRegistry(known_pages=PAGES, clock=clock or FakeClock(), **settings)


def follower_id() -> str:
    """What a page makes for each session: an anonymous random token."""
    return secrets.token_urlsafe(9)
