"""Lesson 6: a real torch.nn.GRU(3, 4) read step by step, its two conventions, and a measured LSTM vs GRU table."""

import pandas as pd
import streamlit as st

from core.device import describe_device, select_device
from core.figures.gru_step import conventions_figure, gru_cell_figure
from core.lessons.cell_comparison import CellComparison, CellFacts, CellTiming, TimingConfig, time_cell
from core.lessons.gru_step import (
    DEFAULT_SENTENCE, EQUATIONS, TUTORIAL_EQUATIONS, GRUStepConfig, GRUWalkthrough, step_equations,
)
from core.lessons.shared_results import cell_sizes_facts, gru_walkthrough
from pages.kit.chart import cached_figures, chart
from pages.kit.check_yourself import check_yourself
from pages.kit.gate_lesson import GateLesson, gate_lesson
from pages.kit.i18n import language, texts
from pages.kit.layout import agreement, deeper, device_note, formula_block, how_to_read
from pages.kit.shared_view import shared
from pages.kit.url_values import whole_number_input

t = texts("gru_step")
CONFIG = GRUStepConfig()
TIMING = TimingConfig()
KINDS = ("lstm", "gru")


def compute(sentence: str, seed: int, trained: bool = False) -> GRUWalkthrough:
    """The walkthrough, from the core cache the Check-yourself questions read too (computed once per sentence)."""
    return gru_walkthrough(sentence, int(seed), bool(trained))


def facts(kind: str, input_size: int, hidden_size: int) -> CellFacts:
    """One column of the table, from the core cache the questions read at the default sizes."""
    return cell_sizes_facts(kind, int(input_size), int(hidden_size))


@st.cache_data(max_entries=64, show_spinner=False)
def timing(kind: str, input_size: int, hidden_size: int, device: str) -> CellTiming:
    """Measured once per sizes and device: the first view of a size pays ~0.1 s, later views nothing."""
    return time_cell(kind, input_size, hidden_size, TIMING.batch_size, TIMING.seq_len, TIMING.repeats, device=device)


@cached_figures(max_entries=32)
def conventions(sentence: str, seed: int, trained: bool, lang: str):
    """Torch's and the tutorial's update convention on the same trace: the same for every step."""
    words, lesson = texts("gru_step", lang), compute(sentence, seed, trained)
    return conventions_figure(lesson.hidden, lesson.tutorial_hidden, lesson.gates["update"], lesson.tutorial_update,
                              lesson.tokens, {**words["convention_labels"], "unit": words["unit"]})


def size_input(label: str, key: str, default: int) -> int:
    return whole_number_input(label, shared(f"gru_step.{key}"), 1, 512, default)


LESSON = GateLesson(
    page="gru_step", kind="gru", reference="torch.nn.GRU", default_sentence=DEFAULT_SENTENCE, max_tokens=CONFIG.max_tokens,
    input_size=CONFIG.input_size, hidden_size=CONFIG.hidden_size, equations=EQUATIONS,
    gates=("reset", "update", "new", "hidden"), walkthrough=compute, cell_figure=gru_cell_figure,
    step_equations=step_equations,
)


def convention_section(lesson: GRUWalkthrough, sentence: str, seed: int, trained: bool, step: int) -> None:
    """Torch's and the tutorial's update at the chosen step: drawn inside the lesson's step fragment (it follows the
    slider)."""
    st.subheader(t["convention_title"])
    st.markdown(t["convention_text"])
    for equation in TUTORIAL_EQUATIONS:
        formula_block(equation)
    st.markdown(t.format("convention_step", step=step))
    equations = step_equations(lesson, step)
    for line in equations["hidden"] + equations["tutorial_hidden"]:
        formula_block(line)
    chart(conventions(sentence, seed, trained, language()), "gru_step.conventions")
    how_to_read(t["convention_how"])
    with deeper():  # the agreement check and where torch puts the reset gate are bookkeeping
        agreement(lesson.convention_max_abs_diff, t["tutorial_update_form"])
        st.markdown(t["reset_text"])
        st.metric(t["reset_metric"], f"{lesson.reset_placement_gap:.3f}")
        st.caption(t["reset_note"])


lesson, sentence, seed, trained = gate_lesson(LESSON, after_step=convention_section)

st.subheader(t["compare_title"])
st.markdown(t.format("compare_text", batch=TIMING.batch_size, steps=TIMING.seq_len, repeats=TIMING.repeats))
size_left, size_right, _ = st.columns([1, 1, 2])
with size_left:
    input_size = size_input(t["input_size"], "input", CONFIG.input_size)
with size_right:
    hidden_size = size_input(t["hidden_size"], "hidden", CONFIG.hidden_size)
device = str(select_device())
if st.button(t["measure_again"], key="gru_step.measure"):
    timing.clear()
measured = {kind: (facts(kind, input_size, hidden_size), timing(kind, input_size, hidden_size, device))
            for kind in KINDS}
comparison = CellComparison(lstm=measured["lstm"][0], gru=measured["gru"][0], lstm_timing=measured["lstm"][1],
                            gru_timing=measured["gru"][1])
rows = t["compare_rows"]


def formula_text(fact: CellFacts) -> str:
    return t.format("formula_cell", G=fact.gate_blocks, count=fact.formula_parameters, H=hidden_size, D=input_size)


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
st.caption(t.format("compare_ratio", parameters=comparison.parameter_ratio, forward=comparison.forward_ratio,
                    backward=comparison.backward_ratio, device=describe_device(select_device())))
st.markdown(t["compare_note"])
device_note("cpu")  # the lesson's tiny model runs on the CPU whatever the machine has

check_yourself("gru_step", sentence, seed, trained)
