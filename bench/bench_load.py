"""A class on one server: N simulated students over Streamlit's own websocket protocol; prints numbers, asserts nothing.

The server is started as a user starts it (``python -m streamlit run app.py`` in the repository, so
``.streamlit/config.toml`` applies; headless, on a free loopback port), or ``--url`` points at one already running
(an nginx in front of replicas, see ``deploy/serve.sh``; pass ``--pid`` to measure its processes). Each student is
one :class:`bench.stclient.StreamlitSession` in one asyncio loop: it opens a page, then re-runs it after a think time
(uniform in [0.5, 1.5] × ``--think``) with what a student changes:

- **stepping**: the time-step slider (``<page>.step``) of /rnn_step, /lstm_step, /gru_step, one step further each time;
- **experimenting**: a new sentence (``<page>.text``) or a new seed (``<page>.seed``) on every rerun, across every
  lesson that has one (each a cache miss);
- **lab**: two students start a live-lab training (/lab, the Start button; their browsers re-run its live fragment
  every second), the others step as in *stepping*; only the others' latencies are reported;
- **follow**: one lecturer starts a lecture on /rnn_step and moves the time step every ``--think`` seconds; N students
  follow ``/?lecture=CODE`` (``bench/follow.py``); reported: the follow delay, from the lecturer's change to each
  student's tab getting the new step, p50/p95/max, and changes a student missed. Not in the default mixes.

Per mix and N it prints: p50/p95/max seconds from sending a rerun to ``script_finished`` (first opens are shown
apart), errors (timeouts, dropped sockets, page-not-found, runs that did not finish), exceptions shown on the page,
server CPU (% of one core, its own process and its job children apart), peak RSS, and the RSS ``--settle`` seconds
after every session closed against the warm baseline (one visit to every page, then closed). The machine's load
average is printed with each row: these machines are shared.

Usage:
    python bench/bench_load.py [--mix stepping,experimenting,lab,follow] [--students 30,100,200] [--duration S]
                               [--think S] [--ramp S] [--settle S] [--quick] [--url URL --pid PID[,PID]]
                               [--option runner.postScriptGC=true]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from stclient import SUCCESS, RunResult, StreamlitSession, open_page  # noqa: E402
from follow import FollowTally, run_follow  # noqa: E402

STEPPING_PAGES = ("rnn_step", "lstm_step", "gru_step")
# Every lesson whose view depends on a typed sentence or a seed (the keys are the pages' own widget keys).
EXPERIMENT_PAGES = ("why_sequences", "rnn_step", "bptt", "gradients", "lstm_step", "gru_step", "architectures")
WORDS = ("the", "cat", "sat", "on", "a", "mat", "我", "爱", "北京", "天安门", "rain", "falls", "slowly", "today",
         "students", "learn", "memory", "gates", "never", "forget")
LAB_TRAINERS = 2
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# ----- measuring the server through /proc ---------------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _descendants(pid: int) -> list[int]:
    pending, found = _children(pid), []
    while pending:
        child = pending.pop()
        found.append(child)
        pending += _children(child)
    return found


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def _rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class ServerMeter:
    """CPU seconds and RSS of the server processes (``pids``) and, apart, of their children (training jobs).

    Child CPU is summed over the children alive at each sample (a job that ends between samples loses its last
    half second: good enough for a share of the CPU)."""

    def __init__(self, pids: list[int]):
        self.pids = pids
        self.peak_rss = 0
        self._child_cpu: dict[int, float] = {}
        self._task: asyncio.Task | None = None

    def rss(self) -> int:
        return sum(_rss_bytes(pid) for pid in self.pids)

    def cpu(self) -> float:
        return sum(_cpu_seconds(pid) for pid in self.pids)

    def child_cpu(self) -> float:
        return sum(self._child_cpu.values())

    def _sample(self) -> None:
        self.peak_rss = max(self.peak_rss, self.rss())
        for pid in self.pids:
            for child in _descendants(pid):
                self._child_cpu[child] = max(self._child_cpu.get(child, 0.0), _cpu_seconds(child))

    async def _sample_forever(self) -> None:
        while True:
            self._sample()
            await asyncio.sleep(0.5)

    def start(self) -> None:
        self.peak_rss = self.rss()
        self._child_cpu = {}
        self._sample()
        self._task = asyncio.create_task(self._sample_forever())

    def job_processes(self) -> list[int]:
        """Training jobs still alive: the server's job-worker children (``python -m core.job_worker``)."""
        found = []
        for pid in self.pids:
            for child in _descendants(pid):
                try:
                    command = Path(f"/proc/{child}/cmdline").read_bytes()
                except OSError:
                    continue
                if b"core.job_worker" in command or b"spawn_main" in command:
                    found.append(child)
        return found

    async def stop(self) -> None:
        self._sample()
        if self._task is not None:
            self._task.cancel()


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# ----- one phase: N students doing one mix ----------------------------------------------------------------------------
@dataclass
class Stages:
    """One kind of run (the openings, or the interaction reruns): seconds from sending it to its end, to the server's
    first message of the run and to the run's first element (the last two where they came)."""
    finished: list[float] = field(default_factory=list)
    first_message: list[float] = field(default_factory=list)
    first_element: list[float] = field(default_factory=list)

    def add(self, result: RunResult) -> None:
        self.finished.append(result.seconds)
        if result.first_message is not None:
            self.first_message.append(result.first_message)
        if result.first_element is not None:
            self.first_element.append(result.first_element)


