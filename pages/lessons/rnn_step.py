"""Lesson 2: one real torch.nn.RNN(3, 4) read step by step over a typed sentence, every product with its numbers."""

import pandas as pd
import streamlit as st

from core.escape import markdown_text
from core.figures.rnn_step import StepFigureLabels, matrix_heatmap, step_terms_figure
from core.figures.folded import FOLDED_FIELDS, FoldedLabels, folded_figure
from core.figures.player import without_player
from core.figures.unrolled import UnrolledLabels, unrolled_figure
from core.lessons.rnn_step import (
    DEFAULT_SENTENCE, EQUATIONS, RNNStepConfig, RNNStepLesson, biases_latex, step_equations,
)
from core.lessons.shared_results import rnn_step_lesson
from pages.kit.chart import cached_figures, chart
from pages.kit.check_yourself import check_yourself
from pages.kit.i18n import language, texts
from pages.kit.labels import player_labels
from pages.kit.lesson_controls import sentence_controls, step_slider
from pages.kit.layout import (agreement, deeper, device_note, formula_block, formula_group, how_to_read,
                              page_header)
from pages.kit.messages import run_or_stop, truncated, untrained
from pages.kit.presenter import folded, formula_area, inside, key_area, key_view, presenting
from pages.kit.trained_switch import default_sentence, model_card, show_verb_evidence, trained_switch

t = texts("rnn_step")
CONFIG = RNNStepConfig()


def compute(sentence: str, seed: int, trained: bool = False) -> RNNStepLesson:
    """The lesson's run, from the core cache the Check-yourself questions read too (computed once per sentence)."""
    return rnn_step_lesson(sentence, int(seed), bool(trained))


@cached_figures(max_entries=32)
def animations(sentence: str, seed: int, trained: bool, step: int, lang: str):
    """The two figures of one step's view, at that step. They have no player of their own: the page's slider,
    ←/→ and Play (and a lecture) move the figures and the formulas together."""
    words, lesson, player = texts("rnn_step", lang), compute(sentence, seed, trained), player_labels(lang)
    unrolled = unrolled_figure(
        lesson.tokens, lesson.inputs, lesson.hidden, lesson.outputs, step=step,
        labels=UnrolledLabels(player=player, cell=words["cell_label"], initial_state=words["h0_label"]),
    )
    terms = step_terms_figure(
        lesson.from_input, lesson.from_hidden, lesson.bias_hidden, lesson.pre_hidden, lesson.hidden,
        lesson.outputs, lesson.tokens, step=step,
        labels=StepFigureLabels(player=player, unit=words["unit"], **words["terms"]),
    )
    return without_player(unrolled), without_player(terms)


@cached_figures(max_entries=32)
def heatmaps(sentence: str, seed: int, trained: bool, lang: str):
    words, lesson = texts("rnn_step", lang), compute(sentence, seed, trained)

    def title(key, matrix) -> str:  # the shape in the title is read off the matrix drawn under it
        return words.format(key, rows=matrix.shape[0], columns=matrix.shape[1])

    return (
        matrix_heatmap(lesson.weight_input, title("weight_input_title", lesson.weight_input), "h", "x", "W_xh"),
        matrix_heatmap(lesson.weight_hidden, title("weight_hidden_title", lesson.weight_hidden), "h", "h", "W_hh"),
        matrix_heatmap(lesson.weight_output, title("weight_output_title", lesson.weight_output), "y", "h", "W_hy"),
    )


@cached_figures(max_entries=4)
def folded_picture(lang: str):
    """The folded loop, one per language (drawn on every run of the page: building it was a third of a re-run)."""
    folded = texts("rnn_step", lang)["folded"]
    sizes = dict(input=CONFIG.input_size, hidden=CONFIG.hidden_size, output=CONFIG.output_size)
    return folded_figure(FoldedLabels(**{name: folded[name].format(**sizes) for name in FOLDED_FIELDS}))


