"""CPU cost of one experimenting rerun per lesson, in this process (no server): what a class typing new sentences
and seeds costs the server's script threads.

    python bench/bench_rerun.py [--reruns 8] [--pages why_sequences,rnn_step,...] [--lang en]

Each page is opened once in AppTest (its default view, not timed), then re-run ``--reruns`` times, each time with a
new sentence (``<page>.text``) or a new seed (``<page>.seed``), alternating as ``bench_load.py``'s experimenting mix
does. It prints the median process CPU milliseconds per rerun (``time.process_time``: other processes on the machine
do not inflate it) and the total over the pages: the inverse of that total bounds the reruns per second one process's
script threads can serve under the GIL.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402,F401  (imported before timing on purpose)
from streamlit.testing.v1 import AppTest  # noqa: E402

from bench_load import EXPERIMENT_PAGES, WORDS  # noqa: E402
from pages.kit.registry import BY_NAME  # noqa: E402

logging.getLogger("streamlit").setLevel(logging.ERROR)
# As the server runs torch (pages/kit/shell.py): one intra-op thread unless RNN_EXPLORER_THREADS says otherwise. Torch's
# default here (one per core) adds OpenMP's waiting threads to process_time on the lessons' tiny ops (clipping_demo
# 24-265 ms of CPU on 2 threads against 10-13 ms on one, by the machine's load): a cost the server never pays.
torch.set_num_threads(int(os.environ.get("RNN_EXPLORER_THREADS", "1")))


def _widget(app: AppTest, key: str):
    for kind in ("text_input", "number_input", "slider", "text_area"):
        try:
            return getattr(app, kind)(key=key)
        except KeyError:
            continue
    return None


def rerun_costs(page: str, reruns: int, lang: str, rng: random.Random) -> list[float]:
    app = AppTest.from_file(str(BY_NAME[page].script), default_timeout=120)
    app.session_state["lang"] = lang
    app.run()
    costs = []
    for counter in range(reruns):
        text, seed = _widget(app, f"{page}.text"), _widget(app, f"{page}.seed")
        if text is not None and (counter % 2 == 0 or seed is None):
            text.set_value(" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7))))
        elif seed is not None:
            seed.set_value(rng.randint(0, 99_999))
        start = time.process_time()
        app.run()
        costs.append(time.process_time() - start)
        if app.exception:
            raise RuntimeError(f"{page}: {app.exception[0].message}")
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reruns", type=int, default=8)
    parser.add_argument("--pages", default=",".join(EXPERIMENT_PAGES))
    parser.add_argument("--lang", default="en", choices=["en", "zh"])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    total = 0.0
    print(f"{'page':<16} {'CPU ms per rerun (median)':>26}")
    for page in args.pages.split(","):
        median = statistics.median(rerun_costs(page, args.reruns, args.lang, rng)) * 1000
        total += median
        print(f"{page:<16} {median:>26.1f}", flush=True)
    mean = total / len(args.pages.split(","))
    print(f"{'mean':<16} {mean:>26.1f}   (≈ {1000 / mean:.1f} reruns/s on one core)")


if __name__ == "__main__":
    main()
