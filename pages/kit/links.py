"""Links between pages that work both under app.py's navigation and when a page script runs alone (AppTest)."""

from __future__ import annotations

import streamlit as st

from pages.kit.registry import BY_NAME


def page_link(name: str, label: str, icon: str | None = None, query: str = "") -> None:
    """A link to the page registered as ``name``; with ``query`` (``"a=1&b=2"``) it opens that page in a given state."""
    if query:
        # st.page_link takes query_params too, but a plain link keeps the state visible and copyable.
        st.markdown(f"[{label}](/{name}?{query})")
        return
    try:
        st.page_link(BY_NAME[name].script, label=label, icon=icon)
    except Exception:  # no navigation registered (a page rendered on its own): a plain URL works the same
        st.markdown(f"[{label}](/{name})")
