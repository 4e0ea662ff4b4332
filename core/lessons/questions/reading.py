"""Questions for lessons 1–2: why sequences need memory, and one RNN step."""

from __future__ import annotations

import numpy as np

from core.lessons import rnn_step as rnn_lesson
from core.lessons import why_sequences as why
from core.lessons.questions import Question, fixed, number_choices
from core.lessons.shared_results import length_comparison, memory_probe, rnn_step_lesson
from core.lessons.trained.grammar import DEFAULT_SENTENCE as TRAINED_SENTENCE
from core.lessons.trained.grammar import LABELS
from core.sequence_input import split_tokens

REPLACEMENT = "zebra"  # a word the default sentences never contain: the swap always changes x_1
WINDOW = 4  # the lesson's fixed-window net reads this many of the last words
CHANGE = 1e-6  # a norm above this is a change, not float rounding


def _sentence(sentence: str | None, default: str, minimum: int = 1) -> str:
    """The page's sentence when it has enough tokens, else the lesson's default."""
    tokens = (sentence or "").split() or list((sentence or "").strip())
    return sentence if sentence and len(tokens) >= minimum else default


def why_sequences(sentence: str | None, seed: int, **_) -> tuple[Question, ...]:
    sentence = _sentence(sentence, rnn_lesson.DEFAULT_SENTENCE, minimum=2)
    memory_sentence = sentence
    while len(split_tokens(memory_sentence)) <= WINDOW:  # the first word must lie outside the window net's view
        memory_sentence = f"{memory_sentence} {sentence}"
    probe = memory_probe(memory_sentence, 0, REPLACEMENT if sentence.split()[0] != REPLACEMENT else "yak", int(seed),
                         WINDOW)
    rnn_changed, window_changed = probe.final_gap > CHANGE, probe.feedforward_gap > CHANGE
    keys = ("only_rnn", "only_window_net", "both_change", "neither_changes")
    correct = keys.index({(True, False): "only_rnn", (False, True): "only_window_net",
                          (True, True): "both_change", (False, False): "neither_changes"}[
        (rnn_changed, window_changed)])
    memory = Question(
        id="why_sequences.memory", lesson="why_sequences", choices=keys, choices_are_keys=True, correct=correct,
        facts=(("first", probe.tokens[0]), ("replacement", probe.changed_tokens[0]), ("steps", str(len(probe.tokens))),
               ("rnn_gap", fixed(4)(probe.final_gap)), ("window_gap", fixed(4)(probe.feedforward_gap)),
               ("window", str(WINDOW))),
    )

    lengths = length_comparison((sentence, f"{sentence} {sentence}"), int(seed), WINDOW)
    short, long = lengths.runs[0], lengths.runs[-1]
    rnn_count = lengths.rnn_parameters
    window_count = why.parameter_count(why.build_feedforward(len(long.tokens), seed))
    choices, index = number_choices(rnn_count, (2 * rnn_count, window_count, rnn_count * len(long.tokens)), str)
    parameters = Question(
        id="why_sequences.parameters", lesson="why_sequences", choices=choices, choices_are_keys=False,
        correct=index,
        facts=(("short", str(len(short.tokens))), ("long", str(len(long.tokens))), ("rnn", str(rnn_count)),
               ("window_net", str(window_count))),
    )
    return memory, parameters


def rnn_step(sentence: str | None, seed: int, trained: bool = False, **_) -> tuple[Question, ...]:
    default = TRAINED_SENTENCE if trained else rnn_lesson.DEFAULT_SENTENCE
    lesson = rnn_step_lesson(_sentence(sentence, default), int(seed), bool(trained))  # the page's own run
    terms = (lesson.from_input[0], lesson.from_hidden[0], lesson.bias_hidden)
    norms = [float(np.linalg.norm(term)) for term in terms]
    first_step = Question(
        id="rnn_step.zero_term", lesson="rnn_step", choices=("term_input", "term_hidden", "term_bias"),
        choices_are_keys=True, correct=int(np.argmin(norms)),
        facts=(("input_norm", fixed(3)(norms[0])), ("hidden_norm", fixed(3)(norms[1])),
               ("bias_norm", fixed(3)(norms[2]))),
    )

    hidden_size, input_size = lesson.weight_hidden.shape[0], lesson.weight_input.shape[1]
    choices, index = number_choices(lesson.weight_hidden.size,
                                    (lesson.weight_input.size, hidden_size, hidden_size * (hidden_size + input_size)),
                                    str)
    count = Question(
        id="rnn_step.hidden_weights", lesson="rnn_step", choices=choices, choices_are_keys=False, correct=index,
        facts=(("hidden", str(hidden_size)), ("input", str(input_size)), ("count", str(lesson.weight_hidden.size)),
               ("input_count", str(lesson.weight_input.size))),
    )

    last = lesson.outputs[-1]
    names = tuple(f"ŷ[{index}] ({LABELS[index]})" if trained else f"ŷ[{index}]" for index in range(len(last)))
    output = Question(
        id="rnn_step.last_output", lesson="rnn_step", choices=names, choices_are_keys=False,
        correct=int(np.argmax(last)),
        facts=(("token", lesson.tokens[-1]), ("step", str(lesson.seq_len)),
               ("logits", ", ".join(fixed(2)(value) for value in lesson.logits[-1])),
               ("probabilities", ", ".join(fixed(3)(value) for value in last))),
    )
    return first_step, count, output
