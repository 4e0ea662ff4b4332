"""What the server process does once, before any session: load what every page uses, then freeze it for the collector.

Why: Python's cyclic garbage collector stops every thread for a full (generation 2) collection and walks every
tracked object. After the pages' imports that is ~300,000 objects (torch, Plotly, Streamlit, this app's own
modules), and under a class a full collection came every 7–11 s and took ~200 ms (a ``gc.callbacks`` log of the
server, ``bench/bench_load.py --mix stepping --students 200``): every student's re-run waited behind it.
``gc.freeze()`` moves every object alive at that moment into a permanent generation that collections skip. Done
once here, at start, it freezes modules, classes and functions that live as long as the process anyway; nothing a
session creates is frozen.

What a session creates needs the collector too: every script run leaves its runner (Streamlit's ``ScriptRunner``,
its thread, signals, context and run state: about 100 objects in reference cycles) as garbage that only the
collector frees. Python's default thresholds collect the youngest generation every 700 net new objects, while the
run is still going, so its runner was promoted and reached the oldest generation, where it counted towards a full
collection: with 200 students that was one every 2–4 s, 90–140 ms each with the interpreter lock held (~155,000
objects to walk: 200 open sessions and the ones kept for reconnection). :func:`tune_collector` collects the young
generation every :data:`COLLECTOR_THRESHOLDS` ``[0]`` net new objects instead, so most runners are already garbage
when they are first looked at and die young.
"""

from __future__ import annotations

import gc
import importlib
import logging
from pathlib import Path

from pages.kit.registry import PAGES

ROOT = Path(__file__).resolve().parents[2]
# (generation 0, generation 1, generation 2) for gc.set_threshold. Measured with a gc.callbacks log of the server,
# bench/bench_load.py --mix stepping,experimenting,lab --students 200 (per ~43 s of load, same chain of phases):
# Python's (700, 10, 10): 12 full collections, 1.9-2.0 s of collecting, longest pause 140 ms; (700, 100, 10): 1 full,
# 0.83-0.90 s, 235 ms; (10000, 10, 10): no full collection, 0.31-0.50 s, longest pause 41-103 ms.
COLLECTOR_THRESHOLDS = (10_000, 10, 10)
PACKAGES = ("core", "pages")
_LOGGER = logging.getLogger(__name__)


def shared_modules() -> list[str]:
    """Every module of the engine (core/) and of the pages' shared code (pages/<folder>/): not the page scripts,
    which run per session, and not the entry files pages/*.py, which run the app."""
    skipped = {entry.script.resolve() for entry in PAGES} | {path.resolve() for path in (ROOT / "pages").glob("*.py")}
    names = []
    for package in PACKAGES:
        for file in sorted((ROOT / package).rglob("*.py")):
            if file.resolve() in skipped or file.name == "__main__.py":
                continue
            parts = file.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def tune_collector(thresholds: tuple[int, int, int] = COLLECTOR_THRESHOLDS) -> tuple[int, int, int]:
    """Set the collector's thresholds for a server (see the module docstring); returns the ones it replaces.
    Process-wide: call once, in the server process."""
    previous = gc.get_threshold()
    gc.set_threshold(*thresholds)
    return previous


def preload_and_freeze() -> int:
    """Import :func:`shared_modules`, collect once, then ``gc.freeze()``; returns how many objects are frozen.

    A module that fails to import is skipped (and logged): the page that needs it shows its own error, as it
    would without this step."""
    for name in shared_modules():
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - startup must not die for one module; the page reports it
            _LOGGER.warning("could not preload %s", name, exc_info=True)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
