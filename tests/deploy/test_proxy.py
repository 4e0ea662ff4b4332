"""deploy/serve.sh end to end: two replicas behind Debian's nginx on loopback, driven over Streamlit's websocket.

Checks what a class needs from the proxy: a lesson loads and steps through it, a live-lab training starts and its
live panel keeps polling the job in the session's own process, the cookie keeps a browser on one replica while new
browsers spread over both, a lecture's students reach the replica that holds its room, the load bench runs through it with no errors, and SIGTERM stops every process.

Skipped only where nginx is missing and this is not CI; in CI (CI=true) tests/run.sh installs nginx and this runs.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import bench_load  # noqa: E402
from follow import run_follow  # noqa: E402
from tests.deploy.coroutines import run_coroutine  # noqa: E402
from stclient import FINISHED_FRAGMENT_RUN_SUCCESSFULLY, FINISHED_SUCCESSFULLY, open_page  # noqa: E402

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
if NGINX is None and os.environ.get("CI") != "true":
    pytest.skip("nginx is not installed here (tests/run.sh installs it; in CI this test must run)",
                allow_module_level=True)



def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split(")")[1][:3]


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("serve")
    port = _free_port()
    log = open(run_dir / "serve.log", "w")
    process = subprocess.Popen(
        ["bash", str(ROOT / "deploy" / "serve.sh"), "--replicas", "2", "--port", str(port), "--run-dir", str(run_dir)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True, start_new_session=True)
    deadline = time.time() + 300
    ready = False
    while time.time() < deadline and process.poll() is None:
        line = process.stdout.readline()
        if line.startswith("READY"):
            ready = True
            break
    if not ready:
        process.kill()
        raise RuntimeError(f"serve.sh did not get ready: {(run_dir / 'serve.log').read_text()[-3000:]}")
    pids = [int(pid) for pid in (run_dir / "replicas.pids").read_text().strip().split(",")]
    yield SimpleNamespace(url=f"http://127.0.0.1:{port}", pids=pids, process=process, run_dir=run_dir)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)


def _get(url: str, cookie: str | None = None):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers


def test_cookie_keeps_a_browser_on_one_replica_and_new_browsers_spread(proxy):
    status, headers = _get(proxy.url + "/")
    assert status == 200
    ours = [value.split(";")[0] for value in headers.get_all("Set-Cookie") or []
            if value.startswith("rnn_explorer_replica=")]
    assert len(ours) == 1 and len(ours[0]) > len("rnn_explorer_replica=")
    cookie = ours[0]
    first = headers["X-RNN-Explorer-Replica"]
    for _ in range(5):
        _, again = _get(proxy.url + "/_stcore/health", cookie)
        assert again["X-RNN-Explorer-Replica"] == first
        # the browser keeps its cookie; nginx does not hand out another
        assert not any(value.startswith("rnn_explorer_replica=") for value in again.get_all("Set-Cookie") or [])
    fresh = {_get(proxy.url + "/_stcore/health")[1]["X-RNN-Explorer-Replica"] for _ in range(30)}
    assert len(fresh) == 2  # 30 new browsers all on one replica would be a (1/2)^29 chance


def test_lesson_loads_and_steps_through_the_proxy(proxy):
    step_word = tomllib.loads((ROOT / "assets/text/en/rnn_step.toml").read_text(encoding="utf-8"))["step_word"]

    async def visit():
        session, opened = await open_page(proxy.url, "rnn_step")
        try:
            stepped = await session.rerun({"rnn_step.step": 3})
        finally:
            await session.close()
        return opened, stepped

    opened, stepped = run_coroutine(visit())
    assert opened.status == FINISHED_SUCCESSFULLY
    assert stepped.status == FINISHED_FRAGMENT_RUN_SUCCESSFULLY  # the step view is a fragment: only it re-ran
    for result in (opened, stepped):
        assert not result.exceptions and not result.page_not_found
    assert step_word.format(step=3, token="北京", previous=2) in stepped.texts


def test_lab_run_starts_and_its_live_panel_polls_through_the_proxy(proxy):
    async def train():
        session, _ = await open_page(proxy.url, "lab")
        try:
            assert session.widgets["lab.stop"].disabled
            started = await session.rerun({"lab.start": True})
            # the page re-ran itself with the run live: Stop enabled, Start locked
            running = not session.widgets["lab.stop"].disabled and session.widgets["lab.start"].disabled
            deadline = time.time() + 60
            while session.fragment_runs < 3 and time.time() < deadline:
                await asyncio.sleep(0.5)
            stopped = await session.rerun({"lab.stop": True})
            return started, running, session.fragment_runs, list(session.fragment_exceptions), stopped
        finally:
            await session.close()

    started, running, fragment_runs, fragment_exceptions, stopped = run_coroutine(train())
    assert started.status == FINISHED_SUCCESSFULLY and not started.exceptions
    assert running
    assert fragment_runs >= 3 and not fragment_exceptions  # the job lives in the process this socket talks to
    assert not stopped.exceptions


def test_load_bench_through_the_proxy_has_no_errors(proxy):
    args = bench_load.parse_args(["--url", proxy.url, "--quick", "--duration", "8", "--ramp", "2", "--think", "1",
                                  "--settle", "0"])

    async def run():
        return await bench_load.run_phase("stepping", 6, proxy.url, None, args)

    result = run_coroutine(run())
    assert result.tally.errors == [] and result.tally.exceptions == []
    assert len(result.tally.opens) == 6 and len(result.tally.latencies) >= 6


def test_a_lecture_link_reaches_the_replica_that_holds_the_room(proxy):
    """The lecturer's room lives in one replica; every student's link (and so their websocket, by the cookie the link
    sets) lands there, whatever replica their browser had before."""
    for code_start, replica in (("A", 0), ("C", 1)):  # the alphabet's first two characters, replicas 0 and 1
        holders = {_get(f"{proxy.url}/?lecture={code_start}AAAA", cookie)[1]["X-RNN-Explorer-Replica"]
                   for cookie in (None, "rnn_explorer_replica=r0", "rnn_explorer_replica=r1")}
        assert len(holders) == 1, f"codes starting with {code_start} must all go to replica {replica}: {holders}"
    tally = run_coroutine(run_follow(proxy.url, students=4, duration=7.0, think=3.0, ramp=1.0, timeout=60.0))
    assert tally.errors == [] and tally.exceptions == []
    assert tally.changes >= 2 and tally.missed == 0 and len(tally.delays) == 4 * tally.changes


def test_sigterm_stops_nginx_and_every_replica(proxy):
    nginx_pid = int((proxy.run_dir / "nginx.pid").read_text())
    proxy.process.send_signal(signal.SIGTERM)
    proxy.process.wait(timeout=60)
    deadline = time.time() + 20
    while time.time() < deadline and any(_alive(pid) for pid in [*proxy.pids, nginx_pid]):
        time.sleep(0.3)
    assert not any(_alive(pid) for pid in [*proxy.pids, nginx_pid])
