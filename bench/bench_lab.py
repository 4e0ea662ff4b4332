"""Benchmarks of the live lab; prints numbers, asserts nothing.

0. The default configuration through the server's job manager: seconds from Start until each cell's probe loss
   falls below half the chance loss (goal: GRU and LSTM within 60 s, the RNN never).
1. Recording overhead: the same lab run (same settings and seed) trained with the page's probe recordings and
   without any (record_every=0), alternated a few times; medians of CPU and wall time and their ratio (goal
   ≤ 1.10), and inside each recorded run the recording time over the training time (goal ≤ 0.10).
2. A second session's page latency while two lab jobs train versus idle (goal: median ≤ 1.5× idle):
   - browser: a real `streamlit run app.py` server on 127.0.0.1 and headless Chromium opening the rnn_step lesson
     in a fresh session until its first chart is drawn;
   - script: the same lesson's script run through streamlit's AppTest in this process.
   Phases run idle, busy (two JobManager jobs training, max_running=2, as the server would run them), idle again.

Usage: python bench/bench_lab.py [--quick] [--only contrast|recording|latency]
"""

from __future__ import annotations

import argparse
import pickle
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from core.lab.config import LabConfig, record_every_for  # noqa: E402
from core.lab.training import train_lab  # noqa: E402
from pages.kit.jobs import NICENESS, new_job_manager  # noqa: E402

LESSON = "rnn_step"
CHROMIUM = "/usr/bin/chromium"


class PickleReporter:
    """Like a job's reporter: every record is pickled (as the queue to the page would) and not kept here."""

    def __init__(self):
        self.sent_bytes = 0

    def report(self, record: dict) -> None:
        self.sent_bytes += len(pickle.dumps(record))

    def should_stop(self) -> bool:
        return False


def recording_overhead(steps: int, repeats: int) -> None:
    """Alternate recorded and unrecorded runs (the order flips each pair, so drift in the machine's load
    hits both); CPU time of this process is the steadier measure on a shared machine, wall time is shown too."""
    torch.set_num_threads(1)  # as in a job process
    recorded = LabConfig(steps=steps, record_every=record_every_for(steps), device="cpu")
    bare = replace(recorded, record_every=0)
    cpu = {"with": [], "without": []}
    wall = {"with": [], "without": []}
    split = []
    for repeat in range(repeats):
        pair = (("with", recorded), ("without", bare))
        for name, config in pair if repeat % 2 == 0 else pair[::-1]:
            cpu_started, wall_started = time.process_time(), time.perf_counter()
            result = train_lab(config, PickleReporter())
            cpu[name].append(time.process_time() - cpu_started)
            wall[name].append(time.perf_counter() - wall_started)
            if name == "with":
                split.append(result["record_seconds"] / result["train_seconds"])
    print(f"[1] recording overhead, {steps} steps, T={recorded.seq_len}, hidden {recorded.hidden_size}, "
          f"cells {','.join(recorded.cells)}, record_every={recorded.record_every}, {repeats} alternated pairs")
    for label, values in (("CPU time", cpu), ("wall time", wall)):
        with_median, without_median = statistics.median(values["with"]), statistics.median(values["without"])
        print(f"    {label:9s}: with recording median {with_median:6.2f} s {[round(v, 2) for v in values['with']]}; "
              f"without {without_median:6.2f} s {[round(v, 2) for v in values['without']]}; "
              f"ratio {with_median / without_median:.3f}   (goal ≤ 1.10)")
    print(f"    inside each recorded run: recording time / training time = median {statistics.median(split):.3f} "
          f"(goal ≤ 0.10)")


