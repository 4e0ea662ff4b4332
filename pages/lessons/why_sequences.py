"""Lesson 1: why sequences need a recurrent network — variable length and memory, shown with a real nn.RNN."""

import numpy as np
import pandas as pd
import streamlit as st

from core.figures.style import GATE_COLORS
from core.figures.unrolled import UnrolledLabels, unrolled_figure
from core.figures.why_sequences import (
    final_states_figure, memory_gap_figure, one_hot_figure, signal_figure, token_vectors_figure,
)
from core.lessons.rnn_step import RNNStepConfig
from core.lessons.why_sequences import (
    DNA_ALPHABET, SAMPLE_RATE, LengthComparison, MemoryProbe, SequenceExamples, compare_lengths, probe_memory,
    sequence_examples,
)
from core.sequence_input import split_tokens
from pages.kit.i18n import language, texts
from pages.kit.layout import agreement, device_note, how_to_read, page_header

t = texts("why_sequences")
common = texts("common")
CONFIG = RNNStepConfig()
WINDOW = 4  # the feed-forward net is built for the tutorial's four-word sentence
CHART = {"displaylogo": False}


@st.cache_data(max_entries=64, show_spinner=False)
def examples(sentence: str, seed: int) -> SequenceExamples:
    return sequence_examples(sentence, seed, CONFIG)


@st.cache_data(max_entries=64, show_spinner=False)
def lengths(sentences: tuple[str, ...], seed: int) -> LengthComparison:
    return compare_lengths(sentences, seed, WINDOW, CONFIG)


@st.cache_data(max_entries=64, show_spinner=False)
def memory(sentence: str, position: int, replacement: str, seed: int) -> MemoryProbe:
    return probe_memory(sentence, position, replacement, seed, CONFIG)


@st.cache_resource(max_entries=32, show_spinner=False)
def example_figures(sentence: str, seed: int, lang: str):
    words, data = texts("why_sequences", lang)["examples"], examples(sentence, seed)
    return {
        "text": token_vectors_figure(data.tokens, data.token_vectors, words["text_title"]) if data.tokens else None,
        "audio": signal_figure(data.audio_time_ms, data.audio, words.format("audio_title", rate=SAMPLE_RATE),
                               words["audio_time"], words["audio_value"], GATE_COLORS["input"]),
        "stock": signal_figure(data.price_days, data.prices, words["stock_title"], words["stock_time"],
                               words["stock_value"], GATE_COLORS["forget"]),
        "dna": one_hot_figure(data.dna, DNA_ALPHABET, data.dna_one_hot, words["dna_title"], words["dna_position"]),
    }


@st.cache_resource(max_entries=32, show_spinner=False)
def length_figures(sentences: tuple[str, ...], seed: int, lang: str):
    words, comparison = texts("why_sequences", lang)["lengths"], lengths(sentences, seed)
    longest = comparison.longest
    states = final_states_figure([" ".join(run.tokens) for run in comparison.runs],
                                 [len(run.tokens) for run in comparison.runs],
                                 np.stack([run.final_hidden for run in comparison.runs]), words["figure_title"])
    animation = unrolled_figure(
        longest.tokens, longest.inputs, longest.hidden, step=len(longest.tokens),
        labels=UnrolledLabels(cell=words["cell_label"], initial_state=words["h0_label"], output_weight=None,
                              play=common["play"], pause=common["pause"], step_prefix=common["step_prefix"]),
    )
    return states, animation


@st.cache_resource(max_entries=32, show_spinner=False)
def memory_figure(sentence: str, position: int, replacement: str, seed: int, lang: str):
    words, probe = texts("why_sequences", lang)["memory"], memory(sentence, position, replacement, seed)
    return memory_gap_figure(probe.tokens, probe.changed_tokens, probe.step_gap, probe.feedforward_gap,
                             words["figure_title"], words["rnn_label"], words["feedforward_label"], words["gap_label"])


def vector_text(values: np.ndarray) -> str:
    return "[" + ", ".join(f"{value:.3f}" for value in values) + "]"


page_header(t)

st.subheader(t["controls_title"])
st.markdown(t["controls_text"])
columns = st.columns([3, 3, 3, 1.6])
typed = []
for number, (column, default) in enumerate(zip(columns, t["default_sentences"]), start=1):
    typed.append(column.text_input(t.format("sentence_label", number=number), value=default, max_chars=200,
                                   help=t["sentence_help"], key=f"why_sequences.s{number}", bind="query-params"))
seed = int(columns[-1].number_input(common["seed"], min_value=0, max_value=99_999, value=0, step=1,
                                    help=t["seed_help"], key="why_sequences.seed", bind="query-params"))
sentences = tuple(sentence or "" for sentence in typed)
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

words = t["examples"]
st.subheader(words["title"])
figures, data = example_figures(sentences[0], seed, language()), examples(sentences[0], seed)
for tab, name in zip(st.tabs([words[name] for name in ("text", "audio", "stock", "dna")]),
                     ("text", "audio", "stock", "dna")):
    with tab:
        if figures[name] is None:
            st.caption(t["no_sentences"])
            continue
        st.plotly_chart(figures[name], key=f"why_sequences.{name}", config=CHART)
        how_to_read(words.format(f"{name}_how", input_size=CONFIG.input_size, samples=len(data.audio),
                                 rate=SAMPLE_RATE))

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
st.plotly_chart(states, key="why_sequences.states", config=CHART)
how_to_read(words.format("figure_how", hidden=CONFIG.hidden_size))
st.markdown(f"**{words['animation_title']}**")
st.plotly_chart(animation, key="why_sequences.recurrence", config=CHART)
how_to_read(words["animation_how"])
agreement(comparison.max_abs_diff, "torch.nn.RNN")

words = t["memory"]
st.subheader(words["title"])
st.markdown(words["text"])
tokens = split_tokens(sentences[0], CONFIG.max_tokens)
if len(tokens) < 2:
    st.info(words["needs_two"])
else:
    left, right = st.columns(2)
    position = left.selectbox(words["position"], list(range(len(tokens) - 1)), index=0,
                              format_func=lambda index: f"{index + 1} · {tokens[index]}",
                              key="why_sequences.position", bind="query-params")
    replacement = right.text_input(words["replacement"], value="他", max_chars=40, key="why_sequences.swap",
                                   bind="query-params")
    try:
        probe = memory(sentences[0], int(position), replacement or "", seed)
    except ValueError:
        st.warning(words["bad_replacement"])
    else:
        if probe.tokens == probe.changed_tokens:
            st.info(words["same_word"])
        left, right = st.columns(2)
        left.metric(words["rnn_gap"], f"{probe.final_gap:.4f}")
        right.metric(words["feedforward_gap"], f"{probe.feedforward_gap:.4f}")
        st.plotly_chart(memory_figure(sentences[0], int(position), replacement or "", seed, language()),
                        key="why_sequences.memory", config=CHART)
        changed_gap = float(probe.step_gap[probe.position])
        trend = ("trend_fades" if probe.final_gap < changed_gap else
                 "trend_grows" if probe.final_gap > changed_gap else "trend_none")
        how_to_read(words.format("figure_how", changed=changed_gap, final=probe.final_gap,
                                 steps=len(probe.tokens) - probe.position - 1, trend=words[trend]))
        agreement(probe.max_abs_diff, "torch.nn.RNN")
device_note("cpu")  # the lesson's tiny model runs on the CPU whatever the machine has
