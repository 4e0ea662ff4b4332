"""How much memory this server holds right now: its own resident set plus its children's (training jobs); and
:func:`return_freed_memory`, which hands memory the process has freed back to the system; and
:func:`keep_large_blocks_apart` and :func:`share_few_heaps`, the allocator settings that let it.

Read from ``/proc`` on Linux. Elsewhere there is no cheap, honest current figure (``getrusage`` gives the peak, which
never falls), so :func:`server_memory_bytes` returns ``None`` there and a memory budget is simply not enforced.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
from collections.abc import Callable
from pathlib import Path

PROC = Path("/proc")


def resident_bytes(pid: int) -> int:
    """``VmRSS`` of one process in bytes (0 if it is gone)."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024  # the kernel reports kB
    except (OSError, ValueError, IndexError):
        pass
    return 0


def child_pids(pid: int) -> list[int]:
    """Direct children of ``pid`` over all of its threads."""
    found: list[int] = []
    for task in (PROC / str(pid) / "task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError):
            pass
    return found


def physical_memory_bytes() -> int | None:
    """The machine's RAM in bytes (``None`` where the system does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def server_memory_bytes(pid: int | None = None) -> int | None:
    """Resident bytes of ``pid`` (default: this process) and of all its descendants; ``None`` without ``/proc``."""
    pid = os.getpid() if pid is None else pid
    if not (PROC / str(pid) / "status").exists():
        return None
    total, pending, seen = 0, [pid], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        total += resident_bytes(current)
        pending += child_pids(current)
    return total


def _libc_function(name: str) -> Callable[..., int] | None:
    """A glibc function by name (``None`` where the C library has none: musl, macOS, Windows)."""
    library = ctypes.util.find_library("c")
    if library is None:
        return None
    try:
        return getattr(ctypes.CDLL(library), name, None)
    except OSError:
        return None


_MALLOC_TRIM = _libc_function("malloc_trim")
_MALLOPT = _libc_function("mallopt")
M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter numbers (malloc.h)
M_ARENA_MAX = -8
MMAP_THRESHOLD_BYTES = 128 * 1024
HEAPS = 2  # glibc's arenas, where its default is eight per core


def keep_large_blocks_apart() -> bool:
    """Fix glibc's mmap threshold at 128 KiB, so every block that large gets its own mapping, unmapped when freed.

    Why: glibc starts at 128 KiB too, but raises the threshold to the size of each mapped block that is freed (up to
    32 MiB). A server that builds and drops figure JSON, protobuf messages and arrays of a few hundred KiB soon
    serves them all from its heaps instead, and their freed space sits between long-lived small objects, where
    ``malloc_trim`` cannot return it. Measured with ``bench/bench_load.py --mix experimenting --students 100``
    (60 s after the class closed, against the warm server): +15 % RSS with the sliding threshold, +10–12 %
    fixed (three runs).
    Setting it explicitly is what stops the sliding. Call once, early, in the server process. Returns whether the
    C library took it (``False`` off glibc). Tried beside it, no better: a 32 KiB threshold (+12 %).
    """
    if _MALLOPT is None:
        return False
    return bool(_MALLOPT(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))


def share_few_heaps() -> bool:
    """Let glibc keep at most :data:`HEAPS` heaps (arenas) for all threads, instead of up to eight per core.

    Why: Streamlit runs every script and fragment run on a new thread, and glibc gives a thread that finds no free
    heap a heap of its own while it may still create one. Under a class many runs overlap, so the server ends up with
    a dozen heaps, each keeping its own free space and its own high-water mark after the class. The app's threads
    take turns on one interpreter lock, so they seldom allocate at the same moment and lose nothing by sharing.
    Measured with ``bench/bench_load.py --mix experimenting --students 200`` on fresh servers (this 2-core machine,
    four runs each way, alternating): peak RSS 468-471 MB -> 459-461 MB, RSS 60 s after the class 440-444 MB ->
    435-436 MB (warm 393 MB), reruns served 814-982 -> 891-940 (the same within this machine's noise). An earlier
    round, at 100 students, saw +11 % against +10-12 %: the effect is small, but it never went the other way.
    Call once, early, in the server process, before its threads start. Returns whether the C library took it.
    """
    if _MALLOPT is None:
        return False
    return bool(_MALLOPT(M_ARENA_MAX, HEAPS))


def return_freed_memory() -> None:
    """Collect unreachable cycles, then ask glibc to give its free heap pages back to the system.

    Why both: freed Python objects go back to glibc's heaps (one per thread arena; every session's script thread
    allocates in one), and glibc keeps free pages for reuse instead of returning them, so the RSS does not fall when a
    cache drops its entries; ``malloc_trim(0)`` releases the free pages of every arena. Costs a few ms; call it after
    dropping a lot (a cache sweep), not per request.
    """
    gc.collect()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