if presenting():
    st.title(t["title"])
top = key_area()  # on a projector the step view goes here, above the folded explanations and inputs
page_header(t, title=not presenting(), input=CONFIG.input_size, hidden=CONFIG.hidden_size, output=CONFIG.output_size)
with folded("presenter_input"):
    trained = trained_switch("rnn_step", DEFAULT_SENTENCE)
    sentence, seed = sentence_controls("rnn_step", t, default_sentence("rnn_step", DEFAULT_SENTENCE), max_chars=200)
    if trained:
        model_card("rnn")
        show_verb_evidence("rnn")

lesson = run_or_stop(compute, sentence, seed, trained)
if lesson.truncated:
    truncated(CONFIG.max_tokens)

folded = t["folded"]  # the loop first (story before math), sizes from the config
st.subheader(folded["heading"])
chart(folded_picture(language()), "rnn_step.folded")
how_to_read(folded["how"])

st.subheader(t["formulas_title"])
for equation in EQUATIONS:
    formula_block(equation)
st.markdown(t["formulas_text"])


@st.fragment
def step_view(lesson: RNNStepLesson, sentence: str, seed: int, trained: bool) -> None:
    """Everything that depends on the time step, from its slider to the step's figure. A fragment: moving the slider
    re-runs only this part, not the app shell, the controls, the weights or the shapes table (profiled under a class
    of students stepping: each full rerun re-sent every chart and element of the page)."""
    # Side by side on a projector (half each: the unrolled row is short, the sum of three vectors is long), else in
    # this order.
    figure_column, formula_column, controls = key_view(figure_share=0.5)
    with inside(controls):
        step = step_slider("rnn_step", t, lesson.seq_len)
    unrolled, terms = animations(sentence, seed, trained, step, language())

    with inside(figure_column):
        if figure_column is None:
            st.subheader(t["unrolled_title"])
        chart(unrolled, "rnn_step.unrolled")
    how_to_read(t["unrolled_how"])
    with deeper():  # the check against torch's fused module is bookkeeping: the lesson reads without it
        agreement(lesson.max_abs_diff, "torch.nn.RNN")
    if not trained:
        untrained(t["untrained_note"])

    # On a projector the recurrence itself (sum, tanh) stands beside the figure; the products and the read-out
    # follow below with the rest.
    sections = (("step_products", ("from_input", "from_hidden")), ("step_sum", ("sum",)),
                ("step_tanh", ("hidden",)), ("step_output", ("logits", "output")))
    key_sections = {"step_sum", "step_tanh"} if presenting() else {heading for heading, _ in sections}
    equations = step_equations(lesson, step)
    with formula_area(formula_column):
        if formula_column is None:  # on a projector the figure's title names the step and its token
            st.subheader(t["step_title"])
            st.markdown(t.format("step_word", step=step, token=markdown_text(lesson.tokens[step - 1]),
                                 previous=step - 1))
        for heading, names in sections:
            if heading in key_sections:
                formula_group([equations[name] for name in names], heading=f"**{t[heading]}**")
    for heading, names in sections:
        if heading not in key_sections:
            formula_group([equations[name] for name in names], heading=f"**{t[heading]}**")
    chart(terms, "rnn_step.terms")
    how_to_read(t.format("step_figure_how", hidden=CONFIG.hidden_size, outputs=CONFIG.output_size))


with inside(top):
    step_view(lesson, sentence, seed, trained)

st.subheader(t["weights_title"])
st.markdown(t["weights_text"])
for column, figure, name in zip(st.columns([3, 4, 4]), heatmaps(sentence, seed, trained, language()),
                                ("weight_input", "weight_hidden", "weight_output")):
    chart(figure, f"rnn_step.{name}", column)
how_to_read(t["weights_how"])
st.markdown(f"**{t['biases']}**")
formula_block(biases_latex(lesson))

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

check_yourself("rnn_step", sentence, seed, trained)
