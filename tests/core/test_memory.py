"""The allocator settings of the server process: large blocks keep their own mappings after bigger ones were freed,
and all threads share a few heaps."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from core import memory

# Run in a child: mallopt changes the whole process, and glibc's sliding threshold needs a fresh allocator to show.
PROBE = textwrap.dedent("""
    import ctypes, sys
    from core import memory

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                         "fsmblks", "uordblks", "fordblks", "keepcost")]

    libc = ctypes.CDLL(None)
    libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    libc.mallinfo2.restype = MallInfo2
    if sys.argv[1] == "fixed":
        assert memory.keep_large_blocks_apart()
    libc.free(libc.malloc(8 << 20))  # a mapped 8 MiB block, freed: glibc would now raise its threshold to 8 MiB
    before = libc.mallinfo2().hblks
    block = libc.malloc(256 << 10)
    print(libc.mallinfo2().hblks - before)  # 1: the 256 KiB block got its own mapping; 0: it came from a heap
    libc.free(block)
""")


def run_in_child(probe: str, mode: str) -> subprocess.CompletedProcess:
    """``probe`` run by a fresh interpreter from the repository root (``sys.argv[1]`` is ``mode``); it must succeed."""
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run([sys.executable, "-c", probe, mode], capture_output=True, text=True, timeout=60, cwd=root)
    assert run.returncode == 0, run.stderr
    return run


def mapped_blocks_after_a_large_free(mode: str) -> int:
    return int(run_in_child(PROBE, mode).stdout.strip())


@pytest.mark.skipif(memory._MALLOPT is None or not sys.platform.startswith("linux"), reason="glibc only")
def test_a_fixed_threshold_keeps_large_blocks_out_of_the_heaps():
    assert mapped_blocks_after_a_large_free("sliding") == 0  # glibc's default: the freed 8 MiB raised the threshold
    assert mapped_blocks_after_a_large_free("fixed") == 1


def test_the_setting_is_a_no_op_without_glibc(monkeypatch):
    monkeypatch.setattr(memory, "_MALLOPT", None)
    assert memory.keep_large_blocks_apart() is False


# Eight threads alive at once, each allocating: glibc gives each a heap of its own unless the number is capped.
HEAPS_PROBE = textwrap.dedent("""
    import ctypes, sys, threading
    from core import memory

    libc = ctypes.CDLL(None)
    libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    if sys.argv[1] == "capped":
        assert memory.share_few_heaps()
    all_allocated = threading.Barrier(8)

    def allocate():
        block = libc.malloc(1000)
        all_allocated.wait()
        libc.free(block)

    threads = [threading.Thread(target=allocate) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    libc.malloc_stats()  # one "Arena N:" paragraph per heap, on stderr
""")


def heaps_after_eight_threads(mode: str) -> int:
    return sum(line.startswith("Arena ") for line in run_in_child(HEAPS_PROBE, mode).stderr.splitlines())


@pytest.mark.skipif(memory._MALLOPT is None or not sys.platform.startswith("linux"), reason="glibc only")
def test_threads_share_at_most_the_capped_number_of_heaps():
    assert heaps_after_eight_threads("default") >= 8  # the main thread's heap and one per thread
    assert heaps_after_eight_threads("capped") == memory.HEAPS


def test_the_heap_cap_is_a_no_op_without_glibc(monkeypatch):
    monkeypatch.setattr(memory, "_MALLOPT", None)
    assert memory.share_few_heaps() is False
