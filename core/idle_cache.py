"""A bounded cache for a server's computed views that also empties itself when nobody uses them.

Streamlit's ``st.cache_data`` / ``st.cache_resource`` bound a cache by ``max_entries`` and can expire entries by
``ttl``, but an expired entry is only dropped when the cache is next read: after a class leaves, nothing reads, and
every sentence the students typed stays in memory (``bench/bench_load.py``: the server's RSS stayed 21–52 % above its
warm baseline a minute after the last session closed). :func:`idle_cache` keeps the same two bounds and adds a sweep:

- at most ``max_entries`` results per function; a new one pushes out the least recently used;
- a result not used for :data:`IDLE_SECONDS` is dropped by one daemon thread per process, which wakes every
  :data:`SWEEP_SECONDS`; once results were dropped and the caches are quiet, the freed memory is handed back to the
  system (:func:`core.memory.return_freed_memory`), so the RSS actually falls.

A dropped result is simply computed again when next asked for (the default sentence's views included): a view costs
0.1–0.3 s of CPU once, where holding every view of a departed class cost 80–200 MB for good.

Keys are the call's arguments as the function's signature binds them (defaults filled in, so ``f(x)`` and
``f(x, trained=False)`` share an entry), each tagged with its type (``1``, ``1.0`` and ``True`` are different keys,
as they are different views). Every argument must be hashable (str, int, float, bool, None, tuples of them, frozen
dataclasses); an argument whose name starts with ``_`` is left out of the key, as Streamlit's caches do, for a value
that is the same for every call (a lesson's spec). Any number of session threads may call at once: concurrent calls
with the same key compute it once, the others wait for that result. No Streamlit here: core never imports it.
"""

from __future__ import annotations

import functools
import inspect
import pickle
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from core.memory import return_freed_memory
from core.typed_key import typed_key

# A class moves together: a view the room is on is read every few seconds, so one untouched for this long belongs to a
# student who moved on (another sentence, another seed) or to a room that has left.
IDLE_SECONDS = 40.0
# How often the sweeper wakes: an idle entry is gone at most IDLE_SECONDS + SWEEP_SECONDS after its last use.
SWEEP_SECONDS = 10.0


