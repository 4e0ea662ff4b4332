"""Lecture mode in the app's shell: start a room, the lecturer's panel, and a student following the lecturer.

Roles come from the URL, so a reload keeps them: ``?lecture=CODE&key=SECRET`` is the lecturer (on any device),
``?lecture=CODE`` a student. The rooms live in :class:`core.lecture.RoomRegistry`, one per server process
(:func:`rooms`); every call there checks the secret, so nothing a student's session does can change a room.

Following: the student's browser waits on the server for the room to change (:mod:`pages.kit.lecture_watch`, a long
poll outside any script run) and then asks for one run of the app, where :func:`follow_lecturer` writes the
lecturer's widget values into this session's widget state (:func:`pages.kit.shared_view.apply_view`) and switches to
the lecturer's page. The lecturer's view is published on every run of the lecturer's app and step fragments, and by
a one-second fragment that also shows how many follow.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass

import streamlit as st

from core.lecture import LectureError, RoomRegistry, RoomsFull, RoomState, UnknownRoom
from core.lecture.codes import ReplicaShare, normalise_code
from core.lecture.qr import student_qr
from pages.kit.i18n import LANGUAGE_KEY, language, texts
from pages.kit.lecture_deck import deck_panel, show_pending_view
from pages.kit.lecture_watch import lecture_watcher
from pages.kit.registry import BY_NAME
from pages.kit.shared_view import apply_view, current_view

ROOM_PARAM, KEY_PARAM, PRESENT_PARAM = "lecture", "key", "present"
CODE_KEY, SECRET_KEY = "lecture.code", "lecture.secret"
FOLLOWER_KEY, FOLLOWING_KEY, APPLIED_KEY = "lecture.follower", "lecture.following", "lecture.applied"
PAGE_KEY, NOTICE_KEY, ATTEMPTS_KEY = "lecture.page", "lecture.notice", "lecture.attempts"
QUESTION_KEY = "lecture.question"  # the question the room asked at this session's last full run
WATCHED_IN_STEP_KEY = "lecture.watched_in_step"  # this full run's step fragment holds the room watcher
PRESENT_KEY = "lecture.present"
POLL_SECONDS = 1.0
MAX_ATTEMPTS = 3


_rooms: RoomRegistry | None = None
_rooms_lock = threading.Lock()


def rooms() -> RoomRegistry:
    """The server's lecture rooms: one registry per process, shared by every session and by the followers' watch
    route (:mod:`pages.kit.lecture_watch`), which runs outside any script run and so outside Streamlit's caches."""
    global _rooms
    with _rooms_lock:
        if _rooms is None:
            _rooms = RoomRegistry(known_pages=tuple(BY_NAME), share=ReplicaShare.from_environment())
        return _rooms


@dataclass(frozen=True)
class Seat:
    """This session's place in a lecture: the room's code, and the presenter secret if it is the lecturer's."""

    code: str
    secret: str | None

    @property
    def presenter(self) -> bool:
        return self.secret is not None


def follower_id() -> str:
    """An anonymous id for this browser session: what the room counts and keys answers by; it names nobody."""
    if FOLLOWER_KEY not in st.session_state:
        st.session_state[FOLLOWER_KEY] = secrets.token_urlsafe(12)
    return st.session_state[FOLLOWER_KEY]


def _leave(notice: str | None = None, code: str = "") -> None:
    for key in (CODE_KEY, SECRET_KEY, APPLIED_KEY, FOLLOWING_KEY):
        st.session_state.pop(key, None)
    _write_param(ROOM_PARAM, None)
    _write_param(KEY_PARAM, None)
    if notice:
        st.session_state[NOTICE_KEY] = (notice, code)


