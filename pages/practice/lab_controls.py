"""The lab's settings panel: every control shareable through the URL in language-neutral values, and Reset.

Number, slider and toggle controls are bound to the URL by Streamlit (their values are numbers and ``true``); the
option controls (task, optimizer, initialisation, cells) carry codes through :mod:`pages.kit.url_choices`.
Reset puts every control back through ``st.session_state`` — the one way Streamlit lets a bound control change —
which also takes its parameter out of the URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import streamlit as st

from core.lab.config import CELLS, INITS, OPTIMIZERS, LabConfig, record_every_for
from core.lab.tasks import MAX_SEQ_LEN, MIN_SEQ_LEN, TASKS
from pages.kit.i18n import LANGUAGES, Texts, texts
from pages.kit.url_choices import forget, label_aliases, publish, seed_choice, seed_choices
from pages.kit.shared_view import shared
from pages.kit.url_values import whole_number_input

DEFAULTS = LabConfig()
HIDDEN_SIZES = (8, 16, 32, 64, 128)
LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
STEP_CHOICES = (100, 200, 300, 500, 800, 1000, 1500, 2000, 3000, 5000)
# Bound to the URL by Streamlit: key -> default.
BOUND = {
    "lab.seq_len": DEFAULTS.seq_len, "lab.hidden_size": DEFAULTS.hidden_size,
    "lab.learning_rate": DEFAULTS.learning_rate, "lab.clip": DEFAULTS.clip,
    "lab.clip_threshold": DEFAULTS.clip_threshold, "lab.steps": DEFAULTS.steps, "lab.seed": DEFAULTS.seed,
}
# Carried as codes by url_choices: key -> (options, default, text table of their labels).
CODED = {
    "lab.task": (TASKS, DEFAULTS.task, "tasks"),
    "lab.optimizer": (OPTIMIZERS, DEFAULTS.optimizer, "optimizers"),
    "lab.init": (INITS, DEFAULTS.init, "inits"),
}
CELLS_KEY = "lab.cells"


@dataclass(frozen=True)
class LabSettings:
    """What the panel shows now, and which button was pressed."""

    config: LabConfig | None  # None: these settings cannot run (``problem`` says why)
    problem: str | None
    start: bool
    stop: bool


def reset_controls() -> None:
    """Every control back to its default (call from a button's ``on_click``, before the widgets are drawn)."""
    for key, default in BOUND.items():
        st.session_state[key] = default
    for key, (_, default, _) in CODED.items():
        st.session_state[key] = default
    st.session_state[CELLS_KEY] = list(DEFAULTS.cells)
    forget([*CODED, CELLS_KEY])


def _seed_coded_controls() -> None:
    every_language = [texts("lab", lang) for lang in LANGUAGES]
    for key, (options, default, table) in CODED.items():
        seed_choice(key, options, default, label_aliases(words[table] for words in every_language))
    seed_choices(CELLS_KEY, CELLS, DEFAULTS.cells, label_aliases(words["cell_names"] for words in every_language))


def settings_panel(t: Texts, seed_label: str, live: bool, on_reset: Callable[[], None]) -> LabSettings:
    """Draw the panel; the settings as a :class:`LabConfig` (validated by core) and the buttons pressed."""
    _seed_coded_controls()
    with st.container(border=True):
        st.subheader(t["settings"])
        first, second, third, fourth = st.columns(4)
        task = first.selectbox(t["task"], TASKS, format_func=t["tasks"].get, help=t["task_help"], key="lab.task")
        seq_len = second.slider(t["seq_len"], MIN_SEQ_LEN, MAX_SEQ_LEN, DEFAULTS.seq_len, help=t["seq_len_help"],
                                key=shared("lab.seq_len"), bind="query-params")
        hidden_size = third.select_slider(t["hidden_size"], HIDDEN_SIZES, value=DEFAULTS.hidden_size,
                                          key=shared("lab.hidden_size"), bind="query-params")
        cells = fourth.pills(t["cells"], CELLS, selection_mode="multi", format_func=t["cell_names"].get,
                             key=CELLS_KEY) or []
        first, second, third, fourth = st.columns(4)
        optimizer = first.selectbox(t["optimizer"], OPTIMIZERS, format_func=t["optimizers"].get, key=shared("lab.optimizer"))
        learning_rate = second.select_slider(t["learning_rate"], LEARNING_RATES, value=DEFAULTS.learning_rate,
                                             format_func=lambda v: f"{v:g}", key=shared("lab.learning_rate"),
                                             bind="query-params")
        clip = third.toggle(t["clip"], value=DEFAULTS.clip, help=t["clip_help"], key=shared("lab.clip"),
                            bind="query-params")
        clip_threshold = fourth.number_input(t["clip_threshold"], min_value=0.01, max_value=100.0,
                                             value=DEFAULTS.clip_threshold, step=0.5, disabled=not clip,
                                             key=shared("lab.clip_threshold"), bind="query-params")
        first, second, third, _ = st.columns(4)
        init = first.selectbox(t["init"], INITS, format_func=t["inits"].get, help=t["init_help"], key=shared("lab.init"))
        steps = second.select_slider(t["steps"], STEP_CHOICES, value=DEFAULTS.steps, key=shared("lab.steps"),
                                     bind="query-params")
        seed = whole_number_input(seed_label, shared("lab.seed"), 0, 99_999, DEFAULTS.seed, container=third)
        for key, value in (("lab.task", task), ("lab.optimizer", optimizer), ("lab.init", init)):
            publish(key, value, CODED[key][1])
        publish(CELLS_KEY, cells, list(DEFAULTS.cells))

        buttons = st.columns([1, 1, 1, 5])
        start = buttons[0].button(t["start"], type="primary", key="lab.start", disabled=live or not cells)
        stop = buttons[1].button(t["stop"], key="lab.stop", disabled=not live)
        buttons[2].button(t["reset"], key="lab.reset", on_click=on_reset)
        if not cells:
            st.warning(t["no_cells"])
    try:
        config = LabConfig(task=task, seq_len=seq_len, hidden_size=hidden_size, learning_rate=learning_rate,
                           optimizer=optimizer, clip=clip, clip_threshold=float(clip_threshold), init=init,
                           steps=steps, cells=tuple(c for c in CELLS if c in cells), seed=seed,
                           record_every=record_every_for(steps))
    except ValueError as error:
        return LabSettings(config=None, problem=str(error), start=start, stop=stop)
    return LabSettings(config=config, problem=None, start=start, stop=stop)
