"""Whether a server that is full takes one more job: a queue limit and a memory budget, refused with a reason.

A lecture hall pressing Start at once must not turn into a queue that never moves, nor into a server that swaps
until every student's page hangs. :class:`Admission` is asked by :meth:`core.jobs.JobManager.submit` before a job is
queued; when it says no, ``submit`` raises :class:`JobRefused`, whose ``reason`` the page turns into one sentence
in the user's language (and whose numbers it may show).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from core.memory import server_memory_bytes

QUEUE_FULL = "queue_full"
MEMORY_FULL = "memory_full"


class JobRefused(Exception):
    """The server is full: the job was not queued. ``reason`` is :data:`QUEUE_FULL` or :data:`MEMORY_FULL`;
    ``in_use`` and ``limit`` are jobs waiting (and the queue's size), or bytes held (and the budget)."""

    def __init__(self, reason: str, in_use: int, limit: int):
        super().__init__(f"{reason}: {in_use} in use, limit {limit}")
        self.reason = reason
        self.in_use = in_use
        self.limit = limit


@dataclass(frozen=True)
class Admission:
    """The limits a :class:`core.jobs.JobManager` applies when a job is submitted.

    Args:
        max_queued: jobs that may wait for a free slot (the running ones not counted); ``None``: no limit.
        memory_budget_bytes: refuse new jobs while the server and its jobs hold at least this much resident
            memory; ``None``: no budget.
        memory_in_use: how much they hold now (bytes, or ``None`` where it cannot be measured: no check then).
    """

    max_queued: int | None = None
    memory_budget_bytes: int | None = None
    memory_in_use: Callable[[], int | None] = server_memory_bytes

    def __post_init__(self):
        if self.max_queued is not None and self.max_queued < 0:
            raise ValueError("max_queued must be at least 0")
        if self.memory_budget_bytes is not None and self.memory_budget_bytes <= 0:
            raise ValueError("memory_budget_bytes must be positive")

    def check(self, waiting: int, must_wait: bool) -> None:
        """Raise :class:`JobRefused` if one more job would overfill the server.

        ``waiting``: jobs already in the queue; ``must_wait``: the new job would queue too (every slot is taken).
        """
        if must_wait and self.max_queued is not None and waiting >= self.max_queued:
            raise JobRefused(QUEUE_FULL, waiting, self.max_queued)
        if self.memory_budget_bytes is not None:
            in_use = self.memory_in_use()
            if in_use is not None and in_use >= self.memory_budget_bytes:
                raise JobRefused(MEMORY_FULL, in_use, self.memory_budget_bytes)
