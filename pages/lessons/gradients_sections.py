"""Parts of lesson 4 drawn by ``pages/lessons/gradients.py``: the sentence picker, the activation's slope, powers of
a factor against the measured chain, and gradient clipping on real batches. Not a page of its own (the registry
lists pages)."""

import pandas as pd
import streamlit as st

from core.figures.gradients import ClippingLabels, clipping_figure
from core.idle_cache import idle_cache
from core.lessons.clipping import (
    BatchGradients, ClippingResult, ClippingSetup, batch_gradients, clip_batches, rule_latex,
)
from core.lessons.gradient_reading import ChainReading, anchor_pair
from core.lessons.gradients import ChainSetup, JacobianChain, power_table
from core.sequence_input import MAX_TOKENS, split_tokens
from pages.kit.chart import chart
from pages.kit.i18n import Texts
from pages.kit.labels import figure_labels
from pages.kit.layout import agreement, deeper, formula_block, how_to_read
from pages.kit.lesson_controls import preset_picker, sentence_box
from pages.kit.messages import empty_input, truncated
from pages.kit.shared_view import shared
from pages.kit.url_choices import coded_option, word_number

THRESHOLDS = (0.01, 0.1, 0.5, 1.0, 1.5, 2.0, 5.0, 10.0, 50.0, 100.0, 1000.0)
FACTORS = tuple(round(0.05 * step, 2) for step in range(1, 41))  # 0.05 … 2.0


def short(value: float) -> str:
    """A number as the lesson's prose prints it: three significant digits."""
    return f"{value:.3g}"


def activation_section(t: Texts, figure, reading: ChainReading, nonlinearity: str) -> None:
    """φ and φ′ with the run's own z_t, and the share of units that pass (almost) no gradient."""
    st.subheader(t["activation_title"])
    st.markdown(t["activation_text"])
    chart(figure, "gradients.activation_chart")
    how_to_read(t["activation_how"])
    if nonlinearity == "tanh":
        st.caption(t.format("saturation", share=f"{reading.inactive_share:.1%}",
                            slope=short(reading.saturation_slope)))
    else:
        st.caption(t.format("relu_dead", share=f"{reading.inactive_share:.1%}"))


@idle_cache(max_entries=32)  # read-only tensors (clip_batches clips copies): shared, not copied
def compute_batch_gradients(setup: ChainSetup, device: str) -> BatchGradients:
    """The batches' gradients: the costly part, the same for every threshold (and every sentence: only the RNN's
    setup and seed choose the model and the batches)."""
    return batch_gradients(setup, device=device)


@idle_cache(max_entries=64, copy=True)
def compute_clipping(threshold: float, setup: ChainSetup, device: str) -> ClippingResult:
    return clip_batches(threshold, compute_batch_gradients(setup, device))


def powers_section(t: Texts, chain: JacobianChain) -> None:
    """factorⁿ exactly, beside the chain's own norm over n steps."""
    st.subheader(t["powers_title"])
    st.markdown(t["powers_text"])
    factor = st.select_slider(t["factor"], FACTORS, value=0.5, key=shared("gradients.factor"), bind="query-params")
    columns, missing = t["powers_columns"], t["powers_missing"]
    rows = power_table(factor, chain)
    st.dataframe(pd.DataFrame({
        columns["steps"]: [row.steps for row in rows],
        columns["exact"]: [f"{row.exact:.10g}" for row in rows],
        columns["measured"]: [missing if row.measured is None else f"{row.measured:.4g}" for row in rows],
        columns["per_step"]: [missing if row.per_step is None else f"{row.per_step:.4f}" for row in rows],
    }), hide_index=True, key="gradients.powers")
    tutorial = {row.steps: row.exact for row in power_table(0.5)}
    st.caption(t.format("powers_note", exact10=f"{tutorial[10]:.10g}", exact20=f"{tutorial[20]:.10g}",
                        exact50=f"{tutorial[50]:.3g}"))


def clipping_section(t: Texts, setup: ChainSetup, device) -> None:
    """Exploding gradients, and clipping their total norm on real batches of this RNN."""
    st.subheader(t["exploding"]["title"])
    st.markdown(t["exploding"]["text"])
    clipping_text = t["clipping"]
    st.subheader(clipping_text["title"])
    st.markdown(clipping_text.format("text", steps=ClippingSetup().seq_len, batches=ClippingSetup().num_batches))
    formula_block(rule_latex(clipping_text["formula_params"], clipping_text["formula_threshold"]))
    # 1.5 sits inside the default run's spread of norms: the first view shows clipped and untouched batches
    threshold = st.select_slider(clipping_text["threshold"], THRESHOLDS, value=1.5, key=shared("gradients.threshold"),
                                 bind="query-params")
    clipped = compute_clipping(float(threshold), setup, str(device))
    chart(clipping_figure(clipped.norms_before, clipped.norms_after, float(threshold),
                          figure_labels(ClippingLabels, t["clipping_figure"])), "gradients.clipping")
    how_to_read(clipping_text["how"])
    st.markdown(clipping_text.format("summary", clipped=int(clipped.clipped.sum()), total=len(clipped.clipped),
                                     largest=f"{clipped.norms_before[clipped.largest]:.4g}",
                                     after=f"{clipped.norms_after[clipped.largest]:.4g}"))
    with deeper():
        agreement(clipped.clipped_diff, clipping_text["reference"])


def sentence_source(t: Texts) -> tuple[list[str], int, int]:
    """The sentence box and the two word pickers; returns (tokens, loss position T, position to reach), 0-based."""
    controls = t["controls"]
    preset_column, text_column = st.columns([2, 3])
    preset_picker("gradients", controls["sentence_presets"], controls["preset_placeholder"], preset_column)
    sentence = sentence_box("gradients", controls["sentence_presets"][0], controls["sentence_help"], 300, text_column)
    tokens = split_tokens(sentence)
    if len(tokens) < 2:
        empty_input(minimum=2)
    if len(split_tokens(sentence, MAX_TOKENS + 1)) > MAX_TOKENS:
        truncated(MAX_TOKENS)
    start, reach = anchor_pair(tokens, controls["anchors"])
    label = [f"{position + 1} · {token}" for position, token in enumerate(tokens)]
    old_links = {text.casefold(): position for position, text in enumerate(label)}  # links that carried the label
    start_column, reach_column = st.columns(2)
    # the URL carries word numbers (?gradients.start=5), the same in every language
    loss_position = coded_option(start_column.selectbox, shared("gradients.start"), range(1, len(tokens)), start, old_links,
                                 word_number, label=controls["loss_word"], format_func=label.__getitem__)
    watch = coded_option(reach_column.selectbox, shared("gradients.reach"), range(loss_position), min(reach, loss_position - 1),
                         old_links, word_number, label=controls["watch_word"], format_func=label.__getitem__)
    return tokens, loss_position, watch
