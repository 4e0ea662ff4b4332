"""Lesson 8: many-to-one, one-to-many, many-to-many, seq2seq and bidirectional, each run and animated."""

import pandas as pd
import streamlit as st

from core.figures.architectures import ArchitectureLabels, architecture_figure
from core.lessons.architectures import ARCHITECTURES, ArchitectureRun, run_architecture
from core.sequence_input import split_tokens
from pages.kit.i18n import language, texts
from pages.kit.layout import agreement, device_note, how_to_read, page_header

t = texts("architectures")
common = texts("common")


@st.cache_data(max_entries=64, show_spinner=False)
def compute(kind: str, tokens: tuple[str, ...], seed: int, labels: tuple[str, ...]) -> ArchitectureRun:
    return run_architecture(kind, tokens, seed, labels)


@st.cache_resource(max_entries=32, show_spinner=False)
def figure(kind: str, tokens: tuple[str, ...], seed: int, lang: str):
    """The animated figure; cached per view (building 5–70 frames costs more than the model)."""
    labels = tuple(t["labels"][kind])
    run = compute(kind, tokens, seed, labels)
    return architecture_figure(run, ArchitectureLabels(
        frame_captions=tuple(caption(run, reveal) for reveal in run.reveals),
        band_names=(t["bands"]["forward"], t["bands"]["backward"]) if run.bands == 2 else (t["bands"]["hidden"],),
        input_row=t["input_row"], output_row=t["output_row"], unit=t["unit"], probability=t["probability"],
        divider=t["divider"], play=common["play"], pause=common["pause"], step=t["frame"],
    ))


def shape_text(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(size) for size in shape) + ")"


def caption(run: ArchitectureRun, reveal) -> str:
    """One frame's title: the step, the token it reads, the shape of what it made, the label it emits."""
    column = reveal.column
    step = column + 1 - (run.divider or 0) if run.divider is not None and column >= run.divider else column + 1
    return t["stages"].format(reveal.stage, step=step, token=run.input_labels[column], shape=shape_text(reveal.shape),
                              label=run.output_labels[column])


page_header(t)
sentence = st.text_input(common["sentence"], value=t["default_sentence"], key="architectures.text",
                         bind="query-params", max_chars=200)
left, right = st.columns([3, 1])
with left:
    kind = st.segmented_control(t["architecture"], options=list(ARCHITECTURES), format_func=t["names"].get,
                                default=ARCHITECTURES[0], required=True, key="architectures.view",
                                bind="query-params")
with right:
    seed = int(st.number_input(common["seed"], min_value=0, max_value=99_999, value=0, step=1,
                               key="architectures.seed", bind="query-params"))

tokens = tuple(split_tokens(sentence or ""))
if not tokens:
    st.warning(t["empty"])
    st.stop()

labels = tuple(t["labels"][kind])
run = compute(kind, tokens, seed, labels)
st.markdown(t["explain"][kind])
st.plotly_chart(figure(kind, tokens, seed, language()), key="architectures.figure", config={"displaylogo": False})
how_to_read(t["how_to_read"])
agreement(run.max_abs_diff, run.reference)
st.info(t["untrained"])

shapes, emitted = st.columns([3, 2])
with shapes:
    st.markdown(f"**{t['shapes_title']}**")
    st.table(pd.DataFrame({t["stage_column"]: [t["shapes"][stage] for stage, _ in run.shapes],
                           t["shape_column"]: [shape_text(shape) for _, shape in run.shapes]}), hide_index=True)
with emitted:
    st.markdown(f"**{t['emitted_title']}**")
    columns = [column for column, label in enumerate(run.output_labels) if label]
    st.dataframe(pd.DataFrame({
        t["position_column"]: [column + 1 for column in columns],
        t["reads_column"]: [run.input_labels[column] for column in columns],
        t["emits_column"]: [run.output_labels[column] for column in columns],
        t["probability_column"]: [float(run.output_probability[column]) for column in columns],
    }), hide_index=True, key="architectures.emitted")
device_note("cpu")  # these one-sentence models are tiny and always run on the CPU (core.lessons.architectures)
