r"""The tutorial's gate story, read off the trained model's own trace: which units, which steps.

The tutorial says an LSTM, on a new subject, should *forget the old subject, store the new one, and output what
the next word needs*. On the trained agreement model (:mod:`core.lessons.trained`) each clause of that sentence is
a measurable event, found here by arg-max / arg-min over the trace, never typed in:

* **new subject** (step s): the last noun whose number differs from the noun before it (else the last noun);
* **forget**: the unit with the smallest keep value at s: the LSTM's forget gate ``f_s`` (0 wipes ``C_{s-1}``), or
  the GRU's update gate ``z_s`` (torch's ``z`` weights the OLD state, so a small ``z`` replaces it);
* **store**: the unit that writes the most at s: largest ``|i_s ⊙ C̃_s|`` (LSTM) or ``|(1 - z_s) ⊙ n_s|`` (GRU);
* **hold**: the forgetting unit's state (the LSTM's cell ``C``, the GRU's ``h``) right after the old subject and
  right before the new one: what it carried across the fillers, and what it holds once the new subject is in;
* **output**: at the last step T, the unit whose ``h_T`` moves the readout most toward the verb it picks,
  ``argmax_j ± (W_hy[were] − W_hy[was])_j · h_T[j]`` (+ for "were", − for "was"), with the output gate ``o_T``
  there (LSTM).

Steps are 1-based like t; units are 0-based like the tensors and the lessons' charts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.lessons.trained.grammar import LABELS, NO_LABEL, labels_of, noun_number
from core.lessons.trained.load import trained_model
from core.sequence_input import split_tokens
from core.trace import trace

STORY_KINDS = ("lstm", "gru")


@dataclass(frozen=True)
class StoryMoment:
    """One unit at one step, and the value the story quotes there."""

    step: int  # t, 1-based
    token: str  # the word read at that step
    unit: int  # 0-based, like the charts
    value: float


@dataclass(frozen=True)
class GateStory:
    """The three clauses of the gate story on one sentence, with the numbers that prove each."""

    kind: str  # "lstm" or "gru"
    tokens: tuple[str, ...]
    previous_subject_step: int | None  # the old subject's step, None when the new subject is the first noun
    forget: StoryMoment  # smallest keep value at the new subject: f_s (LSTM) or z_s (GRU)
    store: StoryMoment  # largest write at the new subject; value = i_s (LSTM) or 1 − z_s (GRU) of that unit
    written: float  # what that unit writes there: i_s ⊙ C̃_s (LSTM) or (1 − z_s) ⊙ n_s (GRU)
    carried_from: float | None  # forget unit's state (C or h) at the old subject's step; None without one
    carried_to: float | None  # the same unit's state one step before the new subject; None without an old subject
    replaced_by: float  # the same unit's state at the new subject's step
    output: StoryMoment  # the unit that drives the last prediction; value = o_T (LSTM) or h_T (GRU)
    contribution: float  # that unit's share of the logit gap toward the picked verb, ± (W_hy[were] − W_hy[was])_j h_T[j]
    verb: str  # the verb the model picks at the last step
    verb_probability: float  # ŷ_T of that verb
    needed: str  # the verb the grammar needs there

    @property
    def subject_step(self) -> int:
        return self.forget.step

    @property
    def correct(self) -> bool:
        return self.verb == self.needed


def new_subject_step(tokens: tuple[str, ...]) -> tuple[int, int | None] | None:
    """(s, previous noun's step or None), 0-based; s is the last noun whose number changed. None without nouns."""
    nouns = [(index, noun_number(token)) for index, token in enumerate(tokens) if noun_number(token) is not None]
    if not nouns:
        return None
    for position in range(len(nouns) - 1, 0, -1):
        if nouns[position][1] != nouns[position - 1][1]:
            return nouns[position][0], nouns[position - 1][0]
    return nouns[-1][0], (nouns[-2][0] if len(nouns) > 1 else None)


def gate_story(kind: str, sentence: str, max_tokens: int = 16) -> GateStory | None:
    """The gate story of the trained ``kind`` model on ``sentence``; None when it has no noun of the grammar."""
    if kind not in STORY_KINDS:
        raise ValueError(f"gate stories need gates: kind must be one of {STORY_KINDS}, got {kind!r}")
    tokens = tuple(split_tokens(sentence, max_tokens=max_tokens))
    found = new_subject_step(tokens)
    if found is None:
        return None
    subject, previous = found
    model = trained_model(kind)
    with torch.no_grad():
        traced = trace(model.recurrent, model.embed(tokens))
        gates = {name: traced.gate(name).numpy() for name in traced.gates}  # each (T, H)
        probabilities = torch.softmax(model.readout(traced.gate("hidden")), dim=-1).numpy()  # (T, 2)
        readout_gap = (model.readout.weight[1] - model.readout.weight[0]).numpy()  # (H,)

    if kind == "lstm":
        keep = gates["forget"]  # (T, H)
        gate_written, written = gates["input"], gates["input"] * gates["candidate"]
    else:
        keep = gates["update"]  # torch's z keeps the old state
        gate_written, written = 1 - gates["update"], (1 - gates["update"]) * gates["new"]

    def moment(step: int, unit: int, values: np.ndarray) -> StoryMoment:
        return StoryMoment(step=step + 1, token=tokens[step], unit=int(unit), value=float(values[step, unit]))

    forget_unit = int(np.argmin(keep[subject]))
    store_unit = int(np.argmax(np.abs(written[subject])))
    state = gates["cell"] if kind == "lstm" else gates["hidden"]  # (T, H): what a unit carries between steps
    last = len(tokens) - 1
    choice = int(np.argmax(probabilities[last]))
    toward = (1.0 if choice == 1 else -1.0) * readout_gap * gates["hidden"][last]  # (H,): > 0 helps the choice
    output_unit = int(np.argmax(toward))
    needed = labels_of(tokens)[last]
    return GateStory(
        kind=kind, tokens=tokens, previous_subject_step=None if previous is None else previous + 1,
        forget=moment(subject, forget_unit, keep), store=moment(subject, store_unit, gate_written),
        written=float(written[subject, store_unit]),
        carried_from=None if previous is None else float(state[previous, forget_unit]),
        carried_to=None if previous is None else float(state[subject - 1, forget_unit]),
        replaced_by=float(state[subject, forget_unit]),
        output=moment(last, output_unit, gates["output"] if kind == "lstm" else gates["hidden"]),
        contribution=float(toward[output_unit]), verb=LABELS[choice],
        verb_probability=float(probabilities[last, choice]),
        needed=LABELS[needed] if needed != NO_LABEL else "",
    )
