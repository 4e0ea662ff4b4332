"""Lesson 6: a real torch.nn.GRU(3, 4) read step by step, its two conventions, and a measured LSTM vs GRU table."""

import pandas as pd
import streamlit as st

from core.device import describe_device, select_device
from core.figures.gates import PlayerLabels, gate_heatmaps_figure, token_gate_bars_figure
from core.figures.gru_step import conventions_figure, gru_cell_figure
from core.lessons.gru_step import (
    DEFAULT_SENTENCE, EQUATIONS, TUTORIAL_EQUATIONS, CellFacts, CellTiming, GRUStepConfig, GRUWalkthrough,
    TimingConfig, cell_facts, step_equations, time_cell, walkthrough,
)
from pages.kit.i18n import language, texts
from pages.kit.lesson_controls import sentence_controls, step_slider
from pages.kit.layout import agreement, device_note, formula_block, how_to_read, page_header

t = texts("gru_step")
common = texts("common")
CONFIG = GRUStepConfig()
TIMING = TimingConfig()
CHART = {"displaylogo": False}
BAR_GATES = ("reset", "update", "new", "hidden")
KINDS = ("lstm", "gru")


@st.cache_data(max_entries=64, show_spinner=False)
def compute(sentence: str, seed: int) -> GRUWalkthrough:
    return walkthrough(sentence, seed, CONFIG)


@st.cache_data(max_entries=64, show_spinner=False)
def facts(kind: str, input_size: int, hidden_size: int) -> CellFacts:
    return cell_facts(kind, input_size, hidden_size)


@st.cache_data(max_entries=64, show_spinner=False)
def timing(kind: str, input_size: int, hidden_size: int, device: str) -> CellTiming:
    """Measured once per sizes and device: the first view of a size pays ~0.1 s, later views nothing."""
    return time_cell(kind, input_size, hidden_size, TIMING.batch_size, TIMING.seq_len, TIMING.repeats, device=device)


def bar_values(lesson: GRUWalkthrough) -> dict:
    values = {**lesson.gates, "hidden": lesson.hidden}
    return {name: values[name] for name in BAR_GATES}


@st.cache_resource(max_entries=32, show_spinner=False)
def animations(sentence: str, seed: int, step: int, lang: str):
    """The animated cell and bars, opened at ``step`` (building frames costs more than running the model)."""
    words, lesson = texts("gru_step", lang), compute(sentence, seed)
    shared = texts("common", lang)
    player = PlayerLabels(shared["play"], shared["pause"], shared["step_prefix"])
    cell = gru_cell_figure(lesson.vectors(), lesson.tokens, words["diagram_notes"], words["frame_title"], player,
                           step=step)
    bars = token_gate_bars_figure(bar_values(lesson), words["gate_names"], lesson.tokens, words["frame_title"],
                                  words["unit"], player, step=step)
    return cell, bars


@st.cache_resource(max_entries=32, show_spinner=False)
def static_figures(sentence: str, seed: int, lang: str):
    """The time × unit heatmaps and the conventions chart: the same for every step."""
    words, lesson = texts("gru_step", lang), compute(sentence, seed)
    heatmaps = gate_heatmaps_figure(bar_values(lesson), words["gate_names"], lesson.tokens, words["unit"])
    conventions = conventions_figure(lesson.hidden, lesson.tutorial_hidden, lesson.gates["update"],
                                     lesson.tutorial_update, lesson.tokens,
                                     {**words["convention_labels"], "unit": words["unit"]})
    return heatmaps, conventions


page_header(t)
sentence, seed = sentence_controls("gru_step", t, DEFAULT_SENTENCE, max_chars=300)

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

step = step_slider("gru_step", t, lesson.seq_len)

