"""RNN Explorer: entry point. Page config, the language switch, and navigation over the page scripts in pages/.

`streamlit run app.py` finds the server app below (Streamlit's public ``st.App``) and serves this same file as the
script of every session, with one route added: the followers' long poll of a lecture room
(:mod:`pages.kit.lecture_watch`). Streamlit runs the script as ``__main__``; importing the file gives the server app.
"""

import streamlit as st

if __name__ == "__main__":
    from pages.kit.shell import run_app

    run_app()
else:
    from core.memory import keep_large_blocks_apart
    from pages.kit.lecture_watch import watch_routes
    from pages.kit.startup import preload_and_freeze

    keep_large_blocks_apart()  # once, in the server process, before the sessions' threads allocate
    preload_and_freeze()  # the pages' modules loaded and kept out of every garbage collection
    app = st.App(__file__, routes=watch_routes())
