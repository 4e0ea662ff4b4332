"""Lesson 8 with the "Trained" switch: the shipped agreement LSTM (:mod:`core.lessons.trained`) wired as many-to-one
or many-to-many, so the labels it emits mean something.

The agreement model is a reader with a readout at every step: embedding (V, 3) → nn.LSTM(3, 4) → nn.Linear(4, 2)
over ("was", "were"), trained so that ŷ_t names the verb the latest noun needs. Read at every step it is a
many-to-many tagger; read at the last step only, a many-to-one classifier of the same model. The other wirings
(one-to-many, seq2seq, bidirectional) need a decoder or a second direction that this model does not have, so they
have no trained version (:data:`TRAINED_ARCHITECTURES`).

Shapes (T words, H = 4)::

    inputs  (1, T, 3)   the learned word vectors, batch of one
    h_t     (1, H)      each step, traced and checked against the fused nn.LSTM
    logits  (1, 2)      many-to-one: W_hy h_T + b_y;   (1, T, 2) many-to-many: W_hy h_t + b_y at every t
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np
import torch

from core.lessons.architectures import ArchitectureRun, Reveal, _gap, _softmax_pick
from core.lessons.trained.grammar import LABELS
from core.lessons.trained.load import trained_model
from core.trace import trace

TRAINED_ARCHITECTURES = ("many_to_one", "many_to_many")


@torch.no_grad()
def trained_architecture(kind: str, tokens: Sequence[str]) -> ArchitectureRun:
    """The shipped LSTM on ``tokens``, as ``kind`` (one of :data:`TRAINED_ARCHITECTURES`)."""
    if kind not in TRAINED_ARCHITECTURES:
        raise ValueError(f"no trained model for {kind!r}; only {TRAINED_ARCHITECTURES}")
    if not tokens:
        raise ValueError("the sentence has no tokens")
    tokens, model = list(tokens), trained_model("lstm")
    lstm = copy.deepcopy(model.recurrent)  # same weights, batch first like the lesson's other models
    lstm.batch_first = True
    x = model.embed(tokens)[None]  # (1, T, 3)
    traced = trace(lstm, x)
    output, state = lstm(x)  # (1, T, H), ((1, 1, H), (1, 1, H))
    gap = _gap(traced, output, state)
    steps = traced.step_hidden[0][0]  # T × (1, H)
    seq_len = len(tokens)
    if kind == "many_to_one":
        logits = model.readout(traced.h_n[-1])  # (1, 2)
        index, probability = _softmax_pick(logits)
        reveals = [Reveal("read", t, 0, False, tuple(steps[t].shape)) for t in range(seq_len)]
        reveals.append(Reveal("classify", seq_len - 1, 0, True, tuple(logits.shape)))
        outputs, probabilities = [""] * seq_len, np.full(seq_len, np.nan)
        outputs[-1], probabilities[-1] = LABELS[index], probability
        shapes = (("inputs", tuple(x.shape)), ("outputs", tuple(output.shape)), ("h_n", tuple(state[0].shape)), ("last_hidden", tuple(traced.h_n[-1].shape)),
                  ("logits", tuple(logits.shape)))
    else:
        logits = model.readout(traced.output)  # (1, T, 2)
        picks = [_softmax_pick(logits[0, t]) for t in range(seq_len)]
        reveals = [Reveal("tag", t, 0, True, tuple(steps[t].shape)) for t in range(seq_len)]
        outputs = [LABELS[index] for index, _ in picks]
        probabilities = np.array([probability for _, probability in picks])
        shapes = (("inputs", tuple(x.shape)), ("outputs", tuple(output.shape)), ("logits", tuple(logits.shape)))
    return ArchitectureRun(
        kind=kind, input_labels=tuple(tokens), states=traced.gate("hidden").T.numpy(), bands=1, output_labels=tuple(outputs),
        output_probability=probabilities, reveals=tuple(reveals), shapes=shapes, max_abs_diff=gap,
        reference="torch.nn.LSTM",
    )