def take_seat() -> Seat | None:
    """This session's seat, from the URL on arrival and from the session afterwards; None outside a lecture.

    A code in the URL that is no room (mistyped, expired, hostile) leaves a notice for :func:`start_button` and
    the app runs as usual. The room and key are written back into the URL whenever missing, because the navigation
    drops query parameters when the user changes page.
    """
    requested = st.query_params.get(ROOM_PARAM)
    code = None if requested is None else normalise_code(requested)
    if requested is not None and code is None:
        _leave("not_a_code")
        return None
    if code is not None and code != st.session_state.get(CODE_KEY):
        try:
            presenter = rooms().is_presenter(code, st.query_params.get(KEY_PARAM))
            state = rooms().look(code, follower_id=None if presenter else follower_id())
        except UnknownRoom:
            _leave("unknown", code)
            return None
        if state.ended:
            _leave("ended", code)
            return None
        st.session_state[CODE_KEY] = code
        st.session_state[APPLIED_KEY] = 0
        st.session_state[FOLLOWING_KEY] = True
        if presenter:
            st.session_state[SECRET_KEY] = st.query_params.get(KEY_PARAM)
        else:
            st.session_state.pop(SECRET_KEY, None)
    code = st.session_state.get(CODE_KEY)
    if code is None:
        return None
    secret = st.session_state.get(SECRET_KEY)
    _write_param(ROOM_PARAM, code)
    _write_param(KEY_PARAM, secret)  # a wrong key is a follower's: it does not stay in the address
    return Seat(code=code, secret=secret)


def _write_param(name: str, value: str | None) -> None:
    """Set (or, for None, remove) one URL parameter, only when it changes: every write makes the browser rewrite its
    address, and one racing a page change would keep the old page's path (see ``choose_language``)."""
    if value is None:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != value:
        st.query_params[name] = value


def presenter_layout_requested() -> bool:
    """Whether this session asked for the presenter layout with ``?present=1`` (kept for the whole session: the
    navigation drops query parameters, and a sidebar that collapsed on a later click would surprise)."""
    if st.query_params.get(PRESENT_PARAM) == "1":
        st.session_state[PRESENT_KEY] = True
    if st.session_state.get(PRESENT_KEY):
        _write_param(PRESENT_PARAM, "1")
        return True
    return False


def remember_page(page_name: str) -> None:
    """The page this run shows (the fragments run without the navigation and need it)."""
    st.session_state[PAGE_KEY] = page_name


def _app_params() -> dict[str, str]:
    """The app-level URL parameters a page switch must carry over: language, room (never a follower's key)."""
    carried = {}
    if language() != "en":
        carried[LANGUAGE_KEY] = language()
    if st.session_state.get(CODE_KEY):
        carried[ROOM_PARAM] = st.session_state[CODE_KEY]
    if st.session_state.get(PRESENT_KEY):
        carried[PRESENT_PARAM] = "1"
    return carried


def app_root() -> str:
    """This server's root address, without the page path."""
    url = (st.context.url or "").rstrip("/")
    page = st.session_state.get(PAGE_KEY, "")
    if page and url.endswith("/" + page):
        url = url[: -len(page) - 1]
    return url


def student_link(code: str) -> str:
    """The address students open: this server's root with ``?lecture=CODE`` (the page path is dropped)."""
    return f"{app_root()}/?{ROOM_PARAM}={code}"


# -- outside a lecture ------------------------------------------------------------------------------------------


def _start() -> None:
    try:
        ticket = rooms().create()
    except RoomsFull:
        st.session_state[NOTICE_KEY] = ("rooms_full", "")
        return
    st.session_state[CODE_KEY] = ticket.code
    st.session_state[SECRET_KEY] = ticket.secret
    st.session_state[APPLIED_KEY] = 0


def start_button() -> None:
    """The sidebar's "Start a lecture" button, and the notice left by a link that led nowhere."""
    t = texts("lecture")
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice is not None:
        name, code = notice
        st.warning(t.format(name, code=code) if "{code}" in t[name] else t[name])
    st.sidebar.button(t["start"], help=t["start_help"], key="lecture.start", on_click=_start,
                      icon=":material/co_present:")


# -- the lecturer -----------------------------------------------------------------------------------------------


def _end(code: str, secret: str) -> None:
    try:
        rooms().end(code, secret)
    except LectureError:
        pass  # already ended or expired: leaving is all that is left to do
    _leave()


