"""Real-browser fixtures: a `streamlit run app.py` server on a free loopback port and Debian's Chromium via Playwright.

The suite fails (rather than skips) when Chromium is missing, so CI cannot go green without having run it;
set RNN_EXPLORER_SKIP_BROWSER=1 to skip it deliberately on a machine without a browser.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("RNN_EXPLORER_ARTIFACTS", ROOT / "artifacts")) / "screenshots"
CHROMIUM = os.environ.get("RNN_EXPLORER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
    if os.environ.get("RNN_EXPLORER_SKIP_BROWSER") == "1":
        skip = pytest.mark.skip(reason="RNN_EXPLORER_SKIP_BROWSER=1")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_server(log_name: str = "streamlit.log"):
    """``streamlit run app.py`` as a user starts it, on a free loopback port; yields its base URL."""
    port = free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS.parent / log_name, "w")
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited early; see {log.name}")
        else:
            raise RuntimeError("streamlit did not become healthy in 90 s")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def server():
    with running_server() as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `apt-get install -y chromium` (tests/run.sh does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    yield tab
    context.close()


def wait_ready(tab, timeout: float = 90_000) -> None:
    """Wait until the app is connected and its script has finished running."""
    tab.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=timeout)
    # Before its first run the app is "notRunning" with nothing drawn: wait for the first element too.
    tab.wait_for_selector('[data-testid="stMain"] [data-testid="stElementContainer"]', timeout=timeout)
    # A rerun may start just after the first check: require two consecutive idle observations.
    deadline = time.time() + timeout / 1000
    idle_seen = 0
    while time.time() < deadline:
        if tab.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').count():
            idle_seen += 1
            if idle_seen >= 2:
                return
        else:
            idle_seen = 0
        time.sleep(0.25)
    raise TimeoutError("the app script did not finish")


def assert_no_exception(tab, where: str) -> None:
    errors = tab.locator('[data-testid="stException"]')
    if errors.count():
        raise AssertionError(f"{where}: {errors.first.inner_text()[:2000]}")


def screenshot(tab, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}.png"
    # The app scrolls inside stMain, so a "full page" shot would stop at the window: grow the window to the content.
    viewport = tab.viewport_size
    height = tab.evaluate(
        "() => { const main = document.querySelector('[data-testid=\"stMain\"]');"
        " return main ? main.scrollHeight : document.body.scrollHeight; }"
    )
    tab.set_viewport_size({"width": viewport["width"], "height": min(max(height, viewport["height"]), 12000)})
    time.sleep(0.5)  # let the charts redraw at the new size
    tab.screenshot(path=str(path), full_page=True)
    tab.set_viewport_size(viewport)
    return path
