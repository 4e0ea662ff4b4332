"""Lesson 8: many-to-one, one-to-many, many-to-many, seq2seq and bidirectional, each run and animated."""

import pandas as pd
import streamlit as st

from core.figures.architectures import ArchitectureLabels, architecture_figure
from core.idle_cache import idle_cache
from core.lessons.architectures import ARCHITECTURES, ArchitectureRun, run_architecture
from core.lessons.architectures_trained import TRAINED_ARCHITECTURES, trained_architecture
from core.sequence_input import split_tokens
from pages.kit.chart import cached_figures, chart
from pages.kit.check_yourself import check_yourself
from pages.kit.i18n import language, texts
from pages.kit.labels import figure_labels, player_labels
from pages.kit.layout import agreement, deeper, device_note, how_to_read, page_header
from pages.kit.lesson_controls import seed_input, sentence_box
from pages.kit.messages import empty_input, untrained
from pages.kit.shared_view import shared
from pages.kit.trained_switch import default_sentence, model_card, trained_switch
from pages.kit.url_choices import coded_option, translated_aliases

t = texts("architectures")


@idle_cache(max_entries=64, copy=True)
def compute(kind: str, tokens: tuple[str, ...], seed: int, labels: tuple[str, ...], trained: bool = False) -> ArchitectureRun:
    """The seeded random model, or (trained) the shipped agreement LSTM wired as ``kind``: its labels are its own."""
    return trained_architecture(kind, tokens) if trained else run_architecture(kind, tokens, seed, labels)


@cached_figures(max_entries=32)
def figure(kind: str, tokens: tuple[str, ...], seed: int, lang: str, trained: bool = False):
    """The animated figure; cached per view (building 5–70 frames costs more than the model)."""
    labels = tuple(t["labels"][kind])
    run = compute(kind, tokens, seed, labels, trained)
    return architecture_figure(run, figure_labels(
        ArchitectureLabels, t, frame_captions=tuple(caption(run, reveal) for reveal in run.reveals),
        band_names=(t["bands"]["forward"], t["bands"]["backward"]) if run.bands == 2 else (t["bands"]["hidden"],),
        player=player_labels(lang, step_prefix=t["frame"]),
    ))


def shape_text(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(size) for size in shape) + ")"


def caption(run: ArchitectureRun, reveal) -> str:
    """One frame's title: the step, the token it reads, the shape of what it made, the label it emits."""
    column = reveal.column
    return t["stages"].format(reveal.stage, step=run.step_of(column), token=run.input_labels[column],
                              shape=shape_text(reveal.shape), label=run.output_labels[column])


page_header(t)
sentence = sentence_box("architectures", default_sentence("architectures", t["default_sentence"]), max_chars=200)
left, right = st.columns([3, 1])
with left:
    kind = coded_option(st.segmented_control, shared("architectures.view"), list(ARCHITECTURES), ARCHITECTURES[0],
                        translated_aliases("architectures", lambda words: {code: words["names"][code]
                                                                            for code in ARCHITECTURES}),
                        label=t["architecture"], format_func=t["names"].get, required=True)
with right:
    seed = seed_input("architectures")
trained = False
if kind in TRAINED_ARCHITECTURES:  # the agreement model reads and labels every word: it is these two wirings
    trained = trained_switch("architectures", t["default_sentence"])
else:
    st.caption(t["trained_none"])

tokens = tuple(split_tokens(sentence))
if not tokens:
    empty_input()

labels = tuple(t["labels"][kind])
run = compute(kind, tokens, seed, labels, trained)
if trained:
    model_card("lstm")
st.markdown(t["explain"][kind])
chart(figure(kind, tokens, seed, language(), trained), "architectures.figure")
how_to_read(t["how_to_read"])
with deeper():  # the step-by-step trace against the fused module: bookkeeping
    agreement(run.max_abs_diff, run.reference)
if trained:
    st.caption(t["trained_note"][kind])
else:
    untrained(t["untrained_note"])

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

applications = t["applications"]  # the application map; the chosen architecture's row is marked
st.subheader(applications["heading"])
st.dataframe(pd.DataFrame({
    applications["architecture"]: [("▶ " if row["code"] == kind else "") + t["names"][row["code"]]
                                   for row in applications["rows"]],
    **{applications[column]: [row[column] for row in applications["rows"]] for column in ("task", "input", "output")},
}), hide_index=True, key="architectures.applications")
st.caption(applications["note"])

check_yourself("architectures")