cell_figure, bars_figure = animations(sentence, seed, step, language())
heatmaps_figure, conventions = static_figures(sentence, seed, language())
st.subheader(t["cell_title"])
st.plotly_chart(cell_figure, key="gru_step.cell", config=CHART)
how_to_read(t.format("cell_how", hidden=CONFIG.hidden_size, input_size=CONFIG.input_size))
agreement(lesson.max_abs_diff, "torch.nn.GRU")
st.caption(t["untrained"])

st.subheader(t["bars_title"])
st.plotly_chart(bars_figure, key="gru_step.bars", config=CHART)
how_to_read(t["bars_how"])
with st.expander(t["heatmaps_title"]):
    st.plotly_chart(heatmaps_figure, key="gru_step.heatmaps", config=CHART)
    how_to_read(t["heatmaps_how"])

st.subheader(t["step_title"])
st.markdown(t.format("step_word", step=step, token=lesson.tokens[step - 1], previous=step - 1))
equations = step_equations(lesson, step)
for tab, name in zip(st.tabs([t["gate_names"][name] for name in BAR_GATES]), BAR_GATES):
    with tab:
        st.markdown(t["step_explain"][name])
        for line in equations[name]:
            formula_block(line)
how_to_read(t["step_how"])

st.subheader(t["convention_title"])
st.markdown(t["convention_text"])
for equation in TUTORIAL_EQUATIONS:
    formula_block(equation)
st.markdown(t.format("convention_step", step=step))
for line in equations["hidden"] + equations["tutorial_hidden"]:
    formula_block(line)
agreement(lesson.convention_max_abs_diff, t["tutorial_update_form"])
st.plotly_chart(conventions, key="gru_step.conventions", config=CHART)
how_to_read(t["convention_how"])
st.markdown(t["reset_text"])
st.metric(t["reset_metric"], f"{lesson.reset_placement_gap:.3f}")
st.caption(t["reset_note"])

st.subheader(t["compare_title"])
st.markdown(t.format("compare_text", batch=TIMING.batch_size, steps=TIMING.seq_len, repeats=TIMING.repeats))
size_left, size_right, _ = st.columns([1, 1, 2])
with size_left:
    input_size = int(st.number_input(t["input_size"], min_value=1, max_value=512, value=CONFIG.input_size, step=1,
                                     key="gru_step.input", bind="query-params"))
with size_right:
    hidden_size = int(st.number_input(t["hidden_size"], min_value=1, max_value=512, value=CONFIG.hidden_size,
                                      step=1, key="gru_step.hidden", bind="query-params"))
device = str(select_device())
if st.button(t["measure_again"], key="gru_step.measure"):
    timing.clear()
measured = {kind: (facts(kind, input_size, hidden_size), timing(kind, input_size, hidden_size, device))
            for kind in KINDS}
rows = t["compare_rows"]
size = {"H": hidden_size, "D": input_size}


def formula_text(fact: CellFacts) -> str:
    return t.format("formula_cell", G=fact.gate_blocks, count=fact.formula_parameters, **size)


st.dataframe(pd.DataFrame({
    rows["property"]: [rows[name] for name in ("gates", "states", "parameters", "formula", "forward", "backward")],
    **{
        t["kind_names"][kind]: [
            str(fact.gates), t["state_names"][kind].format(count=fact.states), f"{fact.parameters:,}",
            formula_text(fact), f"{clock.forward_ms:.3f}", f"{clock.backward_ms:.3f}",
        ]
        for kind, (fact, clock) in measured.items()
    },
}), hide_index=True, key="gru_step.compare")
lstm_fact, lstm_clock = measured["lstm"]
gru_fact, gru_clock = measured["gru"]
st.caption(t.format(
    "compare_ratio", parameters=gru_fact.parameters / lstm_fact.parameters,
    forward=gru_clock.forward_ms / lstm_clock.forward_ms, backward=gru_clock.backward_ms / lstm_clock.backward_ms,
    device=describe_device(select_device()),
))
st.markdown(t["compare_note"])
device_note("cpu")  # the lesson's tiny model runs on the CPU whatever the machine has
