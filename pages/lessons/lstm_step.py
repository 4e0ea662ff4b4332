"""Lesson 5: a real torch.nn.LSTM(3, 4) read step by step, its weight layout, and why its cell path helps."""

import pandas as pd
import streamlit as st

from core.figures.lstm_step import cell_path_figure, lstm_cell_figure
from core.idle_cache import idle_cache
from core.lessons.cell_path import PATH_EQUATIONS, CellPath, cell_path
from core.lessons.concat_order import ORDER_EQUATION, concat_orders
from core.lessons.lstm_step import (
    DEFAULT_SENTENCE, EQUATIONS, LAYOUT_EQUATION, LSTMStepConfig, LSTMWalkthrough, build_lstm, step_equations,
    weight_layout,
)
from core.lessons.shared_results import lstm_walkthrough
from core.lessons.cell_path_reading import read_cell_path
from core.sequence_input import tokens_of
from pages.kit.chart import cached_figures, chart
from pages.kit.check_yourself import check_yourself
from pages.kit.gate_lesson import GateLesson, gate_lesson
from pages.kit.i18n import language, texts
from pages.kit.layout import agreement, deeper, device_note, formula_block, how_to_read
from pages.kit.shared_view import shared
from pages.kit.url_choices import coded_option, translated_aliases

t = texts("lstm_step")
CONFIG = LSTMStepConfig()


def compute(sentence: str, seed: int, trained: bool = False) -> LSTMWalkthrough:
    """The walkthrough, from the core cache the Check-yourself questions read too (computed once per sentence)."""
    return lstm_walkthrough(sentence, int(seed), bool(trained))


@idle_cache(max_entries=64, copy=True)
def compute_path(sentence: str, seed: int, forget_bias: float) -> CellPath:
    return cell_path(sentence, seed, forget_bias, CONFIG)


@cached_figures(max_entries=32)
def path_picture(sentence: str, seed: int, forget_bias: float, lang: str):
    path = compute_path(sentence, seed, forget_bias)
    return cell_path_figure(path.forget_product_norm, path.cell_jacobian_norm, path.rnn_jacobian_norm, path.tokens,
                            texts("lstm_step", lang)["path_labels"])


@idle_cache(max_entries=16, copy=True)
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


LESSON = GateLesson(
    page="lstm_step", kind="lstm", reference="torch.nn.LSTM", default_sentence=DEFAULT_SENTENCE, max_tokens=CONFIG.max_tokens,
    input_size=CONFIG.input_size, hidden_size=CONFIG.hidden_size, equations=EQUATIONS,
    gates=("forget", "input", "candidate", "output", "cell", "hidden"), walkthrough=compute,
    cell_figure=lstm_cell_figure, step_equations=step_equations,
)


def order_section(lesson: LSTMWalkthrough, sentence: str, seed: int, trained: bool, step: int) -> None:
    """[h, x] (the formulas) against [x, h] (code) at the chosen step: inside the step fragment, so it follows the
    slider; bookkeeping, so in a deeper expander."""
    with deeper():
        order = concat_orders(*lesson.weights["forget"], lesson.inputs[step - 1], lesson.previous_hidden[step - 1])
        st.markdown(t["order_text"])
        formula_block(ORDER_EQUATION)
        st.caption(t.format("order_numbers", step=step, agree=f"{order.orders_gap:.1e}",
                            wrong=f"{order.mismatch_gap:.3f}"))


lesson, sentence, seed, trained = gate_lesson(LESSON, after_step=order_section)

with deeper():  # torch's weight layout is bookkeeping: the lesson reads without it
    st.subheader(t["layout_title"])
    st.markdown(t["layout_text"])
    table, shapes_line = layout_table(seed, language())
    st.dataframe(table, hide_index=True, key="lstm_step.layout")
    st.caption(t.format("layout_shapes", shapes=shapes_line))
    formula_block(LAYOUT_EQUATION)
    agreement(lesson.tutorial_max_abs_diff, t["tutorial_form"])

st.subheader(t["path_title"])
st.markdown(t["path_text"])
for equation in PATH_EQUATIONS:
    formula_block(equation)
source_column, bias_column = st.columns([2, 3])
with source_column:
    long_count = len(tokens_of(t["long_sentence"], CONFIG.max_path_tokens)[0])
    sources = {code: label.format(count=long_count) for code, label in t["path_sources"].items()}
    source = coded_option(st.segmented_control, shared("lstm_step.path"), list(sources), "long",  # ?lstm_step.path=sentence
                          translated_aliases("lstm_step", lambda words: {
                              code: label.format(count=long_count) for code, label in words["path_sources"].items()}),
                          label=t["path_source"], required=True, format_func=sources.__getitem__)
with bias_column:
    forget_bias = st.slider(t["forget_bias"], min_value=-2.0, max_value=4.0, value=0.0, step=0.5,
                            help=t["forget_bias_help"], key=shared("lstm_step.bias"), bind="query-params")
path_sentence = t["long_sentence"] if source == "long" else sentence
path = compute_path(path_sentence, seed, float(forget_bias))
chart(path_picture(path_sentence, seed, float(forget_bias), language()), "lstm_step.path_chart")
how_to_read(t.format("path_how", input=CONFIG.input_size, hidden=CONFIG.hidden_size))
first, second, third, fourth = st.columns(4)
first.metric(t["metric_forget_product"], f"{path.forget_product_norm[0]:.2e}")
second.metric(t["metric_cell_jacobian"], f"{path.cell_jacobian_norm[0]:.2e}")
third.metric(t["metric_rnn_jacobian"], f"{path.rnn_jacobian_norm[0]:.2e}")
fourth.metric(t["metric_mean_forget"], f"{path.mean_forget:.3f}")
st.caption(t.format("metrics_note", count=len(path.tokens)))
reading, words = read_cell_path(path), t["path_reading"]
# Each sentence is picked by what the numbers above show, so moving the slider never leaves a claim they contradict.
sentences = [words.format("numbers", mean=f"{reading.mean_forget:.2f}", product=f"{reading.direct_product:.1e}",
                          rnn=f"{reading.rnn:.1e}"),
             words[reading.forget_level], words["learn"],
             words.format(reading.spread_level, spread=f"{reading.spread:.1f}" if reading.spread < 10
                          else f"{reading.spread:.0f}")]
if reading.all_paths_above_one:
    sentences.append(words.format("above_one", all_paths=f"{reading.all_paths:.2f}"))
st.markdown(" ".join(sentences))
device_note("cpu")  # the lesson's tiny model runs on the CPU whatever the machine has

check_yourself("lstm_step", sentence, seed, trained)
