"""The app shell: navigation reaches every page, in both languages, without an exception."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pages.kit.registry import BY_NAME, PAGES

ROOT = Path(__file__).resolve().parents[2]


def run_app(lang, page=None):
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.session_state["lang"] = lang
    app.run()
    if page is not None:
        app.switch_page(str(BY_NAME[page].script.relative_to(ROOT)))
        app.run()
    return app


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_home_shows_the_learning_path_and_device(lang):
    app = run_app(lang)
    assert not app.exception
    title = app.title[0].value
    assert title == ("RNN Explorer" if lang == "en" else "RNN 探索器")
    captions = " ".join(caption.value for caption in app.caption)
    assert ("Computed on" if lang == "en" else "计算设备") in captions


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", [entry.name for entry in PAGES if entry.name != "home"])
def test_every_page_opens_from_the_navigation(page, lang):
    app = run_app(lang, page)
    assert not app.exception, app.exception
    assert app.title, f"{page} has no title"
    has_chinese = any(ch >= "\u4e00" and ch <= "\u9fff" for ch in app.title[0].value)
    assert has_chinese == (lang == "zh"), f"{page} title not in {lang}: {app.title[0].value}"


def test_every_run_gives_its_own_thread_the_torch_thread_count(monkeypatch):
    """Each rerun runs on a new thread and OpenMP keeps its thread count per thread: the shell sets it on every
    run's thread (else a fused nn.LSTM on a fresh thread started a team of OpenMP threads, one per core)."""
    import threading

    import torch

    from pages.kit.shell import THREADS

    calls = []
    monkeypatch.setattr(torch, "set_num_threads", lambda count: calls.append((count, threading.current_thread())))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.run()
    app.run()
    assert not app.exception
    first, second = (thread for _, thread in calls)  # one call on each run's own thread
    assert first is not second and threading.current_thread() not in (first, second)
    assert {count for count, _ in calls} == {THREADS}


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads the loaded libgomp from /proc")
def test_every_thread_of_the_server_process_runs_torch_on_one_thread():
    """Importing app.py as the server does leaves OpenMP's default at one thread, so a fragment's fresh thread (which
    the shell's per-visit call never reaches) does not start a team of OpenMP threads for a tiny model."""
    import os
    import subprocess
    import sys

    # OpenMP's own per-thread count (what oneDNN's fused RNN kernels ask), read on a fresh thread through the
    # libgomp that torch loaded; torch.get_num_threads() reads torch's global setting and would say 1 regardless.
    probe = ("import app, ctypes, threading\n"
             "library = next(line.split()[-1] for line in open('/proc/self/maps') if 'libgomp' in line)\n"
             "openmp = ctypes.CDLL(library)\n"
             "counts = []\n"
             "worker = threading.Thread(target=lambda: counts.append(openmp.omp_get_max_threads()))\n"
             "worker.start(); worker.join()\n"
             "print(counts[0])\n")
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("OMP_NUM_THREADS", "RNN_EXPLORER_THREADS")}
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=environment, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "1"
