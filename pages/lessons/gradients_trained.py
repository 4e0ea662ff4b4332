"""Lesson 4's "Trained" section, drawn by ``pages/lessons/gradients.py``: the chain ‖∂s_T/∂sₜ‖ through a shipped
lesson model (RNN, LSTM or GRU, trained on the was/were task) against the same model before training, on the
lesson's sentence. Not a page of its own (the registry lists pages)."""

import streamlit as st

from core.escape import markdown_text
from core.figures.reach import ReachCurve, reach_figure
from core.figures.style import CELL_COLORS
from core.idle_cache import idle_cache
from core.lessons.gradient_reading import anchor_pair
from core.lessons.trained.network import HIDDEN_SIZE, INPUT_SIZE, KINDS
from core.lessons.trained.reach import Reach, reach
from core.sequence_input import split_tokens
from pages.kit.chart import chart
from pages.kit.i18n import Texts
from pages.kit.layout import how_to_read
from pages.kit.shared_view import shared
from pages.kit.trained_switch import model_card, trained_switch
from pages.kit.url_choices import coded_option, translated_aliases

UNTRAINED_COLOR = "#95A5A6"


@idle_cache(max_entries=32, copy=True)
def measured(kind: str, tokens: tuple[str, ...]) -> Reach:
    return reach(kind, tokens)


def lesson_words(t: Texts, tokens: list[str], loss_position: int | None, watch: int | None):
    """(tokens up to T, the word to reach): the learner's sentence and words when the chain reads one, else the
    lesson's first preset with its anchors (the tutorial's "was" ← "cat")."""
    if loss_position is None or watch is None:
        tokens = split_tokens(t["controls"]["sentence_presets"][0])
        loss_position, watch = anchor_pair(tokens, t["controls"]["anchors"])
    return tuple(tokens[: loss_position + 1]), watch


def trained_section(t: Texts, tokens: list[str], loss_position: int | None, watch: int | None) -> None:
    words = t["trained"]
    st.subheader(words["title"])
    st.markdown(words.format("text", input=INPUT_SIZE, hidden=HIDDEN_SIZE))
    switch_column, cell_column = st.columns([1, 2])
    trained = trained_switch("gradients", container=switch_column)
    kind = coded_option(cell_column.segmented_control, shared("gradients.cell"), KINDS, KINDS[0],
                        translated_aliases("gradients", lambda texts: dict(texts["trained"]["names"])),
                        label=words["cell"], format_func=words["names"].get, required=True)
    chosen, position = lesson_words(t, tokens, loss_position, watch)
    result = measured(kind, chosen)
    name = words["names"][kind]
    curves = [ReachCurve(result.untrained, words.format("before", cell=name), UNTRAINED_COLOR, "dot")]
    if trained:
        curves.append(ReachCurve(result.trained, words.format("after", cell=name), CELL_COLORS[kind]))
    chart(reach_figure(chosen, curves, words["x_title"], words["y_title"], highlight=position), "gradients.trained_chart")
    word, distance = markdown_text(chosen[position]), result.loss_step - 1 - position
    state = "C" if kind == "lstm" else "h"
    how_to_read(words.format("how", word=word, state=state))
    values = dict(word=word, distance=distance, state=state, before=f"{result.untrained[position]:.3g}",
                  after=f"{result.trained[position]:.3g}")
    if not trained:
        st.markdown(words.format("random_only", **values))
        return
    model_card(kind)
    ratio = result.ratio(position)
    verdict = "opened" if ratio > 1 else "closed"  # picked by the numbers, so the sentence never contradicts them
    factor = ratio if ratio > 1 else 1 / ratio
    st.markdown(words.format(verdict, ratio=f"{factor:.3g}", **values))
    if kind == "rnn":
        st.caption(words["rnn_note"])
