"""The shared frame of the two gate lessons (5 · LSTM, 6 · GRU), top to bottom: the Trained switch and sentence
controls → the run (or the empty-input message) → equations → step slider → animated cell and gate bars (with the
trained model's gate story) → heatmaps → the chosen step written out gate by gate. Each lesson page then adds its own
sections under it, and ends with Check yourself.

Everything from the step slider down is one ``st.fragment``: moving the slider re-runs only that part (profiled under
a class of students stepping, a full rerun re-sent every chart and element of the page and ran the app shell again).
A page section that depends on the step goes into the fragment too, through ``gate_lesson(..., after_step=...)``.
On a projector (the presenter layout) the step view is drawn in the full run instead: its key view sits in a container
above the folded texts, and a fragment may not put widgets into a container outside itself (one lecturer's session,
so nothing to save there)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st

from core.escape import markdown_text
from core.figures.gates import gate_heatmaps_figure, token_gate_bars_figure
from core.figures.player import without_player
from pages.kit.chart import cached_figures, chart
from pages.kit.i18n import language, texts
from pages.kit.labels import player_labels
from pages.kit.layout import agreement, deeper, formula_group, how_to_read, page_header
from pages.kit.lesson_controls import sentence_controls, step_slider
from pages.kit.messages import run_or_stop, truncated, untrained
from pages.kit.presenter import FIGURE_HEIGHT, folded, formula_area, inside, key_area, key_view, presenting
from pages.kit.trained_switch import default_sentence, model_card, show_story, trained_switch


@dataclass(frozen=True)
class GateLesson:
    """What differs between the gate lessons; the page's texts (``assets/text/<lang>/<page>.toml``) do the rest."""

    page: str  # text table, URL path and widget-key prefix
    kind: str  # "lstm" or "gru": which trained lesson model the Trained switch loads
    reference: str  # the fused torch module the numbers are checked against, e.g. "torch.nn.LSTM"
    default_sentence: str
    max_tokens: int
    input_size: int
    hidden_size: int
    equations: tuple[str, ...]  # the cell's equations, LaTeX
    gates: tuple[str, ...]  # bars, heatmaps and step tabs, in this order: gate names, then "cell" / "hidden"
    walkthrough: Callable[[str, int, bool], Any]  # (sentence, seed, trained) -> the walkthrough; cached by the page
    cell_figure: Callable[..., Any]  # (vectors, tokens, notes, frame_title, player, step=) -> animated cell
    step_equations: Callable[[Any, int], Mapping[str, Sequence[str]]]  # (walkthrough, step) -> LaTeX lines per gate


def gate_values(lesson: Any, gates: Sequence[str]) -> dict[str, np.ndarray]:
    """(seq_len, hidden) values per name: a gate from ``lesson.gates``, a state ("cell", "hidden") from the field."""
    return {name: lesson.gates[name] if name in lesson.gates else getattr(lesson, name) for name in gates}


@cached_figures(max_entries=64)
def _animations(page: str, sentence: str, seed: int, trained: bool, step: int, lang: str, height: int,
                _spec: GateLesson):
    """The cell (``height`` px) and the bars at ``step``. They have no player of their own: the page's slider, ←/→
    and Play (and a lecture) move the figures and the formulas together."""
    lesson, words, player = _spec.walkthrough(sentence, seed, trained), texts(page, lang), player_labels(lang)
    cell = _spec.cell_figure(lesson.vectors(), lesson.tokens, words["diagram_notes"], words["frame_title"], player,
                             step=step, height=height)
    bars = token_gate_bars_figure(gate_values(lesson, _spec.gates), words["gate_names"], lesson.tokens,
                                  words["frame_title"], words["unit"], player, step=step)
    return without_player(cell), without_player(bars)


@cached_figures(max_entries=32)
def _heatmaps(page: str, sentence: str, seed: int, trained: bool, lang: str, _spec: GateLesson):
    lesson, words = _spec.walkthrough(sentence, seed, trained), texts(page, lang)
    return gate_heatmaps_figure(gate_values(lesson, _spec.gates), words["gate_names"], lesson.tokens, words["unit"])


AfterStep = Callable[[Any, str, int, bool, int], None]  # (walkthrough, sentence, seed, trained, step) -> draws


