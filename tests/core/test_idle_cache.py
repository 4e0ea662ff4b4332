"""The idle cache: bounded by entries (least recently used out), emptied by a sweep when unused, safe across threads."""

import threading
import time
from dataclasses import dataclass

import pytest

from core import idle_cache as module
from core.idle_cache import IdleCache, idle_cache


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def counting(clock=None, max_entries=3, idle_seconds=40.0, copy=False):
    """A cached ``f(sentence, seed=0)`` that records every computation."""
    calls = []

    def compute(sentence: str, seed: int = 0):
        calls.append((sentence, seed))
        return [sentence, seed]

    cache = IdleCache(compute, max_entries, idle_seconds=idle_seconds, copy=copy, clock=clock or FakeClock())
    return cache, calls


def test_a_result_is_computed_once_per_key_and_defaults_share_the_entry():
    cached, calls = counting()
    first = cached("the cat")
    assert cached("the cat") is first and cached("the cat", 0) is first and cached(sentence="the cat", seed=0) is first
    assert cached("the cat", 1) == ["the cat", 1]
    assert calls == [("the cat", 0), ("the cat", 1)]


def test_types_are_part_of_the_key():
    cached, calls = counting(max_entries=8)
    cached("a", 1), cached("a", True), cached("a", 1.0), cached("a", (1,)), cached("a", (True,))
    assert len(calls) == 5 and len(cached) == 5


def test_the_least_recently_used_entry_goes_first():
    cached, calls = counting(max_entries=2)
    cached("a"), cached("b")
    cached("a")  # a is now the most recent: c pushes b out
    cached("c")
    assert len(cached) == 2
    cached("a")
    assert calls == [("a", 0), ("b", 0), ("c", 0)]
    cached("b")
    assert calls[-1] == ("b", 0) and len(cached) == 2


def test_a_sweep_drops_only_entries_idle_longer_than_the_limit():
    clock = FakeClock()
    cached, calls = counting(clock, max_entries=8, idle_seconds=40.0)
    cached("old"), cached("read again")
    clock.now += 30
    cached("read again"), cached("new")
    clock.now += 20  # old: 50 s idle; the other two: 20 s
    assert cached.sweep() == 1 and len(cached) == 2
    cached("read again"), cached("new")
    assert calls == [("old", 0), ("read again", 0), ("new", 0)]
    cached("old")  # simply computed again
    assert calls[-1] == ("old", 0)
    clock.now += 41
    assert cached.sweep() == 3 and len(cached) == 0


def test_copy_hands_every_caller_its_own_copy():
    cached, calls = counting(copy=True)
    first = cached("a")
    first.append("changed by a page")
    second = cached("a")
    assert second == ["a", 0] and second is not cached("a") and calls == [("a", 0)]


def test_underscore_arguments_are_left_out_of_the_key_and_unhashable_ones_are_refused():
    calls = []

    @idle_cache(max_entries=4)
    def view(sentence: str, _spec: dict):
        calls.append(sentence)
        return sentence.upper()

    assert view("a", {"spec": 1}) == "A" and view("a", {"spec": 2}) == "A" and calls == ["a"]
    with pytest.raises(TypeError, match="hashable"):
        view(["not", "hashable"], {})


def test_frozen_dataclass_arguments_are_keys():
    @dataclass(frozen=True)
    class Setup:
        size: int = 3
        radius: float = 0.9

    calls = []

    @idle_cache(max_entries=4)
    def run(setup: Setup):
        calls.append(setup)
        return setup.size

    run(Setup()), run(Setup()), run(Setup(size=4))
    assert calls == [Setup(), Setup(size=4)]


def test_an_exception_is_not_cached():
    attempts = []

    @idle_cache(max_entries=2)
    def flaky(value: int):
        attempts.append(value)
        if len(attempts) == 1:
            raise RuntimeError("first try fails")
        return value

    with pytest.raises(RuntimeError):
        flaky(1)
    assert flaky(1) == 1 and flaky(1) == 1 and attempts == [1, 1]


def test_concurrent_callers_of_one_key_compute_it_once_and_share_the_result():
    calls = []
    started = threading.Event()

    @idle_cache(max_entries=4)
    def slow(sentence: str):
        calls.append(sentence)
        started.set()
        time.sleep(0.2)
        return object()

    results = []
    threads = [threading.Thread(target=lambda: results.append(slow("same"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == ["same"] and len(results) == 8 and all(result is results[0] for result in results)


def test_many_threads_on_many_keys_keep_the_bound_and_the_values():
    @idle_cache(max_entries=16)
    def square(value: int):
        return value * value

    errors = []

    def worker(offset: int):
        for step in range(300):
            value = (offset * 7 + step) % 40
            if square(value) != value * value:
                errors.append(value)

    threads = [threading.Thread(target=worker, args=(offset,)) for offset in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(square) <= 16


def test_sweep_all_hands_memory_back_once_the_caches_are_quiet(monkeypatch):
    clock = FakeClock()
    cached, _ = counting(clock, idle_seconds=40.0)
    returned = []
    monkeypatch.setattr(module, "return_freed_memory", lambda: returned.append(True))
    monkeypatch.setattr(module, "_release_pending", False)
    cached("a")
    assert cached in module._caches and module._sweeper is not None and module._sweeper.daemon
    assert module.sweep_all() == 0 and returned == []
    clock.now += 41
    assert module.sweep_all() >= 1 and len(cached) == 0
    assert returned == []  # a cache was called just now: a class at work, no collection stall
    monkeypatch.setattr(module, "_last_call", module._last_call - module.SWEEP_SECONDS)
    assert module.sweep_all() == 0 and returned == [True]  # quiet: the dropped results' memory goes back, once
    assert module.sweep_all() == 0 and returned == [True]


def test_a_definition_executed_again_keeps_its_cache_and_a_changed_one_gets_its_own():
    """Streamlit executes a page script on every run: the same source must find the results of the last run."""
    source = "@idle_cache(max_entries=4)\ndef view(sentence):\n    calls.append(sentence)\n    return sentence * {n}\n"
    calls = []
    namespaces = [{"idle_cache": idle_cache, "calls": calls} for _ in range(3)]
    for namespace, repeat in zip(namespaces, (2, 2, 3)):
        exec(compile(source.format(n=repeat), "page_script.py", "exec"), namespace)
    first, again, changed = (namespace["view"] for namespace in namespaces)
    assert again is first and changed is not first
    assert first("ab") == "abab" and again("ab") == "abab" and calls == ["ab"]
    assert changed("ab") == "ababab" and calls == ["ab", "ab"]
