"""Lesson 5: a real torch.nn.LSTM(3, 4) read step by step, its weight layout, and why its cell path helps."""

import pandas as pd
import streamlit as st

from core.figures.gates import PlayerLabels, gate_heatmaps_figure, token_gate_bars_figure
from core.figures.lstm_step import cell_path_figure, lstm_cell_figure
from core.lessons.lstm_step import (
    DEFAULT_SENTENCE, EQUATIONS, CellPath, LSTMStepConfig, LSTMWalkthrough, build_lstm, cell_path, step_equations,
    tokens_of, walkthrough, weight_layout,
)
from pages.kit.i18n import language, texts
from pages.kit.lesson_controls import sentence_controls, step_slider
from pages.kit.layout import agreement, device_note, formula_block, how_to_read, page_header

t = texts("lstm_step")
common = texts("common")
CONFIG = LSTMStepConfig()
CHART = {"displaylogo": False}
BAR_GATES = ("forget", "input", "candidate", "output", "cell", "hidden")


@st.cache_data(max_entries=64, show_spinner=False)
def compute(sentence: str, seed: int) -> LSTMWalkthrough:
    return walkthrough(sentence, seed, CONFIG)


@st.cache_data(max_entries=64, show_spinner=False)
def compute_path(sentence: str, seed: int, forget_bias: float) -> CellPath:
    return cell_path(sentence, seed, forget_bias, CONFIG)


@st.cache_data(max_entries=16, show_spinner=False)
def layout_table(seed: int, lang: str) -> tuple[pd.DataFrame, str]:
    """The gate-order table and the parameter shapes line, read off the module."""
    words = texts("lstm_step", lang)
    rows, shapes = weight_layout(build_lstm(seed, CONFIG))
    columns = words["layout_columns"]
    table = pd.DataFrame({
        columns["gate"]: [words["gate_names"][row.gate] for row in rows],
        columns["torch_letter"]: [row.torch_letter for row in rows],
        columns["torch_rows"]: [f"[{row.torch_rows[0]}:{row.torch_rows[1]}]" for row in rows],
        columns["torch_blocks"]: [f"{row.torch_input_shape} + {row.torch_hidden_shape}" for row in rows],
        columns["tutorial_position"]: [str(row.tutorial_position + 1) for row in rows],
        columns["tutorial_matrix"]: [f"W_{row.tutorial_letter} {row.tutorial_shape}" for row in rows],
    })
    shapes_line = ", ".join(f"`{name}` {tuple(shape)}" for name, shape in shapes.items())
    return table, shapes_line


def bar_values(lesson: LSTMWalkthrough) -> dict:
    values = {**lesson.gates, "cell": lesson.cell, "hidden": lesson.hidden}
    return {name: values[name] for name in BAR_GATES}


@st.cache_resource(max_entries=32, show_spinner=False)
def animations(sentence: str, seed: int, step: int, lang: str):
    """The animated cell and bars, opened at ``step`` (building frames costs more than running the model)."""
    words, lesson = texts("lstm_step", lang), compute(sentence, seed)
    shared = texts("common", lang)
    player = PlayerLabels(shared["play"], shared["pause"], shared["step_prefix"])
    cell = lstm_cell_figure(lesson.vectors(), lesson.tokens, words["diagram_notes"], words["frame_title"], player,
                            step=step)
    bars = token_gate_bars_figure(bar_values(lesson), words["gate_names"], lesson.tokens, words["frame_title"],
                                  words["unit"], player, step=step)
    return cell, bars


@st.cache_resource(max_entries=32, show_spinner=False)
def heatmaps(sentence: str, seed: int, lang: str):
    words, lesson = texts("lstm_step", lang), compute(sentence, seed)
    return gate_heatmaps_figure(bar_values(lesson), words["gate_names"], lesson.tokens, words["unit"])


page_header(t)
sentence, seed = sentence_controls("lstm_step", t, DEFAULT_SENTENCE, max_chars=300)

try:
    lesson = compute(sentence, seed)
except ValueError:
    st.warning(t["empty"])
    st.stop()
if lesson.truncated:
    st.info(t.format("truncated", count=CONFIG.max_tokens))

st.subheader(t["equations_title"])
for equation in EQUATIONS:
    formula_block(equation)
st.markdown(t["equations_text"])

step = step_slider("lstm_step", t, lesson.seq_len)