def default_contrast(timeout: float = 300.0) -> None:
    """The page's default run through the server's job manager: when does each cell's probe loss first fall
    below half the chance loss (seconds since Start, spawn included)?"""
    config = LabConfig(record_every=record_every_for(LabConfig().steps))
    manager = new_job_manager()
    started = time.time()
    job = manager.submit(train_lab, config, owner="bench", label="lab")
    learned: dict[str, tuple[float, int]] = {}
    seen = 0
    chance = None
    try:
        while not job.finished and time.time() - started < timeout:
            records = job.records_since(seen)
            seen += len(records)
            for record in records:
                if record["kind"] == "start":
                    chance = record["chance_loss"]
                elif record["kind"] == "probe" and record["cell"] not in learned and record["loss"] < 0.5 * chance:
                    learned[record["cell"]] = (time.time() - started, record["step"])
            time.sleep(0.2)
        manager.wait(job, timeout=5)
    finally:
        manager.shutdown()
    final = job.result["final"] if job.result else {}
    print(f"[0] default run ({config.task}, T={config.seq_len}, hidden {config.hidden_size}, {config.optimizer} "
          f"lr {config.learning_rate:g}, {config.steps} steps, batch {config.batch_size}, seed {config.seed}), "
          f"status {job.status} after {time.time() - started:.1f} s; chance loss {chance:.3f}")
    for cell in config.cells:
        when = learned.get(cell)
        moment = f"below chance/2 at step {when[1]}, {when[0]:5.1f} s after Start" if when else "never below chance/2"
        loss = final.get(cell, {}).get("loss", float("nan"))
        print(f"    {cell:4s}: {moment}; final probe loss {loss:.4f}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_server(port: int, timeout: float = 60.0) -> None:
    import urllib.request

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("streamlit server did not come up")


def browser_render_seconds(browser, port: int) -> float:
    """Open the lesson in a fresh browser session and wait until its first chart is on screen."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    started = time.perf_counter()
    page.goto(f"http://127.0.0.1:{port}/{LESSON}", timeout=120_000)
    page.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=120_000)
    elapsed = time.perf_counter() - started
    context.close()
    return elapsed


def script_render_seconds() -> float:
    from streamlit.testing.v1 import AppTest

    started = time.perf_counter()
    at = AppTest.from_file(str(ROOT / "pages" / "lessons" / f"{LESSON}.py"), default_timeout=120).run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"{LESSON} failed: {at.exception[0].message}")
    return elapsed


def measure(browser, port: int | None, samples: int) -> dict[str, list[float]]:
    found = {"browser": [], "script": []}
    for _ in range(samples):
        if browser is not None:
            found["browser"].append(browser_render_seconds(browser, port))
        found["script"].append(script_render_seconds())
    return found


def page_latency(samples: int, job_steps: int) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1", "--server.port",
         str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    playwright = browser = None
    manager = new_job_manager()  # the server's settings: cap, niceness
    try:
        wait_for_server(port)
        try:
            from playwright.sync_api import sync_playwright

            playwright = sync_playwright().start()
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        except Exception as error:  # no browser here: the script timing still runs
            print(f"    (browser timing skipped: {error})")
        measure(browser, port, 1)  # warm caches and imports; not counted
        idle = measure(browser, port, samples)
        config = LabConfig(steps=job_steps, device="cpu")
        jobs = [manager.submit(train_lab, config, owner=f"bench-{i}", label="lab") for i in range(2)]
        while not all(any(r["kind"] == "step" for r in job.records) for job in jobs):
            if any(job.finished for job in jobs):
                raise RuntimeError(f"a job ended early: {[job.error for job in jobs]}")
            time.sleep(0.2)
        busy = measure(browser, port, samples)
        still_training = all(job.status == "running" for job in jobs)
        for job in jobs:
            job.stop()
        for job in jobs:
            manager.wait(job, timeout=60)
        idle_again = measure(browser, port, samples)
    finally:
        manager.shutdown()
        if browser is not None:
            browser.close()
        if playwright is not None:
            playwright.stop()
        server.terminate()
        server.wait(timeout=20)
    print(f"[2] page latency of the '{LESSON}' lesson, {samples} samples per phase; two lab jobs "
          f"({','.join(config.cells)}, T={config.seq_len}, nice +{NICENESS}) training in the busy phase"
          f"{'' if still_training else ' (a job finished during the busy phase: raise --job-steps)'}")
    for name in ("browser", "script"):
        if not busy[name]:
            continue
        idle_median = statistics.median(idle[name] + idle_again[name])
        busy_median = statistics.median(busy[name])
        print(f"    {name:7s}: idle median {idle_median:6.2f} s  busy median {busy_median:6.2f} s  "
              f"ratio {busy_median / idle_median:.2f}   (goal ≤ 1.5)")
        print(f"             idle {[round(v, 2) for v in idle[name]]} busy {[round(v, 2) for v in busy[name]]} "
              f"idle again {[round(v, 2) for v in idle_again[name]]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer steps and samples")
    parser.add_argument("--job-steps", type=int, default=5000, help="steps of each background job")
    parser.add_argument("--only", choices=("contrast", "recording", "latency"), help="run one measurement")
    args = parser.parse_args()
    if args.only in (None, "contrast"):
        default_contrast()
    if args.only in (None, "recording"):
        recording_overhead(steps=300 if args.quick else 900, repeats=2 if args.quick else 3)
    if args.only in (None, "latency"):
        page_latency(samples=3 if args.quick else 7, job_steps=args.job_steps)


if __name__ == "__main__":
    main()
