"""What a job target reports through: the protocol, and the in-process reporter of tests and the command line."""

from __future__ import annotations

import threading
from typing import Any, Callable, Protocol


class Reporter(Protocol):
    """What a job target sees: a way to send records and to learn that it was asked to stop."""

    def report(self, record: Any) -> None: ...

    def should_stop(self) -> bool: ...


class ListReporter:
    """An in-process reporter for tests and the command line: keeps records in a list."""

    def __init__(self, on_record: Callable[[Any], None] | None = None):
        self.records: list[Any] = []
        self._stopped = threading.Event()
        self._on_record = on_record

    def report(self, record: Any) -> None:
        self.records.append(record)
        if self._on_record is not None:
            self._on_record(record)

    def should_stop(self) -> bool:
        return self._stopped.is_set()

    def stop(self) -> None:
        self._stopped.set()