def gate_lesson(spec: GateLesson, after_step: AfterStep | None = None) -> tuple[Any, str, int, bool]:
    """Draw the shared part of a gate lesson; returns (walkthrough, sentence, seed, trained) for the page's own part.

    ``after_step`` draws the page's own step-dependent section right under the step's equations, inside the step
    fragment (so it follows the slider); the rest of the page must not depend on the step."""
    page, t = spec.page, texts(spec.page)
    if presenting():
        st.title(t["title"])
    top = key_area()  # on a projector the key view goes here, above the folded explanations and inputs
    page_header(t, input=spec.input_size, hidden=spec.hidden_size, title=not presenting())
    with folded("presenter_input"):
        trained = trained_switch(page, spec.default_sentence)
        sentence, seed = sentence_controls(page, t, default_sentence(page, spec.default_sentence))
        if trained:
            model_card(spec.kind)
    lesson = run_or_stop(spec.walkthrough, sentence, seed, trained)
    if lesson.truncated:
        truncated(spec.max_tokens)
    if top is not None:
        _step_view(spec, lesson, sentence, seed, trained, after_step, top)
    else:
        _step_fragment(spec, lesson, sentence, seed, trained, after_step)
    return lesson, sentence, seed, trained


@st.fragment
def _step_fragment(spec: GateLesson, lesson: Any, sentence: str, seed: int, trained: bool,
                   after_step: AfterStep | None) -> None:
    _step_view(spec, lesson, sentence, seed, trained, after_step, None)


def _step_view(spec: GateLesson, lesson: Any, sentence: str, seed: int, trained: bool, after_step: AfterStep | None,
               top) -> None:
    """The slider and all it drives: the animations, the equations and heatmaps between them, the step written out."""
    page, t = spec.page, texts(spec.page)
    # The picture first, then the equations it follows; the check against torch's module is bookkeeping. On a
    # projector the cell and the step's formulas (with the step slider) sit side by side under the title.
    with inside(top):
        figure_column, formula_column, controls = key_view()
        with inside(controls):
            step = step_slider(page, t, lesson.seq_len)
        height = FIGURE_HEIGHT if presenting() else 640
        cell, bars = _animations(page, sentence, seed, trained, step, language(), height, _spec=spec)
        with inside(figure_column):
            if figure_column is None:
                st.subheader(t["cell_title"])
            chart(cell, f"{page}.cell")
        if formula_column is not None:
            _step_formulas(spec, t, lesson, step, formula_column)
    how_to_read(t.format("cell_how", hidden=spec.hidden_size, input_size=spec.input_size))

    st.subheader(t["equations_title"])
    formula_group(spec.equations)
    st.markdown(t["equations_text"])
    with deeper():
        agreement(lesson.max_abs_diff, spec.reference)
    if trained:
        show_story(spec.kind, sentence, spec.max_tokens)
    else:
        untrained(t["untrained_note"])
    st.subheader(t["bars_title"])
    chart(bars, f"{page}.bars")
    how_to_read(t["bars_how"])
    with st.expander(t["heatmaps_title"]):
        chart(_heatmaps(page, sentence, seed, trained, language(), _spec=spec), f"{page}.heatmaps")
        how_to_read(t["heatmaps_how"])

    if formula_column is None:
        _step_formulas(spec, t, lesson, step, formula_area())
    how_to_read(t["step_how"])
    if after_step is not None:
        after_step(lesson, sentence, seed, trained, step)


def _step_formulas(spec: GateLesson, t, lesson: Any, step: int, area) -> None:
    """The chosen step written out gate by gate, one tab a gate (on a projector without the explanations)."""
    with area:
        if not presenting():
            st.subheader(t["step_title"])
        st.markdown(t.format("step_word", step=step, token=markdown_text(lesson.tokens[step - 1]),
                             previous=step - 1))
        equations = spec.step_equations(lesson, step)
        for tab, name in zip(st.tabs([t["gate_names"][name] for name in spec.gates]), spec.gates):
            with tab:
                # On a projector only the gate's own line, so it fits beside the cell; the products W·x and
                # W·h that lead to it are shown in the ordinary layout only.
                formula_group(equations[name][-1:] if presenting() else equations[name],
                              heading=None if presenting() else t["step_explain"][name])
