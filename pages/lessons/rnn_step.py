"""Lesson 2: one real torch.nn.RNN(3, 4) read step by step over a typed sentence, every product with its numbers."""

import pandas as pd
import streamlit as st

from core.figures.rnn_step import StepFigureLabels, matrix_heatmap, step_terms_figure
from core.figures.unrolled import UnrolledLabels, unrolled_figure
from core.lessons import bmatrix
from core.lessons.rnn_step import DEFAULT_SENTENCE, EQUATIONS, RNNStepConfig, RNNStepLesson, run_lesson, step_equations
from pages.kit.i18n import language, texts
from pages.kit.lesson_controls import sentence_controls, step_slider
from pages.kit.layout import agreement, device_note, formula_block, how_to_read, page_header

t = texts("rnn_step")
common = texts("common")
CONFIG = RNNStepConfig()
CHART = {"displaylogo": False}


@st.cache_data(max_entries=64, show_spinner=False)
def compute(sentence: str, seed: int) -> RNNStepLesson:
    return run_lesson(sentence, seed, CONFIG)


@st.cache_resource(max_entries=32, show_spinner=False)
def animations(sentence: str, seed: int, step: int, lang: str):
    """The two animated figures of one view (building frames costs more than running the model)."""
    words, lesson = texts("rnn_step", lang), compute(sentence, seed)
    shared = {"play": common["play"], "pause": common["pause"], "step_prefix": common["step_prefix"]}
    unrolled = unrolled_figure(
        lesson.tokens, lesson.inputs, lesson.hidden, lesson.outputs, step=step,
        labels=UnrolledLabels(cell=words["cell_label"], initial_state=words["h0_label"], **shared),
    )
    terms = step_terms_figure(
        lesson.from_input, lesson.from_hidden, lesson.bias_hidden, lesson.pre_hidden, lesson.hidden,
        lesson.outputs, lesson.tokens, step=step,
        labels=StepFigureLabels(from_input=words["terms"]["from_input"], from_hidden=words["terms"]["from_hidden"],
                                bias=words["terms"]["bias"], unit=words["unit"], **shared),
    )
    return unrolled, terms


@st.cache_resource(max_entries=32, show_spinner=False)
def heatmaps(sentence: str, seed: int, lang: str):
    words, lesson = texts("rnn_step", lang), compute(sentence, seed)

    def title(key, matrix) -> str:  # the shape in the title is read off the matrix drawn under it
        return words.format(key, rows=matrix.shape[0], columns=matrix.shape[1])

    return (
        matrix_heatmap(lesson.weight_input, title("weight_input_title", lesson.weight_input), "h", "x", "W_xh"),
        matrix_heatmap(lesson.weight_hidden, title("weight_hidden_title", lesson.weight_hidden), "h", "h", "W_hh"),
        matrix_heatmap(lesson.weight_output, title("weight_output_title", lesson.weight_output), "y", "h", "W_hy"),
    )


page_header(t)
sentence, seed = sentence_controls("rnn_step", t, DEFAULT_SENTENCE, max_chars=200)

try:
    lesson = compute(sentence, seed)
except ValueError:
    st.warning(t["empty"])
    st.stop()
if lesson.truncated:
    st.info(t.format("truncated", count=CONFIG.max_tokens))

st.subheader(t["formulas_title"])
for equation in EQUATIONS:
    formula_block(equation)
st.markdown(t["formulas_text"])

step = step_slider("rnn_step", t, lesson.seq_len)
unrolled, terms = animations(sentence, seed, step, language())

st.subheader(t["unrolled_title"])
st.plotly_chart(unrolled, key="rnn_step.unrolled", config=CHART)
how_to_read(t["unrolled_how"])
agreement(lesson.max_abs_diff, "torch.nn.RNN")
st.caption(t["untrained"])

st.subheader(t["step_title"])
st.markdown(t.format("step_word", step=step, token=lesson.tokens[step - 1], previous=step - 1))
equations = step_equations(lesson, step)
for heading, names in (("step_products", ("from_input", "from_hidden")), ("step_sum", ("sum",)),
                       ("step_tanh", ("hidden",)), ("step_output", ("logits", "output"))):
    st.markdown(f"**{t[heading]}**")
    for name in names:
        formula_block(equations[name])
st.plotly_chart(terms, key="rnn_step.terms", config=CHART)
how_to_read(t.format("step_figure_how", hidden=CONFIG.hidden_size, outputs=CONFIG.output_size))

st.subheader(t["weights_title"])
st.markdown(t["weights_text"])
for column, figure, name in zip(st.columns([3, 4, 4]), heatmaps(sentence, seed, language()),
                                ("weight_input", "weight_hidden", "weight_output")):
    column.plotly_chart(figure, key=f"rnn_step.{name}", config=CHART)
how_to_read(t["weights_how"])
st.markdown(f"**{t['biases']}**")
formula_block(r"b_h = " + bmatrix(lesson.bias_hidden, 3) + r", \qquad b_y = " + bmatrix(lesson.bias_output, 3))

st.subheader(t["shapes_title"])
columns = t["shape_columns"]
st.dataframe(pd.DataFrame({
    columns["symbol"]: [row.symbol for row in lesson.shapes],
    columns["meaning"]: [t["shape_rows"][row.name] for row in lesson.shapes],
    columns["shape"]: ["[" + " × ".join(str(size) for size in row.shape) + "]" for row in lesson.shapes],
    columns["torch_name"]: [row.torch_name for row in lesson.shapes],
}), hide_index=True, key="rnn_step.shapes")
st.caption(t["shapes_note"])
device_note("cpu")  # the lesson's tiny model runs on the CPU whatever the machine has