class IdleCache:
    """``function``'s results by argument key, least recently used first; see the module docstring.

    ``copy``: keep the result pickled and hand every caller its own unpickled copy (``st.cache_data``'s contract, for
    results a page might change; one ``bytes`` an entry also gives its memory back whole when dropped, see
    pages/kit/chart.py); otherwise every caller gets the same object (``st.cache_resource``'s, for results nothing
    changes, e.g. frozen figures). ``clock`` returns seconds (monotonic); tests pass a fake one.
    """

    def __init__(self, function: Callable, max_entries: int, idle_seconds: float = IDLE_SECONDS, copy: bool = False,
                 clock: Callable[[], float] = time.monotonic):
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}")
        self.function = function
        self.max_entries = max_entries
        self.idle_seconds = idle_seconds
        self.copy = copy
        self.clock = clock
        self._signature = inspect.signature(function)
        self._entries: OrderedDict[tuple, tuple[Any, float]] = OrderedDict()  # key -> (stored result, last use)
        self._building: dict[tuple, threading.Lock] = {}  # key -> held while one thread computes it
        self._lock = threading.Lock()  # guards _entries and _building, never held while computing
        functools.update_wrapper(self, function)

    def key(self, *args, **kwargs) -> tuple:
        """The entry a call with these arguments reads (raises ``TypeError`` for an unhashable argument)."""
        bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        key = tuple((name, typed_key(value)) for name, value in bound.arguments.items() if not name.startswith("_"))
        try:
            hash(key)
        except TypeError as error:
            raise TypeError(f"{self.function.__qualname__}: every argument of a cached function must be hashable "
                            f"(or named with a leading _ to leave it out of the key): {error}") from None
        return key

    def _read(self, key: tuple) -> tuple[bool, Any]:
        """(found, stored result), marking a found entry as just used."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return False, None
            self._entries[key] = (entry[0], self.clock())
            self._entries.move_to_end(key)
            return True, entry[0]

    def _result(self, stored: Any) -> Any:
        return pickle.loads(stored) if self.copy else stored

    def __call__(self, *args, **kwargs):
        global _last_call
        _last_call = time.monotonic()  # a plain store: the sweeper only needs to know the room is still working
        key = self.key(*args, **kwargs)
        found, stored = self._read(key)
        if found:
            return self._result(stored)
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        try:
            with building:  # a second caller with this key waits here, then finds the first one's result
                found, stored = self._read(key)
                if not found:
                    result = self.function(*args, **kwargs)  # an exception propagates and nothing is stored
                    stored = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL) if self.copy else result
                    self._store(key, stored)
                    if not self.copy:
                        return result
        finally:
            with self._lock:
                if self._building.get(key) is building:
                    del self._building[key]
        return self._result(stored)

    def _store(self, key: tuple, stored: Any) -> None:
        with self._lock:
            self._entries[key] = (stored, self.clock())
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        _start_sweeper(self)

    def sweep(self) -> int:
        """Drop every entry unused for longer than ``idle_seconds``; returns how many were dropped."""
        now = self.clock()
        with self._lock:
            idle = [key for key, (_, used) in self._entries.items() if now - used > self.idle_seconds]
            for key in idle:
                del self._entries[key]
        return len(idle)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def idle_cache(max_entries: int, copy: bool = False) -> Callable[[Callable], IdleCache]:
    """Decorator: cache the function's results in an :class:`IdleCache` (at most ``max_entries``, dropped when idle).

    ``copy=True`` for ``st.cache_data``'s contract (each caller its own copy), the default for ``st.cache_resource``'s.

    One cache per function *definition*, not per function object: Streamlit executes a page's script again on every
    run, which defines its cached functions anew; each new definition of the same code gets the cache the first one
    made (and becomes the one a miss calls), as Streamlit's own caches key on the function's source. A changed
    definition (the source edited while the server runs) gets a cache of its own.
    """

    def decorate(function: Callable) -> IdleCache:
        code = inspect.unwrap(function).__code__  # a wrapper's own code is the same for every function it wraps
        identity = (code.co_filename, function.__qualname__, code, max_entries, copy)
        with _registry_lock:
            cache = _registry.get(identity)
            if cache is None:
                cache = _registry[identity] = IdleCache(function, max_entries, copy=copy)
            else:
                cache.function = function
            return cache

    return decorate


# ----- every cache of the process, and the one sweeper thread ------------------------------------------------------
_registry: dict[tuple, IdleCache] = {}  # definition -> its cache (see idle_cache)
_registry_lock = threading.Lock()
_caches: weakref.WeakSet[IdleCache] = weakref.WeakSet()  # caches that hold or held a result: the sweep's round
_sweeper: threading.Thread | None = None
_sweeper_lock = threading.Lock()


_last_call = 0.0  # time.monotonic() of the last call to any cache: the class's activity, read by the sweeper
_release_pending = False  # a sweep dropped results whose memory has not been handed back yet


def sweep_all() -> int:
    """One sweep over every cache of the process; returns how many results it dropped.

    The memory of dropped results is handed back (:func:`core.memory.return_freed_memory`) once no cache was called
    for :data:`SWEEP_SECONDS`: its full ``gc.collect()`` holds every thread for about 0.3 s on a loaded server, a stall
    a class at work would feel every sweep, and while a class works the freed memory is reused by its next views.
    """
    global _release_pending
    with _sweeper_lock:
        caches = list(_caches)
    dropped = sum(cache.sweep() for cache in caches)
    _release_pending = _release_pending or dropped > 0
    if _release_pending and time.monotonic() - _last_call >= SWEEP_SECONDS:
        _release_pending = False
        return_freed_memory()
    return dropped


def _sweep_forever() -> None:
    while True:
        time.sleep(SWEEP_SECONDS)
        try:
            sweep_all()
        except Exception:  # noqa: BLE001 - a failed sweep must not end the sweeper; the next one tries again
            pass


def _start_sweeper(cache: IdleCache) -> None:
    """Register ``cache`` and start the sweeper on the first stored result of the process (not at import, so
    command-line tools that import a page's module start no thread)."""
    global _sweeper
    with _sweeper_lock:
        _caches.add(cache)
        if _sweeper is None:
            _sweeper = threading.Thread(target=_sweep_forever, name="idle-cache-sweeper", daemon=True)
            _sweeper.start()
