"""The server's start: the shared modules are loaded and frozen for the garbage collector; no page runs."""

import subprocess
import sys
import textwrap
from pathlib import Path

from pages.kit.registry import PAGES
from pages.kit.startup import shared_modules

ROOT = Path(__file__).resolve().parents[2]


def test_shared_modules_are_the_engine_and_the_kit_never_a_page_script():
    names = set(shared_modules())
    assert {"core", "core.trace", "core.classifier.training", "pages.kit.shell", "pages.kit.chart",
            "pages.practice.lab_sections", "pages.lessons.gradients_sections"} <= names
    scripts = {f"pages.{entry.folder}.{entry.name}" for entry in PAGES}
    entries = {f"pages.{path.stem}" for path in (ROOT / "pages").glob("*.py")}
    assert not names & (scripts | entries)  # those run a page (or the whole app) when imported


def test_preload_freezes_the_loaded_modules_and_runs_no_page():
    # In a child: freezing changes the whole process's collector.
    probe = textwrap.dedent("""
        import gc, sys
        from pathlib import Path
        from pages.kit.registry import PAGES
        from pages.kit.startup import preload_and_freeze
        frozen = preload_and_freeze()
        runs_a_page = {f"pages.{entry.folder}.{entry.name}" for entry in PAGES} | {
            f"pages.{path.stem}" for path in Path("pages").glob("*.py")}
        pages = sorted(runs_a_page & set(sys.modules))
        print(frozen, gc.get_freeze_count(), "torch" in sys.modules, "pages.kit.shell" in sys.modules, pages)
    """)
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    frozen, count, torch_loaded, shell_loaded, pages = run.stdout.strip().split(" ", 4)
    assert int(frozen) == int(count) > 100_000  # torch, Plotly, Streamlit and the app: what a full collection walked
    assert torch_loaded == shell_loaded == "True"
    assert pages == "[]"


def test_tuned_collector_frees_each_runs_cycles_young_where_the_default_ran_full_collections():
    # In a child: the thresholds are the whole process's. Each "run" is what a script run leaves: a reference cycle
    # (a runner) that stays alive while the run builds a few thousand containers, then is garbage that only the
    # collector frees. Counted: full (generation 2) collections, which walk every object with the lock held.
    probe = textwrap.dedent("""
        import gc
        from pages.kit.startup import COLLECTOR_THRESHOLDS, tune_collector

        def full_collections(runs=400, built=3000):
            full = []
            def count(phase, info):
                if phase == "stop" and info["generation"] == 2:
                    full.append(info["collected"])
            gc.collect()
            gc.callbacks.append(count)
            for _ in range(runs):
                runner = {"parts": [[] for _ in range(100)]}
                runner["self"] = runner
                built_objects = [[] for _ in range(built)]
                del built_objects, runner
            gc.callbacks.remove(count)
            return len(full)

        gc.set_threshold(700, 10, 10)  # Python's defaults
        default = full_collections()
        previous = tune_collector()
        tuned = full_collections()
        print(default, tuned, previous == (700, 10, 10), gc.get_threshold() == COLLECTOR_THRESHOLDS)
    """)
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    default, tuned, returned_previous, set_now = run.stdout.split()
    assert int(default) >= 4 and int(tuned) <= 1, (default, tuned)
    assert returned_previous == set_now == "True"
