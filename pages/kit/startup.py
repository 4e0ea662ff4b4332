"""What the server process does once, before any session: load what every page uses, then freeze it for the collector.

Why: Python's cyclic garbage collector stops every thread for a full (generation 2) collection and walks every
tracked object. After the pages' imports that is ~300,000 objects (torch, Plotly, Streamlit, this app's own
modules), and under a class a full collection came every 7–11 s and took ~200 ms (a ``gc.callbacks`` log of the
server, ``bench/bench_load.py --mix stepping --students 200``): every student's re-run waited behind it.
``gc.freeze()`` moves every object alive at that moment into a permanent generation that collections skip. Done
once here, at start, it freezes modules, classes and functions that live as long as the process anyway; nothing a
session creates is frozen.

The collector's thresholds stay Python's (700, 10, 10), measured against larger ones. Every script run leaves its
Streamlit runner (about 100 objects in reference cycles, with what its run still references) for the collector; at
700 the runner is promoted while its run goes on, so under 200 students full collections still come every 2–4 s,
90–140 ms each (a ``gc.callbacks`` log of the server, ``bench/bench_load.py --mix experimenting,lab --students 200``:
1.9–2.0 s of collecting per ~43 s of load). A young generation of 10,000 (or 2,500) objects ended the full
collections (0.3–0.6 s of collecting) but kept the dead runs longer: the experimenting phase's peak RSS rose from
468–470 MB to 502–512 MB and the RSS after it from 441–445 to 465–478 MB (four runs each way), with no p95 that the
noise of this machine could tell apart.
"""

from __future__ import annotations

import gc
import importlib
import logging
from pathlib import Path

from pages.kit.registry import PAGES

ROOT = Path(__file__).resolve().parents[2]
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