@dataclass
class Tally:
    openings: Stages = field(default_factory=Stages)  # first page runs
    reruns: Stages = field(default_factory=Stages)    # interaction reruns of the measured students
    errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    lab_fragment_runs: int = 0

    @property
    def latencies(self) -> list[float]:
        return self.reruns.finished

    @property
    def opens(self) -> list[float]:
        return self.openings.finished

    def record(self, result: RunResult, opening: bool, page: str) -> None:
        (self.openings if opening else self.reruns).add(result)
        self.exceptions += [f"/{page}: {text}" for text in result.exceptions]
        if result.page_not_found:
            self.errors.append(f"/{page}: page not found")
        elif result.status not in SUCCESS:
            self.errors.append(f"/{page}: script finished with status {result.status}")


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7)))


def _next_change(mix: str, session: StreamlitSession, page: str, counter: int, rng: random.Random) -> dict:
    """What a student of this mix changes on this rerun."""
    if mix in ("stepping", "lab"):
        slider = session.widgets.get(f"{page}.step")
        if slider is None:
            return {}
        top = int(slider.maximum or 2)
        return {f"{page}.step": 1 + counter % top}
    if f"{page}.text" in session.widgets and (counter % 2 == 0 or f"{page}.seed" not in session.widgets):
        return {f"{page}.text": _sentence(rng)}
    if f"{page}.seed" in session.widgets:
        return {f"{page}.seed": rng.randint(0, 99_999)}
    return {}


async def student(index: int, mix: str, base_url: str, tally: Tally, until: float, think: float, start_delay: float,
                  timeout: float) -> None:
    rng = random.Random(index)
    pages = STEPPING_PAGES if mix in ("stepping", "lab") else EXPERIMENT_PAGES
    page = pages[index % len(pages)]
    await asyncio.sleep(start_delay)
    session = None
    try:
        session, result = await open_page(base_url, page, timeout=timeout)
        tally.record(result, True, page)
        counter = index
        while True:
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
            if time.monotonic() >= until:
                break
            counter += 1
            tally.record(await session.rerun(_next_change(mix, session, page, counter, rng), timeout=timeout),
                         False, page)
    except Exception as error:  # a student's failure is a number in the table, not the end of the benchmark
        tally.errors.append(f"/{page}: {type(error).__name__}: {error}")
    finally:
        if session is not None:
            await session.close()


async def lab_trainer(base_url: str, tally: Tally, until: float, timeout: float) -> None:
    """A student who starts a live-lab training and watches it (the browser re-runs the live fragment each second)."""
    session = None
    try:
        session, result = await open_page(base_url, "lab", timeout=timeout)
        result = await session.rerun({"lab.start": True}, timeout=timeout)
        if result.exceptions or result.status not in SUCCESS:
            tally.errors.append(f"/lab start: status {result.status} {result.exceptions}")
        while time.monotonic() < until:
            await asyncio.sleep(0.5)
        tally.lab_fragment_runs += session.fragment_runs
        tally.exceptions += [f"/lab fragment: {text}" for text in session.fragment_exceptions]
    except Exception as error:
        tally.errors.append(f"/lab: {type(error).__name__}: {error}")
    finally:
        if session is not None:
            await session.close()


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


@dataclass(frozen=True)
class PhaseResult:
    mix: str
    students: int
    tally: Tally
    seconds: float
    server_cpu_percent: float
    job_cpu_percent: float
    client_cpu_percent: float
    peak_rss: int
    rss_after: int
    load: str


