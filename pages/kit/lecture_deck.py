"""The lecturer's deck: views lined up in advance, saved as a JSON file or a link, stepped through in class.

The deck lives in the lecturer's session (``DECK_KEY``, a :class:`core.lecture.Deck`) with the position of the view
last shown (``POSITION_KEY``). Stepping does not publish anything itself: it brings the lecturer's own screen to the
view (the same :func:`pages.kit.shared_view.apply_view` and page switch a follower uses), and the lecturer's live
fragment publishes whatever the lecturer's screen shows, so the class follows the deck as it follows any change.

Decks arrive from outside (an uploaded file, a ``?deck=`` link), so they are read by the core's strict parser; a
refusal becomes one message in the user's language and the deck in hand stays as it was.
"""

from __future__ import annotations

import streamlit as st

from core.lecture import Deck, InvalidDeck, deck_from_json, deck_from_link, deck_to_json, deck_to_link
from core.lecture.decks import MAX_VIEWS
from pages.kit.i18n import texts
from pages.kit.registry import BY_NAME
from pages.kit.shared_view import apply_view, current_view

DECK_PARAM = "deck"
DECK_KEY, POSITION_KEY, PENDING_KEY = "lecture.deck", "lecture.deck_position", "lecture.deck_pending"
ERROR_KEY, UPLOAD_KEY = "lecture.deck_error", "lecture.deck_file"
PREVIOUS_SHORTCUT, NEXT_SHORTCUT = "Shift+Left", "Shift+Right"  # plain ←/→ step through time


def take_deck_link() -> None:
    """Read a ``?deck=`` link into this session (every visit: a lecturer may open it before starting the room) and
    drop it from the address, so a reload or a shared screen does not load it twice."""
    token = st.query_params.get(DECK_PARAM)
    if token is None:
        return
    del st.query_params[DECK_PARAM]
    _take(lambda: deck_from_link(token, tuple(BY_NAME)))


def _take(read) -> None:
    try:
        deck = read()
    except InvalidDeck:
        st.session_state[ERROR_KEY] = True
        return
    st.session_state[DECK_KEY], st.session_state[POSITION_KEY] = deck, None
    st.session_state.pop(ERROR_KEY, None)


def _add(page: str) -> None:
    deck: Deck | None = st.session_state.get(DECK_KEY)
    views = () if deck is None else deck.views
    if len(views) < MAX_VIEWS:
        st.session_state[DECK_KEY] = Deck(views + (current_view(page),))


def _clear() -> None:
    for key in (DECK_KEY, POSITION_KEY, PENDING_KEY, ERROR_KEY):
        st.session_state.pop(key, None)


def _upload() -> None:
    uploaded = st.session_state.get(UPLOAD_KEY)
    if uploaded is not None:
        _take(lambda: deck_from_json(uploaded.getvalue(), tuple(BY_NAME)))


def _move(steps: int) -> None:
    deck: Deck | None = st.session_state.get(DECK_KEY)
    if deck is None:
        return
    position = st.session_state.get(POSITION_KEY)
    # the first press of Next shows the first view; from there, stop at either end
    target = 0 if position is None and steps > 0 else min(max((position or 0) + steps, 0), len(deck) - 1)
    st.session_state[POSITION_KEY] = st.session_state[PENDING_KEY] = target


def show_pending_view(page: str, app_params: dict[str, str]) -> None:
    """Bring the lecturer's screen to the deck view just chosen (in the full run, before the page draws: widget
    values written here are the ones the widgets come up with)."""
    position = st.session_state.pop(PENDING_KEY, None)
    deck: Deck | None = st.session_state.get(DECK_KEY)
    if position is None or deck is None:
        return
    view = deck.views[position]
    apply_view(view)
    if view.page != page and view.page in BY_NAME:
        st.switch_page(BY_NAME[view.page].script, query_params=app_params)


def deck_panel(page: str, root: str) -> None:
    """The deck's controls in the lecturer's sidebar (``root`` is the app's address, for the deck link)."""
    t = texts("lecture")["deck"]
    titles = texts("common")["pages"]
    deck: Deck | None = st.session_state.get(DECK_KEY)
    position = st.session_state.get(POSITION_KEY)
    with st.sidebar.expander(t["title"], expanded=True, icon=":material/slideshow:"):
        if st.session_state.get(ERROR_KEY):
            st.error(t["invalid"])
        st.button(t["add"], key="lecture.deck_add", on_click=_add, args=(page,), icon=":material/add:")
        if deck is None:
            st.caption(t["empty"])
        else:
            for index, view in enumerate(deck.views):
                title = titles[view.page] if view.page in titles else view.page
                marker = "▶ " if index == position else ""
                st.text(f"{marker}{index + 1}. {title}")
            if position is not None:
                st.caption(t.format("position", index=position + 1, size=len(deck)))
            row = st.container(horizontal=True)
            row.button(t["previous"], key="lecture.deck_previous", on_click=_move, args=(-1,),
                       shortcut=PREVIOUS_SHORTCUT, icon=":material/skip_previous:")
            row.button(t["next"], key="lecture.deck_next", on_click=_move, args=(1,), shortcut=NEXT_SHORTCUT,
                       icon=":material/skip_next:")
            st.caption(t["keys_hint"])
            st.download_button(t["download"], data=deck_to_json(deck), file_name="rnn-explorer-deck.json",
                               mime="application/json", key="lecture.deck_download", icon=":material/download:")
            try:
                link = f"{root}/?{DECK_PARAM}={deck_to_link(deck)}"
            except InvalidDeck:
                st.caption(t["link_too_long"])
            else:
                st.caption(t["link"])
                st.code(link, language=None, wrap_lines=True)
            st.button(t["clear"], key="lecture.deck_clear", on_click=_clear, icon=":material/delete:")
        st.file_uploader(t["upload"], type=["json"], key=UPLOAD_KEY, on_change=_upload)
