"""Lesson 3: backpropagation through time on lesson 2's real torch.nn.RNN, animated from the last step back."""

import numpy as np
import pandas as pd
import streamlit as st

from core.device import select_device
from core.escape import markdown_text
from core.figures.bptt import BackwardLabels, backward_figure
from core.lessons.bptt import (
    MAX_TOKENS, MODEL_EQUATIONS, SUM_EQUATION, BackwardPass, BPTTSetup, recursion_latex, term_latex,
)
from core.lessons.rnn_step import DEFAULT_SENTENCE
from core.lessons.shared_results import bptt_pass
from core.sequence_input import split_tokens
from pages.kit.chart import cached_figures, chart
from pages.kit.check_yourself import check_yourself
from pages.kit.i18n import language, texts
from pages.kit.labels import figure_labels, player_labels
from pages.kit.lesson_controls import sentence_controls, step_slider
from pages.kit.layout import agreement, deeper, device_note, formula_block, how_to_read, page_header
from pages.kit.messages import empty_input, truncated, untrained
from pages.kit.shared_view import shared
from pages.kit.trained_switch import default_sentence, model_card, trained_switch
from pages.kit.url_choices import coded_option, translated_aliases

t = texts("bptt")
ALL_STEPS = 0  # the loss picker's value for "a loss at every step"


def compute(sentence: str, seed: int, loss_choice: int, device: str, trained: bool = False) -> BackwardPass:
    """The pass from the core cache the Check-yourself questions read too (theirs is the "L_T only" view)."""
    loss_step = None if loss_choice == ALL_STEPS else int(loss_choice) - 1
    return bptt_pass(sentence, int(seed), loss_step, device, bool(trained))


@cached_figures(max_entries=32)
def animation(sentence: str, seed: int, loss_choice: int, device: str, trained: bool, lang: str):
    """The backward-pass figure of one view (frames cost more to build than the gradients)."""
    result, words = compute(sentence, seed, loss_choice, device, trained), texts("bptt", lang)
    labels = figure_labels(BackwardLabels, words["figure"], player=player_labels(lang))
    return backward_figure(result.tokens, result.grad_hidden, result.terms, result.running_sums,
                           result.weight_grad, result.loss_steps, labels)


NETWORK = BPTTSetup().network  # lesson 2's sizes, printed in the intro
page_header(t, input=NETWORK.input_size, hidden=NETWORK.hidden_size, output=NETWORK.output_size)
trained = trained_switch("bptt", DEFAULT_SENTENCE)
sentence, seed = sentence_controls("bptt", t, default_sentence("bptt", DEFAULT_SENTENCE), max_chars=200)
if trained:
    model_card("rnn")

tokens = split_tokens(sentence or "", MAX_TOKENS)
if not tokens:
    empty_input()


def loss_labels(words) -> dict[int, str]:
    """Each loss choice's label in one language (old links carried these)."""
    return {ALL_STEPS: words["loss_all"],
            **{step: words.format("loss_step", step=step, token=tokens[step - 1]) for step in range(1, len(tokens) + 1)}}


shown = loss_labels(t)
loss_choice = coded_option(st.selectbox, shared("bptt.loss"), list(shown), ALL_STEPS, translated_aliases("bptt", loss_labels),
                           lambda choice: "all" if choice == ALL_STEPS else str(choice),  # ?bptt.loss=3: L_3 only
                           label=t["loss_label"], help=t["loss_help"], format_func=shown.__getitem__)
device = str(select_device())  # the tiny RNN runs where the app computes; the caption at the end names it
result = compute(sentence, seed, loss_choice, device, trained)
if result.truncated:
    truncated(MAX_TOKENS)

st.subheader(t["animation_title"])
chart(animation(sentence, seed, loss_choice, device, trained, language()), "bptt.backward")
how_to_read(t["animation_how"])
with deeper():  # our recursion against autograd and torch's own .grad: bookkeeping, the lesson reads without it
    agreement(result.recursion_diff, t["ref_recursion"])
    agreement(result.weight_diff, t["ref_weight"])
    agreement(result.forward_diff, t["ref_forward"])
if trained:  # class 1 of the agreement model is "were": each loss asks for it, so the gradient seeks the subject
    st.caption(t["trained_note"])
else:
    untrained(t["untrained_note"])

# the picture first (above), then the model it differentiates
st.subheader(t["model_title"])
for equation in MODEL_EQUATIONS:
    formula_block(equation)
st.markdown(t["model_text"] + " " + t.format("loss_value", value=f"{result.loss:.6f}"))

st.subheader(t["step_title"])
step = step_slider("bptt", t, result.seq_len, default=result.seq_len - 1)
position = step - 1
token = markdown_text(result.tokens[position])
if step < result.seq_len:
    st.markdown(t.format("step_text", step=step, token=token, next=step + 1))
else:
    st.markdown(t.format("step_text_last", step=step, token=token))
st.markdown(f"**{t['recursion_heading']}**")
formula_block(recursion_latex(result, position))
st.caption(t["recursion_note"])
st.markdown(f"**{t['term_heading']}**")
formula_block(term_latex(result, position))
if step == 1:
    st.caption(t["term_note_first"])

st.subheader(t["sum_title"])
formula_block(SUM_EQUATION)
st.markdown(t["sum_text"])

st.subheader(t["table_title"])
columns = t["columns"]
norm_columns = ("direct", "carried", "total", "term", "probability", "input")
st.dataframe(pd.DataFrame({
    columns["step"]: np.arange(1, result.seq_len + 1),
    columns["token"]: list(result.tokens),
    columns["has_loss"]: [t["yes"] if position in result.loss_steps else t["no"] for position in range(result.seq_len)],
    columns["direct"]: result.direct_norms,
    columns["carried"]: result.carried_norms,
    columns["total"]: result.grad_norms,
    columns["term"]: result.term_norms,
    columns["probability"]: result.target_probability,
    columns["input"]: np.linalg.norm(result.grad_input, axis=1),
}), hide_index=True, key="bptt.table",
    column_config={columns[name]: st.column_config.NumberColumn(format="%.4f") for name in norm_columns})
st.caption(t["table_note"] + " " + t["input_note"])
with deeper():
    agreement(result.input_diff, t["ref_input"])
device_note(device)

check_yourself("bptt", sentence, seed, trained)
