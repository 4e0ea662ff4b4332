"""Lesson 3: backpropagation through time on lesson 2's real torch.nn.RNN, animated from the last step back."""

import numpy as np
import pandas as pd
import streamlit as st

from core.device import select_device
from core.figures.bptt import backward_figure
from core.lessons.bptt import MAX_TOKENS, BackwardPass, BPTTSetup, backward_pass, recursion_latex, term_latex
from core.lessons.rnn_step import DEFAULT_SENTENCE
from core.sequence_input import split_tokens
from pages.kit.i18n import language, texts
from pages.kit.lesson_controls import keep_within, sentence_controls
from pages.kit.layout import agreement, device_note, formula_block, how_to_read, page_header

t = texts("bptt")
common = texts("common")
CHART = {"displaylogo": False}
ALL_STEPS = 0  # the loss picker's value for "a loss at every step"


@st.cache_data(max_entries=64, show_spinner=False)
def compute(sentence: str, seed: int, loss_choice: int, device: str) -> BackwardPass:
    loss_step = None if loss_choice == ALL_STEPS else loss_choice - 1
    return backward_pass(sentence, loss_step, BPTTSetup(seed=seed), device)


@st.cache_resource(max_entries=32, show_spinner=False)
def animation(sentence: str, seed: int, loss_choice: int, device: str, lang: str):
    """The backward-pass figure of one view (frames cost more to build than the gradients)."""
    result, words = compute(sentence, seed, loss_choice, device), texts("bptt", lang)
    labels = {**words["figure"], "play": common["play"], "pause": common["pause"],
              "step_prefix": common["step_prefix"]}
    return backward_figure(result.tokens, result.grad_hidden, result.terms, result.running_sums,
                           result.weight_grad, result.loss_steps, labels)


page_header(t)
sentence, seed = sentence_controls("bptt", t, DEFAULT_SENTENCE, max_chars=200)

tokens = split_tokens(sentence or "", MAX_TOKENS)
if not tokens:
    st.warning(t["empty"])
    st.stop()
loss_choice = st.selectbox(
    t["loss_label"], [ALL_STEPS, *range(1, len(tokens) + 1)], help=t["loss_help"], key="bptt.loss",
    format_func=lambda choice: t["loss_all"] if choice == ALL_STEPS
    else t.format("loss_step", step=choice, token=tokens[choice - 1]),
    bind="query-params",
)
device = str(select_device())  # the tiny RNN runs where the app computes; the caption at the end names it
result = compute(sentence, seed, loss_choice, device)
if result.truncated:
    st.info(t.format("truncated", count=MAX_TOKENS))

st.subheader(t["model_title"])
formula_block(r"h_t = \tanh(W_{xh}x_t + W_{hh}h_{t-1} + b_h), \qquad y_t = W_{hy}h_t + b_y")
formula_block(r"L = \sum_{t \in S} L_t = -\sum_{t \in S} \log \operatorname{softmax}(y_t)_1")
st.markdown(t["model_text"] + " " + t.format("loss_value", value=f"{result.loss:.6f}"))

st.subheader(t["animation_title"])
st.plotly_chart(animation(sentence, seed, loss_choice, device, language()), key="bptt.backward", config=CHART)
how_to_read(t["animation_how"])
agreement(result.recursion_diff, t["ref_recursion"])
agreement(result.weight_diff, t["ref_weight"])
agreement(result.forward_diff, t["ref_forward"])
st.caption(t["untrained"])

st.subheader(t["step_title"])
if result.seq_len > 1:
    keep_within("bptt.step", 1, result.seq_len)
    step = st.slider(t["step_slider"], min_value=1, max_value=result.seq_len, value=result.seq_len - 1,
                     key="bptt.step", bind="query-params")
else:
    step = 1
    st.caption(t["step_only_one"])
position = step - 1
token = result.tokens[position]
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
formula_block(r"\frac{\partial L}{\partial W_{hh}} = \sum_{t=1}^{T} \delta_t\, h_{t-1}^\top, \qquad "
              r"\delta_t = (1 - h_t^2) \odot \frac{\partial L}{\partial h_t}")
st.markdown(t["sum_text"])

st.subheader(t["table_title"])
columns = t["columns"]
norm_columns = ("direct", "carried", "total", "term", "probability")
st.dataframe(pd.DataFrame({
    columns["step"]: np.arange(1, result.seq_len + 1),
    columns["token"]: list(result.tokens),
    columns["has_loss"]: [t["yes"] if position in result.loss_steps else t["no"] for position in range(result.seq_len)],
    columns["direct"]: np.linalg.norm(result.direct, axis=1),
    columns["carried"]: np.linalg.norm(result.carried, axis=1),
    columns["total"]: result.grad_norms,
    columns["term"]: np.linalg.norm(result.terms, axis=(1, 2)),
    columns["probability"]: result.target_probability,
}), hide_index=True, key="bptt.table",
    column_config={columns[name]: st.column_config.NumberColumn(format="%.4f") for name in norm_columns})
st.caption(t["table_note"])
device_note(device)
