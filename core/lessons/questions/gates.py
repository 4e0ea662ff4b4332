"""Questions for lessons 5–6: the LSTM and the GRU, on the page's sentence, seed and Trained switch."""

from __future__ import annotations

import copy

import numpy as np
import torch

from core.lessons import gru_step as gru_lesson
from core.lessons import lstm_step as lstm_lesson
from core.lessons.questions import Question, fixed, number_choices
from core.lessons.shared_results import cell_sizes_facts, gru_walkthrough, lstm_walkthrough
from core.lessons.trained.grammar import DEFAULT_SENTENCE as TRAINED_SENTENCE
from core.lessons.trained.load import trained_model
from core.lessons.trained.story import new_subject_step
from core.trace import trace
from core.weights import GATE_ORDER

FORGET_BIAS = 2.0  # what the learner adds to the forget-gate bias before predicting its effect


def _sentence(sentence: str | None, default: str) -> str:
    return sentence if sentence and sentence.strip() else default


def _lstm(seed: int, trained: bool, forget_bias: float) -> torch.nn.LSTM:
    """The lesson's LSTM (seeded or the trained one, copied so the shared model is never changed), bias added."""
    if not trained:
        return lstm_lesson.build_lstm(seed, forget_bias=forget_bias)
    module = copy.deepcopy(trained_model("lstm").recurrent)
    rows = slice(GATE_ORDER["lstm"].index("forget") * module.hidden_size,
                 (GATE_ORDER["lstm"].index("forget") + 1) * module.hidden_size)
    with torch.no_grad():
        module.bias_ih_l0[rows] += forget_bias
    return module


def lstm_step(sentence: str | None, seed: int, trained: bool = False, **_) -> tuple[Question, ...]:
    sentence = _sentence(sentence, TRAINED_SENTENCE if trained else lstm_lesson.DEFAULT_SENTENCE)
    lesson = lstm_walkthrough(sentence, int(seed), bool(trained))  # the page's own walkthrough
    subject = new_subject_step(lesson.tokens) if trained else None
    step = subject[0] if subject else lesson.seq_len - 1  # 0-based: the new subject, or the last word
    forget = lesson.gates["forget"][step]  # (H,)
    units = tuple(str(unit) for unit in range(len(forget)))
    wipe = Question(
        id="lstm_step.smallest_forget", lesson="lstm_step", choices=units, choices_are_keys=False,
        correct=int(np.argmin(forget)),
        facts=(("step", str(step + 1)), ("token", lesson.tokens[step]),
               ("forget", ", ".join(fixed(3)(value) for value in forget)),
               ("cell_before", ", ".join(fixed(2)(value) for value in lesson.previous_cell[step])),
               ("cell_after", ", ".join(fixed(2)(value) for value in lesson.cell[step]))),
    )

    module = lstm_lesson.build_lstm(seed)
    count = sum(parameter.numel() for parameter in module.parameters())
    hidden, inputs = module.hidden_size, module.input_size
    choices, index = number_choices(count, (4 * hidden * (inputs + hidden + 1), hidden * (inputs + hidden + 2),
                                            3 * hidden * (inputs + hidden + 2)), str)
    parameters = Question(
        id="lstm_step.parameters", lesson="lstm_step", choices=choices, choices_are_keys=False, correct=index,
        facts=(("input", str(inputs)), ("hidden", str(hidden)), ("count", str(count))),
    )

    inputs_x = torch.from_numpy(lesson.inputs)  # (T, D): the very vectors the lesson read
    with torch.no_grad():
        before = float(trace(_lstm(seed, trained, 0.0), inputs_x).gate("forget").mean())
        after = float(trace(_lstm(seed, trained, FORGET_BIAS), inputs_x).gate("forget").mean())
    change = ("rises", "falls", "unchanged")
    bias = Question(
        id="lstm_step.forget_bias", lesson="lstm_step", choices=change, choices_are_keys=True,
        correct=0 if after > before + 1e-6 else 1 if after < before - 1e-6 else 2,
        facts=(("bias", fixed(1)(FORGET_BIAS)), ("before", fixed(3)(before)), ("after", fixed(3)(after))),
    )
    return wipe, parameters, bias


def gru_step(sentence: str | None, seed: int, trained: bool = False, **_) -> tuple[Question, ...]:
    sentence = _sentence(sentence, TRAINED_SENTENCE if trained else gru_lesson.DEFAULT_SENTENCE)
    lesson = gru_walkthrough(sentence, int(seed), bool(trained))  # the page's own walkthrough
    sizes = gru_lesson.GRUStepConfig()
    lstm = cell_sizes_facts("lstm", sizes.input_size, sizes.hidden_size)  # the page's table at its default sizes
    gru = cell_sizes_facts("gru", sizes.input_size, sizes.hidden_size)
    saved = lstm.parameters - gru.parameters
    choices, index = number_choices(saved, (lstm.parameters // 4, gru.parameters, lstm.parameters), str)
    fewer = Question(
        id="gru_step.saved_parameters", lesson="gru_step", choices=choices, choices_are_keys=False, correct=index,
        facts=(("input", str(sizes.input_size)), ("hidden", str(sizes.hidden_size)), ("lstm", str(lstm.parameters)),
               ("gru", str(gru.parameters)), ("saved", str(saved))),
    )

    last = lesson.seq_len - 1
    update = lesson.gates["update"][last]  # (H,)
    unit = int(np.argmax(np.abs(update - 0.5)))  # the unit whose gate leans hardest one way
    kept, written = float(lesson.kept[last, unit]), float(lesson.written[last, unit])
    mix = Question(
        id="gru_step.update_mix", lesson="gru_step", choices=("old_state", "new_state"), choices_are_keys=True,
        correct=int(abs(written) > abs(kept)),
        facts=(("unit", str(unit)), ("step", str(last + 1)), ("z", fixed(2)(float(update[unit]))),
               ("kept", fixed(3)(kept)), ("written", fixed(3)(written)),
               ("hidden", fixed(3)(float(lesson.hidden[last, unit])))),
    )

    z = float(update[unit])
    tutorial = float(lesson.tutorial_update[last, unit])
    choices, index = number_choices(tutorial, (z, z / 2, (1 + z) / 2), fixed(2))
    convention = Question(
        id="gru_step.tutorial_update", lesson="gru_step", choices=choices, choices_are_keys=False, correct=index,
        facts=(("unit", str(unit)), ("step", str(last + 1)), ("z", fixed(2)(z)), ("tutorial_z", fixed(2)(tutorial))),
    )
    return fewer, mix, convention