cell_figure, bars_figure = animations(sentence, seed, step, language())
st.subheader(t["cell_title"])
st.plotly_chart(cell_figure, key="lstm_step.cell", config=CHART)
how_to_read(t.format("cell_how", hidden=CONFIG.hidden_size, input_size=CONFIG.input_size))
agreement(lesson.max_abs_diff, "torch.nn.LSTM")
st.caption(t["untrained"])

st.subheader(t["bars_title"])
st.plotly_chart(bars_figure, key="lstm_step.bars", config=CHART)
how_to_read(t["bars_how"])
with st.expander(t["heatmaps_title"]):
    st.plotly_chart(heatmaps(sentence, seed, language()), key="lstm_step.heatmaps", config=CHART)
    how_to_read(t["heatmaps_how"])

st.subheader(t["step_title"])
st.markdown(t.format("step_word", step=step, token=lesson.tokens[step - 1], previous=step - 1))
equations = step_equations(lesson, step)
for tab, name in zip(st.tabs([t["gate_names"][name] for name in ("forget", "input", "candidate", "output",
                                                                   "cell", "hidden")]),
                     ("forget", "input", "candidate", "output", "cell", "hidden")):
    with tab:
        st.markdown(t["step_explain"][name])
        for line in equations[name]:
            formula_block(line)
how_to_read(t["step_how"])

st.subheader(t["layout_title"])
st.markdown(t["layout_text"])
table, shapes_line = layout_table(seed, language())
st.dataframe(table, hide_index=True, key="lstm_step.layout")
st.caption(t.format("layout_shapes", shapes=shapes_line))
formula_block(r"W_f \cdot [h_{t-1}, x_t] + b_f = [\,W_{hf} \mid W_{if}\,] \begin{bmatrix} h_{t-1} \\ x_t "
              r"\end{bmatrix} + (b_{if} + b_{hf}) = W_{if} x_t + W_{hf} h_{t-1} + b_f")
agreement(lesson.tutorial_max_abs_diff, t["tutorial_form"])

st.subheader(t["path_title"])
st.markdown(t["path_text"])
formula_block(r"\frac{\partial C_t}{\partial C_{t-1}}\Big|_{\text{direct}} = \operatorname{diag}(f_t)"
              r"\quad\Rightarrow\quad \frac{\partial C_T}{\partial C_t}\Big|_{\text{direct}} = "
              r"\operatorname{diag}\Big(\prod_{k=t+1}^{T} f_k\Big)")
formula_block(r"\text{RNN:}\quad \frac{\partial h_t}{\partial h_{t-1}} = \operatorname{diag}(\tanh'(z_t))\, W_{hh}"
              r"\quad\Rightarrow\quad \frac{\partial h_T}{\partial h_t} = \prod_{k=t+1}^{T} "
              r"\operatorname{diag}(\tanh'(z_k))\, W_{hh}")
source_column, bias_column = st.columns([2, 3])
with source_column:
    long_count = len(tokens_of(t["long_sentence"], CONFIG.max_path_tokens)[0])
    source = st.segmented_control(t["path_source"], options=["long", "sentence"], default="long", required=True,
                                  format_func=lambda option: t["path_sources"][option].format(count=long_count),
                                  key="lstm_step.path", bind="query-params")
with bias_column:
    forget_bias = st.slider(t["forget_bias"], min_value=-2.0, max_value=4.0, value=0.0, step=0.5,
                            help=t["forget_bias_help"], key="lstm_step.bias", bind="query-params")
path = compute_path(t["long_sentence"] if source == "long" else sentence, seed, float(forget_bias))
st.plotly_chart(cell_path_figure(path.forget_product_norm, path.cell_jacobian_norm, path.rnn_jacobian_norm,
                                 path.tokens, t["path_labels"]), key="lstm_step.path_chart", config=CHART)
how_to_read(t["path_how"])
first, second, third, fourth = st.columns(4)
first.metric(t["metric_forget_product"], f"{path.forget_product_norm[0]:.2e}")
second.metric(t["metric_cell_jacobian"], f"{path.cell_jacobian_norm[0]:.2e}")
third.metric(t["metric_rnn_jacobian"], f"{path.rnn_jacobian_norm[0]:.2e}")
fourth.metric(t["metric_mean_forget"], f"{path.mean_forget:.3f}")
st.caption(t.format("metrics_note", count=len(path.tokens)))
st.markdown(t.format("path_note", mean=path.mean_forget, product=path.forget_product_norm[0],
                     rnn=path.rnn_jacobian_norm[0], spread=path.direct_path_spread))
device_note("cpu")  # the lesson's tiny model runs on the CPU whatever the machine has
