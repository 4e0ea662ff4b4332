"""How much memory this server holds right now: its own resident set plus its children's (training jobs); and
:func:`return_freed_memory`, which hands memory the process has freed back to the system; and
:func:`keep_large_blocks_apart`, the allocator setting that lets it.

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
M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number (malloc.h)
MMAP_THRESHOLD_BYTES = 128 * 1024


def keep_large_blocks_apart() -> bool:
    """Fix glibc's mmap threshold at 128 KiB, so every block that large gets its own mapping, unmapped when freed.

    Why: glibc starts at 128 KiB too, but raises the threshold to the size of each mapped block that is freed (up to
    32 MiB). A server that builds and drops figure JSON, protobuf messages and arrays of a few hundred KiB soon
    serves them all from its heaps instead, and their freed space sits between long-lived small objects, where
    ``malloc_trim`` cannot return it. Measured with ``bench/bench_load.py --mix experimenting --students 100``
    (60 s after the class closed, against the warm server): +15 % RSS with the sliding threshold, +10–12 %
    fixed (three runs).
    Setting it explicitly is what stops the sliding. Call once, early, in the server process. Returns whether the
    C library took it (``False`` off glibc). Tried beside it, no better: a 32 KiB threshold (+12 %), two or one
    malloc arenas instead of glibc's eight per core (+11 %).
    """
    if _MALLOPT is None:
        return False
    return bool(_MALLOPT(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))


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
