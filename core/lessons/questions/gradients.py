"""Questions for lessons 3–4: backpropagation through time, and vanishing / exploding gradients."""

from __future__ import annotations

import numpy as np
import torch

from core.lessons.bptt import MAX_TOKENS, BPTTSetup
from core.lessons.gradients import ChainSetup, power_table
from core.lessons.questions import Question, fixed, number_choices, scientific
from core.lessons.rnn_step import DEFAULT_SENTENCE
from core.lessons.shared_results import bptt_pass, jacobian_chain
from core.sequence_input import split_tokens

HALVING_STEPS = 10  # the tutorial's table row "10 steps at ×0.5"
SLOPE_AT = 2.0  # z where the learner predicts tanh'(z)
CHAIN_LENGTH = 30  # steps of the chain whose fate the learner predicts


def bptt(sentence: str | None, seed: int, trained: bool = False, **_) -> tuple[Question, ...]:
    sentence = sentence if sentence and sentence.strip() else DEFAULT_SENTENCE
    # The loss at the last word (0-based, as the page counts it), on the CPU: the page's view of "L_T only".
    last_word = len(split_tokens(sentence, MAX_TOKENS)) - 1
    result = bptt_pass(sentence, int(seed), last_word, "cpu", bool(trained))
    norms = result.grad_norms  # (T,)
    last = result.seq_len
    candidates = sorted({1, max(1, last // 2), max(1, last - 1), last})  # steps t (1-based) offered as choices
    picked = candidates[int(np.argmax([norms[step - 1] for step in candidates]))]
    largest = Question(
        id="bptt.largest_gradient", lesson="bptt", choices=tuple(f"t = {step}" for step in candidates),
        choices_are_keys=False, correct=candidates.index(picked),
        facts=(("steps", str(last)),
               ("norms", ", ".join(f"‖∂L/∂h_{step}‖ = {scientific(norms[step - 1])}" for step in candidates))),
    )

    target = BPTTSetup().target
    probability = float(result.target_probability[-1])
    value = probability - 1.0  # ∂CE/∂o_T[c] = ŷ_T[c] − 1 for the target class c
    choices, index = number_choices(value, (1.0 - probability, probability, -np.log(probability)), fixed(3))
    logit_gradient = Question(
        id="bptt.logit_gradient", lesson="bptt", choices=choices, choices_are_keys=False, correct=index,
        facts=(("target", str(target)), ("probability", fixed(3)(probability)), ("gradient", fixed(3)(value))),
    )
    return largest, logit_gradient


def gradients(setup: ChainSetup | None = None, **_) -> tuple[Question, ...]:
    setup = setup or ChainSetup()
    row = power_table(0.5, steps=(HALVING_STEPS,))[0]
    choices, index = number_choices(row.exact, (0.5 * HALVING_STEPS, 0.5 ** (HALVING_STEPS // 2),
                                                0.5 ** (2 * HALVING_STEPS)), scientific)
    halving = Question(
        id="gradients.halving", lesson="gradients", choices=choices, choices_are_keys=False, correct=index,
        facts=(("steps", str(HALVING_STEPS)), ("value", scientific(row.exact))),
    )

    z = torch.tensor(SLOPE_AT, dtype=torch.float64, requires_grad=True)
    torch.tanh(z).backward()
    slope, height = float(z.grad), float(np.tanh(SLOPE_AT))
    choices, index = number_choices(slope, (height, 1.0, 0.5), fixed(3))
    saturation = Question(
        id="gradients.tanh_slope", lesson="gradients", choices=choices, choices_are_keys=False, correct=index,
        facts=(("z", fixed(1)(SLOPE_AT)), ("slope", fixed(4)(slope)), ("tanh", fixed(4)(height))),
    )

    chain = jacobian_chain(setup, CHAIN_LENGTH, (), CHAIN_LENGTH - 1, "cpu")  # the page's random source at this length
    first = float(chain.measured[0])
    fate = Question(
        id="gradients.chain_fate", lesson="gradients", choices=("shrinks", "grows"), choices_are_keys=True,
        correct=int(first > 1.0),
        facts=(("radius", fixed(2)(chain.spectral_radius)), ("steps", str(CHAIN_LENGTH)),
               ("largest_singular", fixed(2)(float(chain.singular_values[0]))), ("measured", scientific(first)),
               ("nonlinearity", setup.nonlinearity)),
    )
    return halving, saturation, fate
