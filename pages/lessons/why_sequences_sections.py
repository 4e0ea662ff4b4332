"""Sections of lesson 1 drawn by ``pages/lessons/why_sequences.py``: four kinds of sequence as the model's inputs,
and memory (change one earlier word and watch the difference travel to the end of an RNN, while a network that
reads only the last word sees nothing). Not a page of its own (the registry lists pages)."""

import streamlit as st

from core.figures.style import GATE_COLORS
from core.figures.why_sequences import memory_gap_figure, one_hot_figure, signal_figure, token_vectors_figure
from core.idle_cache import idle_cache
from core.lesson_models import RNNStepConfig
from core.lessons.why_sequences import (
    DNA_ALPHABET, SAMPLE_RATE, TONE_HZ, MemoryProbe, SequenceExamples, memory_positions, sequence_examples,
)
from core.lessons.shared_results import memory_probe
from core.sequence_input import split_tokens
from pages.kit.chart import cached_figures, chart
from pages.kit.i18n import Texts, language, texts
from pages.kit.layout import agreement, deeper, how_to_read
from pages.kit.shared_view import shared
from pages.kit.url_choices import coded_option, word_number


@idle_cache(max_entries=64, copy=True)
def examples(sentence: str, seed: int) -> SequenceExamples:
    return sequence_examples(sentence, seed, RNNStepConfig())


@cached_figures(max_entries=32)
def example_figures(sentence: str, seed: int, lang: str):
    words, data = texts("why_sequences", lang)["examples"], examples(sentence, seed)
    return {
        "text": token_vectors_figure(data.tokens, data.token_vectors, words["text_title"]) if data.tokens else None,
        "audio": signal_figure(data.audio_time_ms, data.audio, words.format(
            "audio_title", rate=SAMPLE_RATE, duration=f"{len(data.audio) / SAMPLE_RATE * 1000:g}", tone=f"{TONE_HZ:g}"),
                               words["audio_time"], words["audio_value"], GATE_COLORS["input"]),
        "stock": signal_figure(data.price_days, data.prices, words["stock_title"], words["stock_time"],
                               words["stock_value"], GATE_COLORS["forget"]),
        "dna": one_hot_figure(data.dna, DNA_ALPHABET, data.dna_one_hot, words.format("dna_title", bases=len(data.dna)),
                                  words["dna_position"]),
    }


def examples_section(t: Texts, sentence: str, seed: int, config: RNNStepConfig) -> None:
    """Text, audio, prices and DNA, each drawn as the sequence of vectors a model would read."""
    words = t["examples"]
    st.subheader(words["title"])
    figures, data = example_figures(sentence, seed, language()), examples(sentence, seed)
    for tab, name in zip(st.tabs([words[name] for name in ("text", "audio", "stock", "dna")]),
                         ("text", "audio", "stock", "dna")):
        with tab:
            if figures[name] is None:
                st.caption(t["no_sentences"])
                continue
            chart(figures[name], f"why_sequences.{name}")
            how_to_read(words.format(f"{name}_how", input_size=config.input_size, samples=len(data.audio),
                                     rate=SAMPLE_RATE))


def memory(sentence: str, position: int, replacement: str, seed: int, window: int) -> MemoryProbe:
    """The probe, from the core cache the Check-yourself questions read too."""
    return memory_probe(sentence, int(position), replacement, int(seed), int(window))


@cached_figures(max_entries=32)
def memory_figure(sentence: str, position: int, replacement: str, seed: int, window: int, lang: str):
    words, probe = texts("why_sequences", lang)["memory"], memory(sentence, position, replacement, seed, window)
    return memory_gap_figure(probe.tokens, probe.changed_tokens, probe.step_gap, probe.feedforward_gap,
                             words["figure_title"], words["rnn_label"],
                             texts("why_sequences", lang)["memory"].format("feedforward_label", window=window),
                             words["gap_label"])


def memory_sentence(sentences: tuple[str, ...], window: int, config: RNNStepConfig) -> tuple[int, list[str]]:
    """The first sentence (its number from 1, its tokens) with words before the window net's window; (0, []) if none."""
    for number, sentence in enumerate(sentences, start=1):
        tokens = split_tokens(sentence, config.max_tokens)
        if memory_positions(len(tokens), window):
            return number, tokens
    return 0, []


def memory_section(t: Texts, sentences: tuple[str, ...], seed: int, config: RNNStepConfig, window: int) -> None:
    """Replace a word that lies outside the window net's last ``window`` words; show the gap at every step."""
    words = t["memory"]
    st.subheader(words["title"])
    number, tokens = memory_sentence(sentences, window, config)
    if not number:
        st.info(words.format("needs_longer", window=window))
        return
    sentence = " ".join(tokens)
    st.markdown(words.format("text", number=number, window=window, last=" ".join(tokens[-window:])))
    left, right = st.columns(2)
    labels = {index: f"{index + 1} · {tokens[index]}" for index in memory_positions(len(tokens), window)}
    position = int(coded_option(left.selectbox, shared("why_sequences.position"), list(labels), min(1, len(labels) - 1),
                                {text.casefold(): index for index, text in labels.items()}, word_number,
                                label=words["position"], format_func=labels.__getitem__))  # ?…position=2: word 2
    replacement = right.text_input(words["replacement"], value=words["replacement_default"], max_chars=40,
                                   key=shared("why_sequences.swap"), bind="query-params") or ""
    try:
        probe = memory(sentence, position, replacement, seed, window)
    except ValueError:
        st.warning(words["bad_replacement"])
        return
    if probe.tokens == probe.changed_tokens:
        st.info(words["same_word"])
    left, right = st.columns(2)
    left.metric(words["rnn_gap"], f"{probe.final_gap:.4f}")
    right.metric(words.format("feedforward_gap", window=window), f"{probe.feedforward_gap:.4f}")
    chart(memory_figure(sentence, position, replacement, seed, window, language()), "why_sequences.memory")
    how_to_read(words.format("figure_how", changed=probe.changed_gap, final=probe.final_gap, steps=probe.steps_after,
                             trend=words[f"trend_{probe.trend}"], window=window))
    with deeper():
        agreement(probe.max_abs_diff, "torch.nn.RNN")
