"""RNN Explorer: entry point. Page config, the language switch, and navigation over the page scripts in pages/.

`streamlit run app.py` finds the server app below (Streamlit's public ``st.App``) and serves this same file as the
script of every session, with one route added: the followers' long poll of a lecture room
(:mod:`pages.kit.lecture_watch`). Streamlit runs the script as ``__main__``; importing the file gives the server app.
"""

import os

# Before anything imports torch: OpenMP reads its default thread count once, when torch loads it, and keeps the
# count per thread. Every script run and every fragment run is a new thread, so only this default reaches them all
# (pages/kit/shell.py sets the same count on each visit's thread as well). Lesson models are a few units wide: a
# team of OpenMP threads per fused nn.LSTM call cost 4-24 ms of CPU where one thread takes 0.2 ms.
from core.environment import number_from_environment  # noqa: E402  (standard library only: torch is not loaded)

os.environ.setdefault("OMP_NUM_THREADS", str(number_from_environment("RNN_EXPLORER_THREADS", 1, whole=True)))

import streamlit as st  # noqa: E402

if __name__ == "__main__":
    from pages.kit.shell import run_app

    run_app()
else:
    from core.memory import keep_large_blocks_apart, share_few_heaps
    from pages.kit.lecture_watch import watch_routes
    from pages.kit.startup import preload_and_freeze

    keep_large_blocks_apart()  # once, in the server process, before the sessions' threads allocate
    share_few_heaps()  # likewise: every run's thread would otherwise get a heap of its own
    preload_and_freeze()  # the pages' modules loaded and kept out of every garbage collection
    app = st.App(__file__, routes=watch_routes())
