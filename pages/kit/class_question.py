"""Asking the class from a lesson's "Check yourself": the lecturer pushes a question, students answer on their own
devices, the lecturer's screen counts the answers live and reveals the right one.

The question travels as its id (the content key the section already gives each question), so each student's page,
following the same inputs, shows the same question in the student's own language. The room keeps one choice index
per anonymous follower and nothing else.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.lecture import ClassQuestion, LectureError, PollResult
from pages.kit.i18n import texts
from pages.kit.lecture import CODE_KEY, SECRET_KEY, follower_id, rooms

POLL_SECONDS = 1.0


def _poll(question_id: str) -> PollResult | None:
    """The room's open poll if it is this question (None outside a lecture or for another question)."""
    code = st.session_state.get(CODE_KEY)
    if code is None:
        return None
    try:
        state = rooms().look(code, key=st.session_state.get(SECRET_KEY))
    except LectureError:
        return None
    poll = state.poll
    return poll if poll is not None and poll.question_id == question_id else None


def _counts_chart(poll: PollResult, labels: list[str]) -> None:
    words = texts("lecture")["question"]
    counts = pd.DataFrame({words["count_axis"]: list(poll.counts)}, index=[f"{i + 1}. {label}" for i, label in
                                                                         enumerate(labels)])
    st.bar_chart(counts, horizontal=True, height=60 + 36 * len(labels))


def _ask(question_id: str, choice_count: int, correct: int) -> None:
    try:
        rooms().push_question(st.session_state[CODE_KEY], st.session_state.get(SECRET_KEY),
                              ClassQuestion(question_id, choice_count, correct))
    except LectureError:
        pass  # the lecture ended meanwhile: nothing to ask


def _reveal() -> None:
    try:
        rooms().reveal(st.session_state[CODE_KEY], st.session_state.get(SECRET_KEY))
    except LectureError:
        pass


def _answer(question_id: str, choice_key: str) -> None:
    choice = st.session_state.get(choice_key)
    if choice is None or _poll(question_id) is None:
        return
    try:
        rooms().answer(st.session_state[CODE_KEY], follower_id(), int(choice))
    except LectureError:
        pass  # a second answer or a closed poll: the fragment shows which


def _live(question_id: str, labels: list[str], choice_key: str) -> None:
    words = texts("lecture")["question"]
    poll = _poll(question_id)
    if poll is None:
        return
    presenter = st.session_state.get(SECRET_KEY) is not None
    st.caption(words["answered"].format(count=poll.answered))
    if presenter:
        _counts_chart(poll, labels)
        if not poll.revealed:
            st.button(words["reveal"], key=f"{question_id}.class_reveal", on_click=_reveal, type="primary")
    else:
        mine = rooms().look(st.session_state[CODE_KEY], follower_id=follower_id()).poll
        if mine is not None and mine.my_answer is not None:
            st.info(words["your_answer"].format(choice=labels[mine.my_answer]))
        elif poll.revealed:
            st.caption(words["closed"])
        else:
            st.button(words["answer"], key=f"{question_id}.class_answer", on_click=_answer,
                      args=(question_id, choice_key), disabled=st.session_state.get(choice_key) is None,
                      type="primary")
        if poll.revealed and poll.counts is not None:
            _counts_chart(poll, labels)
    if poll.revealed and poll.correct_index is not None:
        st.success(words["right"].format(choice=labels[poll.correct_index]))


@st.fragment(run_every=POLL_SECONDS)
def _live_while_asked(question_id: str, labels: list[str], choice_key: str) -> None:
    """The live part while the room asks this question: re-run every second for the counts, the reveal."""
    _live(question_id, labels, choice_key)


def class_question(question_id: str, labels: list[str], correct: int, choice_key: str) -> None:
    """Under one "Check yourself" question: the lecturer's "Ask the class" and, while it is asked, the live answers
    (lecturer) or the answer button (student). Draws nothing outside a lecture."""
    if st.session_state.get(CODE_KEY) is None:
        return
    if st.session_state.get(SECRET_KEY) is not None:
        st.button(texts("lecture")["question"]["ask"], key=f"{question_id}.class_ask", on_click=_ask,
                  args=(question_id, len(labels), correct), icon=":material/campaign:")
    # Only an asked question polls the room (a lesson has up to four, and a class of 200 polling each every second
    # was most of an idle server's work); the student's banner brings a newly asked one up with a full run.
    if _poll(question_id) is not None:
        _live_while_asked(question_id, labels, choice_key)
