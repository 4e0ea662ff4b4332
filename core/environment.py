"""Numbers an operator sets for the server in environment variables, all read one way.

A value that cannot be used (``RNN_EXPLORER_THREADS=two``, a budget of ``-5`` or ``nan``) is reported once on
stderr, where the operator started the server, and the default is used instead. Why not fail: these are tuning
numbers read while a page runs (a training's budget is read when the first job starts), so an exception would
reach a student's page, and a typo in a class's launch line would take a page down in front of the room. The
device override (:mod:`core.device`) is the exception on purpose: computing somewhere other than asked is worse.

Standard library only: ``app.py`` reads the thread count through this before torch loads.
"""

from __future__ import annotations

import logging
import math
import os
import threading

LOGGER = logging.getLogger(__name__)
_reported: set[tuple[str, str]] = set()
_reported_lock = threading.Lock()


def number_from_environment(name: str, default: float | int | None, *, whole: bool = False, minimum: float = 0.0,
                            off_words: tuple[str, ...] = ()) -> float | int | None:
    """The number in the environment variable ``name``, or ``default`` when it is unset, empty or unusable.

    Usable: a finite number above ``minimum`` (a whole one when ``whole``: ``"4"``, ``"4.0"``); one of
    ``off_words`` (any case) gives ``None``, for a feature the operator turns off.
    """
    raw = os.environ.get(name, "")
    value = raw.strip().lower()
    if not value:
        return default
    if value in off_words:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    usable = math.isfinite(number) and number > minimum and (not whole or number.is_integer())
    if not usable:
        _report(name, raw, default, whole, minimum, off_words)
        return default
    return int(number) if whole else number


def _report(name: str, raw: str, default, whole: bool, minimum: float, off_words: tuple[str, ...]) -> None:
    with _reported_lock:
        if (name, raw) in _reported:
            return
        _reported.add((name, raw))
    wanted = f"a {'whole ' if whole else ''}number above {minimum:g}"
    if off_words:
        wanted += f" or {'/'.join(off_words)}"
    LOGGER.warning("%s=%r is not %s; using the default, %s", name, raw, wanted, default)
