"""Lesson 1: why sequences need a recurrent network — variable length and memory, shown with a real nn.RNN."""

import numpy as np
import pandas as pd
import streamlit as st

from core.figures.unrolled import UnrolledLabels, unrolled_figure
from core.figures.why_sequences import final_states_figure
from core.lesson_models import RNNStepConfig
from core.lessons.shared_results import length_comparison
from core.lessons.why_sequences import LengthComparison
from core.sequence_input import split_tokens
from pages.kit.chart import cached_figures, chart
from pages.kit.check_yourself import check_yourself
from pages.kit.i18n import language, texts
from pages.kit.labels import player_labels
from pages.kit.layout import agreement, deeper, device_note, how_to_read, page_header
from pages.kit.lesson_controls import seed_input, sentence_box
from pages.lessons.why_sequences_sections import examples_section, memory_section

t = texts("why_sequences")
CONFIG = RNNStepConfig()
WINDOW = 4  # the feed-forward net is built for the tutorial's four-word sentence


def lengths(sentences: tuple[str, ...], seed: int) -> LengthComparison:
    """The comparison, from the core cache the Check-yourself questions read too."""
    return length_comparison(sentences, int(seed), WINDOW)


@cached_figures(max_entries=32)
def length_figures(sentences: tuple[str, ...], seed: int, lang: str):
    words, comparison = texts("why_sequences", lang)["lengths"], lengths(sentences, seed)
    longest = comparison.longest
    states = final_states_figure([" ".join(run.tokens) for run in comparison.runs],
                                 [len(run.tokens) for run in comparison.runs],
                                 np.stack([run.final_hidden for run in comparison.runs]), words["figure_title"])
    animation = unrolled_figure(
        longest.tokens, longest.inputs, longest.hidden, step=len(longest.tokens),
        labels=UnrolledLabels(player=player_labels(lang), cell=words["cell_label"], initial_state=words["h0_label"],
                              output_weight=None),
    )
    return states, animation


def vector_text(values: np.ndarray) -> str:
    return "[" + ", ".join(f"{value:.3f}" for value in values) + "]"


page_header(t)

st.subheader(t["controls_title"])
st.markdown(t["controls_text"])
columns = st.columns([3, 3, 3, 1.6])
sentences = tuple(
    sentence_box("why_sequences", default, t["sentence_help"], 200, column,
                 label=t.format("sentence_label", number=number), key=f"why_sequences.s{number}")
    for number, (column, default) in enumerate(zip(columns, t["default_sentences"]), start=1)
)
seed = seed_input("why_sequences", t["seed_help"], columns[-1])
if not any(split_tokens(sentence) for sentence in sentences):
    st.warning(t["no_sentences"])
    st.stop()
if not all(split_tokens(sentence) for sentence in sentences):
    st.caption(t["skipped"])
st.caption(t["untrained"])

st.subheader(t["contrast_title"])
st.markdown(t["contrast_text"])
table = t["comparison"]
st.dataframe(pd.DataFrame([table["feedforward"], table["recurrent"]],
                          columns=[table["network"], table["input"], table["memory"], table["use"]]),
             hide_index=True, key="why_sequences.comparison")

examples_section(t, sentences[0], seed, CONFIG)

words = t["lengths"]
st.subheader(words["title"])
comparison = lengths(sentences, seed)
st.markdown(words.format("text", window=WINDOW, inputs=WINDOW * CONFIG.input_size, input_size=CONFIG.input_size,
                         hidden=CONFIG.hidden_size))
st.dataframe(pd.DataFrame({
    words["sentence"]: [" ".join(run.tokens) for run in comparison.runs],
    words["steps"]: [len(run.tokens) for run in comparison.runs],
    words["final"]: [vector_text(run.final_hidden) for run in comparison.runs],
    words.format("feedforward_reads", window=WINDOW): [
        " | ".join([*run.window_tokens, *[words["pad_symbol"]] * run.padding]) for run in comparison.runs],
    words["dropped"]: [" ".join(run.dropped) or words["none"] for run in comparison.runs],
}), hide_index=True, key="why_sequences.lengths")
left, right = st.columns(2)
left.metric(words["rnn_parameters"], comparison.rnn_parameters)
right.metric(words.format("feedforward_parameters", window=WINDOW), comparison.feedforward_parameters)
states, animation = length_figures(sentences, seed, language())
chart(states, "why_sequences.states")
how_to_read(words.format("figure_how", hidden=CONFIG.hidden_size))
st.markdown(f"**{words['animation_title']}**")
chart(animation, "why_sequences.recurrence")
how_to_read(words["animation_how"])
with deeper():  # the traced steps against torch's fused nn.RNN: bookkeeping
    agreement(comparison.max_abs_diff, "torch.nn.RNN")

memory_section(t, sentences, seed, CONFIG, WINDOW)
device_note("cpu")  # the lesson's tiny model runs on the CPU whatever the machine has

check_yourself("why_sequences", sentences[0], seed)
