"""The "Check yourself" section that ends every lesson: predict, then reveal the answer with its numbers.

Questions come from :func:`core.lessons.questions.questions_for` on the page's current inputs, so the answers follow
the sentence, seed and switches the learner set; texts come from ``assets/text/<lang>/questions.toml``.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from core.escape import markdown_text
from core.idle_cache import idle_cache
from core.lessons.questions import Question, questions_for
from pages.kit.class_question import class_question
from pages.kit.i18n import Texts, texts


@idle_cache(max_entries=64, copy=True)
def lesson_questions(lesson: str, sentence: str | None, seed: int, trained: bool,
                     parameters: tuple = ()) -> tuple[Question, ...]:
    return questions_for(lesson, sentence, seed, trained, **dict(parameters))


def choice_labels(question: Question, words: Texts) -> list[str]:
    return [words["choices"][choice] if question.choices_are_keys else choice for choice in question.choices]


def show_question(question: Question, number: int, words: Texts) -> None:
    """One question: prompt, a radio to commit to an answer, then the reveal with the numbers."""
    ui, table = words["ui"], words[question.lesson][question.name]
    facts = {name: markdown_text(value) for name, value in question.facts}  # facts carry the learner's words
    labels = choice_labels(question, words)
    # The key follows the question's content: new inputs give a new question and a fresh, unanswered radio.
    key = "check." + hashlib.sha1(repr(question).encode()).hexdigest()[:12]
    with st.container(border=True):
        st.markdown(f"**{number}.** " + table["prompt"].format(**facts))
        choice = st.radio(ui["choose"], range(len(labels)), index=None, format_func=lambda i: markdown_text(labels[i]),
                          key=f"{key}.choice", horizontal=True)
        if st.button(ui["reveal"], key=f"{key}.reveal", disabled=choice is None):
            st.session_state[f"{key}.shown"] = True
        if choice is not None and st.session_state.get(f"{key}.shown"):
            answer = markdown_text(labels[question.correct])
            if choice == question.correct:
                st.success(ui["right"].format(answer=answer))
            else:
                st.warning(ui["wrong"].format(answer=answer))
            st.markdown(f"**{ui['why']}.** " + table["reveal"].format(**facts))
        class_question(key, [markdown_text(label) for label in labels], question.correct, f"{key}.choice")


def check_yourself(lesson: str, sentence: str | None = None, seed: int = 0, trained: bool = False,
                   **parameters) -> tuple[Question, ...]:
    """The section, headed "Check yourself" / "自测"; returns the questions it showed."""
    words = texts("questions")
    st.header(words["ui"]["title"])
    st.caption(words["ui"]["intro"])
    questions = lesson_questions(lesson, sentence, seed, trained, tuple(sorted(parameters.items())))
    for number, question in enumerate(questions, 1):
        show_question(question, number, words)
    return questions