async def run_phase(mix: str, students: int, base_url: str, meter: ServerMeter | None, args) -> PhaseResult:
    tally = Tally()
    started = time.monotonic()
    until = started + args.ramp + args.duration
    cpu_before = meter.cpu() if meter else 0.0
    client_before = time.process_time()
    if meter:
        meter.start()
    tasks = []
    trainers = LAB_TRAINERS if mix == "lab" else 0
    for _ in range(trainers):
        tasks.append(asyncio.create_task(lab_trainer(base_url, tally, until, args.timeout)))
    for index in range(students - trainers):
        delay = args.ramp * index / max(1, students - trainers)
        tasks.append(asyncio.create_task(
            student(index, mix, base_url, tally, until, args.think, delay, args.timeout)))
    await asyncio.gather(*tasks)
    seconds = time.monotonic() - started
    load = load_average()
    server_cpu = job_cpu = 0.0
    if meter:
        await meter.stop()
        server_cpu = 100 * (meter.cpu() - cpu_before) / seconds
        job_cpu = 100 * meter.child_cpu() / seconds
    client_cpu = 100 * (time.process_time() - client_before) / seconds
    rss_after = 0
    if meter:
        await asyncio.sleep(args.settle)  # sessions closed; let the server drop what it holds for them
        rss_after = meter.rss()
    return PhaseResult(mix, students, tally, seconds, server_cpu, job_cpu, client_cpu,
                       meter.peak_rss if meter else 0, rss_after, load)


def _mb(size: int) -> str:
    return f"{size / 2**20:.0f}" if size else "-"


def print_row(result: PhaseResult, baseline_rss: int, idle_p95: dict[int, float]) -> None:
    tally = result.tally
    p50, p95 = _percentile(tally.latencies, 0.5), _percentile(tally.latencies, 0.95)
    worst = max(tally.latencies, default=float("nan"))
    back = f"{100 * (result.rss_after / baseline_rss - 1):+.0f}%" if baseline_rss and result.rss_after else "-"
    ratio = ""
    if result.mix == "lab" and result.students in idle_p95:
        ratio = f"  p95/idle {p95 / idle_p95[result.students]:.2f}"
    print(f"{result.mix:13s} N={result.students:<4d} reruns {len(tally.latencies):5d}  p50 {p50:6.2f}  p95 {p95:6.2f}  "
          f"max {worst:6.2f}  open p95 {_percentile(tally.opens, 0.95):6.2f}  errors {len(tally.errors):3d}  "
          f"exceptions {len(tally.exceptions):3d}  server CPU {result.server_cpu_percent:4.0f}%  "
          f"jobs CPU {result.job_cpu_percent:4.0f}%  client CPU {result.client_cpu_percent:4.0f}%  "
          f"peak RSS {_mb(result.peak_rss)} MB  RSS after {_mb(result.rss_after)} MB ({back} vs warm)  "
          f"load {result.load}{ratio}", flush=True)
    for name, stages in (("opens", tally.openings), ("reruns", tally.reruns)):
        first_message, first_element, finished = (_percentile(seconds, 0.95) for seconds in (
            stages.first_message, stages.first_element, stages.finished))
        print(f"{'':13s} {name} p95: server's first message {first_message:.2f} s, first element "
              f"{first_element:.2f} s, finished {finished:.2f} s", flush=True)
    if result.mix == "lab":
        print(f"{'':13s} lab: {LAB_TRAINERS} trainings, {tally.lab_fragment_runs} live-panel fragment runs", flush=True)
    for text in sorted(set(tally.errors))[:5] + sorted(set(tally.exceptions))[:5]:
        print(f"{'':13s} ! {text[:200]}", flush=True)


async def follow_phase(students: int, base_url: str, meter: ServerMeter | None, args) -> FollowTally:
    """The follow mix (``bench/follow.py``): one lecturer, N followers; prints the follow delay."""
    cpu_before, started = (meter.cpu() if meter else 0.0), time.monotonic()
    if meter:
        meter.start()
    tally = await run_follow(base_url, students, args.duration, args.think, args.ramp, args.timeout)
    seconds = time.monotonic() - started
    server_cpu = 0.0
    if meter:
        await meter.stop()
        server_cpu = 100 * (meter.cpu() - cpu_before) / seconds
    delays = tally.delays
    print(f"{'follow':13s} N={students:<4d} changes {tally.changes:4d}  seen {len(delays):5d}  missed {tally.missed:4d}  "
          f"delay p50 {_percentile(delays, 0.5):5.2f}  p95 {_percentile(delays, 0.95):5.2f}  "
          f"max {max(delays, default=float('nan')):5.2f}  errors {len(tally.errors):3d}  "
          f"exceptions {len(tally.exceptions):3d}  server CPU {server_cpu:4.0f}%  "
          f"peak RSS {_mb(meter.peak_rss if meter else 0)} MB  load {load_average()}", flush=True)
    for text in sorted(set(tally.errors))[:5] + sorted(set(tally.exceptions))[:5]:
        print(f"{'':13s} ! {text[:200]}", flush=True)
    return tally


