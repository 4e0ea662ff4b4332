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
