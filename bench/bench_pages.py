"""How long each page's script takes to produce its first view (server time), measured with AppTest.

    python bench/bench_pages.py [--repeats 3] [--lang en]

torch is imported before timing starts (the goal counts server time after that). "cold" is the first run of a page
in this process (nothing cached), "warm" the median of later runs in fresh sessions (what the next student sees once
st.cache_data holds the default view). Goal: under 1 s for the first view of every lesson.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402,F401  (imported before timing on purpose)
from streamlit.testing.v1 import AppTest  # noqa: E402

from pages.kit.registry import BY_NAME, PAGES  # noqa: E402

# AppTest runs pages without a server; Streamlit's "missing ScriptRunContext" chatter would bury the table.
logging.getLogger("streamlit").setLevel(logging.ERROR)


def run_once(name: str, lang: str) -> float:
    app = AppTest.from_file(str(BY_NAME[name].script), default_timeout=120)
    app.session_state["lang"] = lang
    start = time.perf_counter()
    app.run()
    elapsed = time.perf_counter() - start
    if app.exception:
        raise RuntimeError(f"{name}: {app.exception[0].message}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--lang", default="en", choices=["en", "zh"])
    args = parser.parse_args()
    print(f"{'page':<16} {'cold s':>8} {'warm s (median)':>16}  goal < 1 s")
    for entry in PAGES:
        cold = run_once(entry.name, args.lang)
        warm = statistics.median(run_once(entry.name, args.lang) for _ in range(args.repeats))
        flag = "ok" if max(cold, warm) < 1.0 else "SLOW"
        print(f"{entry.name:<16} {cold:>8.3f} {warm:>16.3f}  {flag}", flush=True)


if __name__ == "__main__":
    main()