# ----- the server -------------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_healthy(base_url: str, process: subprocess.Popen | None = None, timeout: float = 120.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{base_url} not healthy after {timeout:.0f} s")


def start_server(log_path: Path, options: list[str]) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` as a user runs it: from the repository (its .streamlit/config.toml), headless.

    ``options``: extra ``section.name=value`` settings, e.g. ``runner.postScriptGC=true`` to compare a setting."""
    port = free_port()
    log = open(log_path, "w")
    extra = [f"--{option}" for option in options]
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), *extra],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    wait_healthy(base_url, process)
    return process, base_url


async def warm_up(base_url: str, pages: list[str], timeout: float) -> None:
    """One visit to every page the mixes use, then closed (the warm baseline: imports done, caches primed)."""
    for page in [""] + pages:
        session, _ = await open_page(base_url, page, timeout=timeout, follow_auto_reruns=False)
        await session.close()


async def wait_for_jobs_to_end(meter: ServerMeter, timeout: float = 180.0) -> None:
    """The lab's trainings outlive their closed tabs by the server's grace period: let them end before the next
    phase, so they do not load it."""
    started = time.monotonic()
    while meter.job_processes() and time.monotonic() - started < timeout:
        await asyncio.sleep(1.0)
    left = meter.job_processes()
    print(f"{'':13s} lab jobs ended {time.monotonic() - started:.0f} s after the phase"
          + (f" ({len(left)} still running)" if left else ""), flush=True)


async def main_async(args) -> None:
    process = None
    if args.url:
        base_url = args.url.rstrip("/")
        pids = [int(pid) for pid in args.pid.split(",")] if args.pid else []
    else:
        process, base_url = start_server(Path(args.log), args.option)
        pids = [process.pid]
    meter = ServerMeter(pids) if pids else None
    try:
        mixes = args.mix.split(",")
        pages = sorted({page for mix in mixes
                        for page in (STEPPING_PAGES if mix != "experimenting" else EXPERIMENT_PAGES)} | {"home"}
                       | ({"lab"} if "lab" in mixes else set()))
        await warm_up(base_url, pages, args.timeout)
        await asyncio.sleep(2)
        baseline = meter.rss() if meter else 0
        if args.option:
            print(f"options: {' '.join(args.option)}")
        print(f"server {base_url}  warm baseline RSS {_mb(baseline)} MB  think {args.think} s  ramp {args.ramp} s  "
              f"duration {args.duration} s  settle {args.settle} s  load {load_average()}  cores {os.cpu_count()}",
              flush=True)
        idle_p95: dict[int, float] = {}
        for students in [int(n) for n in args.students.split(",")]:
            for mix in mixes:
                if mix == "follow":
                    await follow_phase(students, base_url, meter, args)
                    continue
                result = await run_phase(mix, students, base_url, meter, args)
                if mix == "stepping":
                    idle_p95[students] = _percentile(result.tally.latencies, 0.95)
                print_row(result, baseline, idle_p95)
                if mix == "lab" and meter:
                    await wait_for_jobs_to_end(meter)
        print("goals: stepping p95 <= 1 s at 200; experimenting p95 <= 2 s at 100; 0 errors; RSS after within "
              "+10% of warm; lab p95/idle <= 1.5 (idle = stepping at the same N); "
              "follow delay p95 <= 2 s at 200, 0 missed")
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mix", default="stepping,experimenting,lab", help="comma-separated mixes")
    parser.add_argument("--students", default="30,100,200", help="comma-separated N")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load per mix and N, after the ramp")
    parser.add_argument("--think", type=float, default=3.0, help="mean seconds between a student's reruns")
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which the students open the page")
    parser.add_argument("--settle", type=float, default=60.0,
                        help="seconds after every session closed before the server's RSS is read")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a rerun may take before it is an error")
    parser.add_argument("--url", help="an already running server (or proxy) instead of starting one")
    parser.add_argument("--pid", help="with --url: comma-separated server pids to measure (CPU, RSS)")
    parser.add_argument("--log", default="/tmp/rnn-explorer-bench-load.log", help="the started server's log")
    parser.add_argument("--option", action="append", default=[], metavar="SECTION.NAME=VALUE",
                        help="extra streamlit setting for the started server (repeatable), e.g. runner.postScriptGC=true")
    parser.add_argument("--quick", action="store_true", help="N=10, 15 s per mix, 10 s settle")
    args = parser.parse_args(argv)
    if args.quick:
        args.students = "10" if args.students == "30,100,200" else args.students
        args.duration, args.ramp, args.settle = min(args.duration, 15.0), min(args.ramp, 3.0), min(args.settle, 10.0)
    return args


def main(argv=None) -> None:
    asyncio.run(main_async(parse_args(argv)))


if __name__ == "__main__":
    main()