@st.fragment(run_every=POLL_SECONDS)
def _lecturer_live(seat: Seat) -> None:
    """Publish the lecturer's current view and show how many follow (every second, and on every full run)."""
    t = texts("lecture")
    page = st.session_state.get(PAGE_KEY, "home")
    try:
        rooms().publish(seat.code, seat.secret, current_view(page))
        state = rooms().look(seat.code, key=seat.secret)
    except LectureError:  # ended on another device, or expired: back to a normal session
        _leave("ended", seat.code)
        st.rerun(scope="app")
    st.markdown(f"**{t.format('followers', count=state.followers)}**")


def publish_now() -> None:
    """Publish the lecturer's view at once, from a step fragment's run (which the live panel's tick does not see):
    the class need not wait up to a second for the next tick. Outside a lecture, or for a follower, nothing."""
    code, secret = st.session_state.get(CODE_KEY), st.session_state.get(SECRET_KEY)
    if not code or not secret:
        return
    try:
        rooms().publish(code, secret, current_view(st.session_state.get(PAGE_KEY, "home")))
    except LectureError:
        pass  # ended or expired: the live panel's next tick takes the session out of the lecture


def lecturer_panel(seat: Seat) -> None:
    """The lecturer's sidebar: the student link as text and QR code, the number following, End lecture, the deck."""
    t = texts("lecture")
    page = st.session_state.get(PAGE_KEY, "home")
    show_pending_view(page, _app_params())  # before the live fragment publishes: the class gets the deck's view
    link = student_link(seat.code)
    with st.sidebar:
        st.subheader(t.format("panel_title", code=seat.code))
        st.caption(t["student_link"])
        st.code(link, language=None)
        st.image(student_qr(link).png, caption=t["qr_caption"], width="stretch")
        _lecturer_live(seat)
        st.button(t["end"], help=t["end_help"], key="lecture.end", on_click=_end, args=(seat.code, seat.secret),
                  icon=":material/stop_circle:")
        st.caption(t["presenter_key_note"])
    deck_panel(page, app_root())


# -- a student --------------------------------------------------------------------------------------------------


def _set_following(following: bool) -> None:
    st.session_state[FOLLOWING_KEY] = following
    if following:
        st.session_state[APPLIED_KEY] = 0  # apply the lecturer's current view at once, even if seen before


def follow_lecturer(seat: Seat) -> RoomState | None:
    """Bring this session to the lecturer's view if it is newer than the one it applied last.

    Runs in the full script run, before the page draws: a widget value written into the session there is the one
    the widget comes up with. (Written from a fragment's own rerun it would lose to the value the browser holds.)
    Returns the room's state, or None when the lecture is over (the session then leaves it).
    """
    try:
        state = rooms().look(seat.code, follower_id=follower_id())
    except UnknownRoom:
        state = None
    if state is None or state.ended:
        _leave("ended", seat.code)
        return None
    st.session_state[QUESTION_KEY] = question_in_room(state)
    st.session_state[WATCHED_IN_STEP_KEY] = False
    if _behind(state):
        published = state.published
        if published.version == st.session_state.get(APPLIED_KEY):
            st.session_state[ATTEMPTS_KEY] = st.session_state.get(ATTEMPTS_KEY, 0) + 1
        else:
            st.session_state[APPLIED_KEY], st.session_state[ATTEMPTS_KEY] = published.version, 1
        apply_view(published.view)
        if published.view.page != st.session_state.get(PAGE_KEY):
            st.switch_page(BY_NAME[published.view.page].script, query_params=_app_params())
    return state


def _behind(state: RoomState) -> bool:
    """Whether a following session must (re)apply the lecturer's view.

    A newer version, or the same version not (or no longer) on screen: a value the student typed while following,
    or one the browser sent back from before the last apply (a rerun the browser asked for while the apply ran
    carries the old widget values, and they win), is put back — up to ``MAX_ATTEMPTS`` times per version, so a
    value this session's widget cannot take never loops.
    """
    published = state.published
    if not st.session_state.get(FOLLOWING_KEY, True) or published is None:
        return False
    if published.version != st.session_state.get(APPLIED_KEY):
        return True
    on_screen = published.view.page == st.session_state.get(PAGE_KEY) and current_view(published.view.page) == published.view
    return not on_screen and st.session_state.get(ATTEMPTS_KEY, 0) < MAX_ATTEMPTS


