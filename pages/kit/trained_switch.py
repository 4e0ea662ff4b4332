"""The "Trained" / "已训练" switch of the step-by-step lessons, and what the trained model tells.

Off: today's random model drawn from the seed. On: the shipped model trained on the toy was/were agreement task
(:mod:`core.lessons.trained`), same shapes, same computations, only the weights and word vectors change.
"""

from __future__ import annotations

import streamlit as st

from core.escape import markdown_text
from core.lessons.trained.grammar import DEFAULT_SENTENCE as TRAINED_SENTENCE
from core.lessons.trained.grammar import SINGULAR_NOUNS
from core.lessons.trained.load import read_card
from core.lessons.trained.story import GateStory, gate_story
from core.lessons.trained.verb_evidence import verb_evidence
from pages.kit.i18n import texts
from pages.kit.shared_view import shared


def _swap_sentence(page: str, random_sentence: str) -> None:
    """Turning the switch on shows the kind of sentence the model was trained on; off, the lesson's own example."""
    text_key = f"{page}.text"
    current = st.session_state.get(text_key)
    if st.session_state.get(f"{page}.trained"):
        if current in (None, "", random_sentence):
            st.session_state[text_key] = TRAINED_SENTENCE
    elif current == TRAINED_SENTENCE:
        st.session_state[text_key] = random_sentence


def trained_switch(page: str, random_sentence: str | None = None, container=None) -> bool:
    """The toggle (bound to the URL as ``<page>.trained``); True when the trained model is on. With
    ``random_sentence`` it also swaps the page's sentence box (``<page>.text``); without, it touches no other widget."""
    words = texts("trained")
    swap = {} if random_sentence is None else {"on_change": _swap_sentence, "args": (page, random_sentence)}
    return (container or st).toggle(words["switch"], key=shared(f"{page}.trained"), help=words["switch_help"],
                                    bind="query-params", **swap)


def default_sentence(page: str, random_sentence: str) -> str:
    """The sentence box's first value: the trained model's example when the switch came on from the URL."""
    return TRAINED_SENTENCE if st.session_state.get(f"{page}.trained") else random_sentence


def model_card(kind: str) -> None:
    """What the trained model learned and how well it does, read from its card."""
    words, card = texts("trained"), read_card(kind)
    st.info(words.format("card", accuracy=f"{card.accuracy:.1%}", seed=card.seed, version=card.script_version,
                         nouns=words["list_separator"].join(SINGULAR_NOUNS)))  # the grammar's own list, never retyped


def story_text(story: GateStory) -> str:
    """The three clauses of the gate story, with the model's own numbers."""
    words = texts("trained")["story"][story.kind]
    token = lambda step: markdown_text(story.tokens[step - 1])  # noqa: E731  (the learner's words)
    parts = []
    if story.previous_subject_step is None:
        parts.append(words.format("first", step=story.forget.step, token=token(story.forget.step),
                                  unit=story.forget.unit, value=f"{story.forget.value:.3f}"))
    else:
        parts.append(words.format(
            "forget", step=story.forget.step, token=token(story.forget.step), unit=story.forget.unit,
            value=f"{story.forget.value:.3f}", old_step=story.previous_subject_step,
            old=token(story.previous_subject_step), carried=f"{story.carried_to:+.2f}",
            replaced=f"{story.replaced_by:+.2f}"))
    parts.append(words.format("store", unit=story.store.unit, value=f"{story.store.value:.2f}",
                              written=f"{story.written:+.2f}"))
    parts.append(words.format("output", step=story.output.step, token=token(story.output.step),
                              unit=story.output.unit,
                              value=f"{story.output.value:{'.2f' if story.kind == 'lstm' else '+.2f'}}",
                              contribution=f"{story.contribution:+.2f}", verb=story.verb,
                              probability=f"{story.verb_probability:.3f}"))
    if story.needed and not story.correct:
        parts.append(texts("trained").format("mistake", needed=story.needed))
    return " ".join(parts)


def show_story(kind: str, sentence: str, max_tokens: int) -> GateStory | None:
    """The gate story on the learner's sentence, or a hint when it has no noun the grammar knows."""
    words = texts("trained")
    st.subheader(words["story_title"])
    story = gate_story(kind, sentence, max_tokens)
    if story is None:
        st.caption(words["no_noun"])
    else:
        st.markdown(story_text(story))
    return story


def show_verb_evidence(kind: str) -> None:
    """Why "was" needs "cat": the trained model's P(was) before the verb, with the subject as written and flipped."""
    words, evidence = texts("trained"), verb_evidence(kind)
    st.subheader(words["verb_title"])
    st.markdown(words.format(
        "verb_text", sentence=markdown_text(" ".join(evidence.tokens)), subject=evidence.subject,
        flipped=evidence.flipped_subject, subject_step=evidence.subject_step, step=evidence.verb_step - 1,
        distance=evidence.distance, was=f"{evidence.was_as_written:.3f}", was_flipped=f"{evidence.was_flipped:.3f}"))
