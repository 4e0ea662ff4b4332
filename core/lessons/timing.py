"""Timing small torch workloads fairly on a shared machine: a warm-up, turns, the minimum, and one CPU thread.

Used by every lesson that measures (LSTM vs GRU cells, the loop-vs-fused LSTM, LSTM vs Transformer): its one lock
guards torch's process-wide thread count. Results are plain floats.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import torch

TIMING_THREADS = 1  # CPU timings use one thread: stable on a shared machine, and the same for every visitor
# One timing at a time per process: two would slow each other down, and both change torch's thread count.
_TIMING_LOCK = threading.Lock()


@contextmanager
def timing_conditions(device: torch.device) -> Iterator[int | None]:
    """Hold the timing lock and, on the CPU, run torch on ``TIMING_THREADS`` threads; yields that thread count
    (``None`` on an accelerator, where the host's threads hardly matter).

    Several threads racing for a few busy cores make each run's time depend on whoever else is computing; one
    thread measures the work itself.
    """
    with _TIMING_LOCK:
        if device.type != "cpu":
            yield None
            return
        previous = torch.get_num_threads()
        torch.set_num_threads(TIMING_THREADS)
        try:
            yield TIMING_THREADS
        finally:
            torch.set_num_threads(previous)


def fastest_seconds(runs: dict[str, Callable[[], object]], repeats: int, device: torch.device,
                    budget_seconds: float = 0.05) -> tuple[dict[str, float], int]:
    """Best wall time of each ``run()`` over at least ``repeats`` rounds, after one warm-up call each.

    The runs take turns, so a burst of load from other processes hits them alike, and the minimum is kept: noise
    only ever adds time, so the fastest run is the closest to the work itself. Quick runs get more rounds (up to
    ten times ``repeats``, while the total stays under ``budget_seconds``), which makes their minimum reliable.
    Waits for a GPU (CUDA or MPS) when timing it. Returns (seconds per run name, rounds timed).
    """
    synchronize = _synchronizer(device)
    for run in runs.values():
        run()
    synchronize()
    best = {name: float("inf") for name in runs}
    rounds, spent = 0, 0.0
    while rounds < repeats or (spent < budget_seconds and rounds < 10 * repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            synchronize()
            elapsed = time.perf_counter() - start
            best[name] = min(best[name], elapsed)
            spent += elapsed
        rounds += 1
    return best, rounds


def _synchronizer(device: torch.device) -> Callable[[], None]:
    """Accelerators run asynchronously: wait for them, or only the kernel launch would be timed."""
    if device.type == "cuda":
        return torch.cuda.synchronize
    if device.type == "mps":
        return torch.mps.synchronize
    return lambda: None