def question_in_room(state: RoomState | None) -> str | None:
    """The id of the question the room asks now (None: none), as :func:`follow_lecturer` last saw it."""
    return None if state is None or state.poll is None else state.poll.question_id


def _new_question(state: RoomState) -> bool:
    """Whether the lecturer asked (or replaced) a question since this session's last full run: the question's live
    part polls the room only while its question is asked, so the room watcher (whose mark carries the question) and
    this check are what bring a new one up with a full run."""
    return question_in_room(state) != st.session_state.get(QUESTION_KEY)


def watch_room(seat: Seat, state: RoomState) -> None:
    """After the page drew, in a follower's full run (``state`` is the room as :func:`follow_lecturer` found it).

    If what the page showed is not the lecturer's view (a value the browser sent back won over the applied one, see
    :func:`_behind`), run once more: the watcher only fires when the room changes, so this is what puts a lost value
    back. Otherwise mount the watcher that re-runs the app when the room changes, unless the page's step fragment
    holds it (:func:`follow_step`). Mounted last: it draws nothing and must not be the page's first element."""
    if _behind(state):
        st.rerun(scope="app")
    if not st.session_state.get(WATCHED_IN_STEP_KEY):
        lecture_watcher(seat.code, follower_id(), state.mark)


def follow_step(key: str) -> None:
    """In a step lesson's fragment, before its time-step slider ``key``: a following student's step moves with the
    lecturer's in a run of this fragment alone.

    The room watcher is mounted here, so its trigger re-runs only this fragment. When the lecturer's newer view
    differs from this session's only in this step, the step is written into the slider's state before the slider
    draws (about a third of a full run's server time on the RNN lesson, a fifth on the LSTM's); any other change
    (page, sentence, a question, the end) re-runs the app, where :func:`follow_lecturer` applies it. Outside a
    lecture, and for the lecturer, nothing."""
    code = st.session_state.get(CODE_KEY)
    if not code or st.session_state.get(SECRET_KEY):
        return
    try:
        state = rooms().look(code, follower_id=follower_id())
    except UnknownRoom:
        st.rerun(scope="app")
    if state.ended or _new_question(state):
        st.rerun(scope="app")
    published = state.published
    if st.session_state.get(FOLLOWING_KEY, True) and published is not None \
            and published.version != st.session_state.get(APPLIED_KEY):
        page = key.split(".", 1)[0]
        mine, theirs = current_view(page).as_dict(), published.view.as_dict()
        mine.pop(key, None)
        step = theirs.pop(key, None)
        if published.view.page != page or mine != theirs or not isinstance(step, int):
            st.rerun(scope="app")
        st.session_state[key] = step
        st.session_state[APPLIED_KEY], st.session_state[ATTEMPTS_KEY] = published.version, 1
    st.session_state[WATCHED_IN_STEP_KEY] = True
    lecture_watcher(code, follower_id(), state.mark)


@st.fragment
def follower_banner(seat: Seat) -> None:
    """The student's banner (with Explore on my own / Back to the lecturer); its buttons re-run only it, and going
    back to the lecturer re-runs the app."""
    t = texts("lecture")
    try:
        state = rooms().look(seat.code, follower_id=follower_id())
    except UnknownRoom:
        state = None
    following = st.session_state.get(FOLLOWING_KEY, True)
    if state is None or state.ended or _behind(state) or _new_question(state):
        st.rerun(scope="app")
    banner, action = st.columns([4, 1], vertical_alignment="center")
    if following:
        banner.info(t["following"], icon=":material/co_present:")
        action.button(t["explore"], help=t["following_help"], key="lecture.explore", on_click=_set_following,
                      args=(False,))
        if state.published is None:
            st.caption(t["waiting"])
    else:
        banner.info(t.format("exploring", code=seat.code), icon=":material/explore:")
        action.button(t["back"], key="lecture.back", on_click=_set_following, args=(True,), type="primary")
