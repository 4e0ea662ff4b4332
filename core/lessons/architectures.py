"""Lesson 8: the five ways to wire a recurrent network to a task, each run on a small real torch model.

Every architecture reads the learner's sentence (tokens -> seeded vectors, ``core.sequence_input``) through an
``nn.LSTM`` / ``nn.LSTMCell`` with seeded random weights. The recurrent part is re-run step by step by
``core.trace.trace`` and compared with the fused module, and each result lists the order in which the animation
reveals the states, with the shape of the real tensor each step produced.

The models are untrained: the labels and words they emit show where outputs come from, not what they mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from core.seeding import seeded_module
from core.sequence_input import embed_tokens
from core.trace import trace

ARCHITECTURES = ("many_to_one", "one_to_many", "many_to_many", "seq2seq", "bidirectional")
INPUT_SIZE = 8  # features of each token vector x_t
HIDDEN_SIZE = 10  # features of h_t (per direction)
MAX_GENERATED = 6  # a decoder stops here even if it never emits END
MIN_GENERATED = 2  # END is masked out before this many words (like generate(min_length=...)), so a run shows steps
END = "<eos>"  # appended to every generation vocabulary: emitting it stops the decoder
START = "<bos>"  # the seq2seq decoder's first input


@dataclass(frozen=True)
class Reveal:
    """One animation frame: the state one step produced."""

    stage: str  # what the step does: read, classify, generate, tag, encode, context, decode, forward, backward, concat
    column: int  # the unrolled position it fills
    band: int  # 0: the hidden state (forward direction); 1: the backward direction; -1: both bands
    emits: bool  # the column's output label appears with this frame
    shape: tuple[int, ...]  # shape of the tensor this step produced


@dataclass(frozen=True)
class ArchitectureRun:
    """An unrolled run, laid out as columns (one per recurrent step) for the animation."""

    kind: str  # one of ARCHITECTURES
    input_labels: tuple[str, ...]  # per column: what the cell reads there ("" when it reads nothing)
    states: np.ndarray  # (bands * hidden_size, columns): the hidden state after each column's step
    bands: int  # 1, or 2 for bidirectional (rows [0, H) forward, [H, 2H) backward)
    output_labels: tuple[str, ...]  # per column: the label / word emitted there ("" when none)
    output_probability: np.ndarray  # (columns,): softmax probability of the emitted label, NaN where none
    reveals: tuple[Reveal, ...]  # frames in the order the computation happens
    shapes: tuple[tuple[str, tuple[int, ...]], ...]  # (stage, shape) read off the real tensors, in order
    max_abs_diff: float  # step-by-step trace vs the fused module (outputs and final states)
    reference: str  # the torch module the trace was compared with
    divider: int | None = None  # seq2seq: first decoder column

    def step_of(self, column: int) -> int:
        """The 1-based step a column is in its own half: seq2seq's decoder counts again from 1 after the divider."""
        if self.divider is not None and column >= self.divider:
            return column + 1 - self.divider
        return column + 1

    @property
    def hidden_size(self) -> int:
        return self.states.shape[0] // self.bands


def run_architecture(kind: str, tokens: Sequence[str], seed: int, labels: Sequence[str]) -> ArchitectureRun:
    """Run architecture ``kind`` on ``tokens``; ``labels`` are its class names, tags or output vocabulary."""
    runners = {"many_to_one": many_to_one, "one_to_many": one_to_many, "many_to_many": many_to_many,
               "seq2seq": seq2seq, "bidirectional": bidirectional}
    if kind not in runners:
        raise ValueError(f"unknown architecture {kind!r}; choose one of {ARCHITECTURES}")
    if not tokens:
        raise ValueError("the sentence has no tokens")
    if not labels:
        raise ValueError("at least one label is needed")
    return runners[kind](list(tokens), seed, list(labels))


def _sentence(tokens: list[str], seed: int) -> Tensor:
    return embed_tokens(tokens, INPUT_SIZE, seed)[None]  # (1, seq_len, input)


def _softmax_pick(logits: Tensor) -> tuple[int, float]:
    probabilities = torch.softmax(logits.reshape(-1), dim=0)  # (classes,)
    index = int(probabilities.argmax())
    return index, float(probabilities[index])


def _gap(traced, output: Tensor, state: tuple[Tensor, Tensor]) -> float:
    """Largest |Δ| between the trace and the fused module, over outputs and both final states."""
    pairs = ((traced.output, output), (traced.h_n, state[0]), (traced.c_n, state[1]))
    return max(float((mine - theirs).abs().max()) for mine, theirs in pairs)


def _encode(tokens: list[str], seed: int, bidirectional: bool = False):
    """Embed the sentence and run a seeded LSTM on it: (x, module, trace, fused output, fused state)."""
    x = _sentence(tokens, seed)  # (1, seq_len, input)
    lstm = seeded_module(lambda: nn.LSTM(INPUT_SIZE, HIDDEN_SIZE, batch_first=True, bidirectional=bidirectional),
                         seed)
    traced = trace(lstm, x)
    output, state = lstm(x)  # (1, seq_len, D*hidden), ((D, 1, hidden), (D, 1, hidden))
    return x, lstm, traced, output, state


@torch.no_grad()
def many_to_one(tokens: list[str], seed: int, labels: list[str]) -> ArchitectureRun:
    """Sentiment-style: read every token, classify once from the last hidden state h_T."""
    x, _, traced, output, state = _encode(tokens, seed)
    classes = len(labels)  # captured as a number, so seeded_module reuses its template
    head = seeded_module(lambda: nn.Linear(HIDDEN_SIZE, classes), seed + 1)
    logits = head(traced.h_n[-1])  # (1, classes)
    index, probability = _softmax_pick(logits)
    seq_len = len(tokens)
    steps = traced.step_hidden[0][0]  # seq_len × (1, hidden)
    reveals = [Reveal("read", t, 0, False, tuple(steps[t].shape)) for t in range(seq_len)]
    reveals.append(Reveal("classify", seq_len - 1, 0, True, tuple(logits.shape)))
    outputs = [""] * seq_len
    outputs[-1] = labels[index]
    probabilities = np.full(seq_len, np.nan)
    probabilities[-1] = probability
    return ArchitectureRun(
        kind="many_to_one", input_labels=tuple(tokens), states=traced.gate("hidden").T.numpy(), bands=1,
        output_labels=tuple(outputs), output_probability=probabilities, reveals=tuple(reveals),
        shapes=(("inputs", tuple(x.shape)), ("outputs", tuple(output.shape)), ("h_n", tuple(state[0].shape)),
                ("last_hidden", tuple(traced.h_n[-1].shape)), ("logits", tuple(logits.shape))),
        max_abs_diff=_gap(traced, output, state), reference="torch.nn.LSTM",
    )


@torch.no_grad()
def many_to_many(tokens: list[str], seed: int, labels: list[str]) -> ArchitectureRun:
    """Tagging: one label per token, each read off that position's hidden state h_t."""
    x, _, traced, output, state = _encode(tokens, seed)
    classes = len(labels)  # captured as a number, so seeded_module reuses its template
    head = seeded_module(lambda: nn.Linear(HIDDEN_SIZE, classes), seed + 1)
    logits = head(traced.output)  # (1, seq_len, tags)
    picks = [_softmax_pick(logits[0, t]) for t in range(len(tokens))]
    steps = traced.step_hidden[0][0]
    return ArchitectureRun(
        kind="many_to_many", input_labels=tuple(tokens), states=traced.gate("hidden").T.numpy(), bands=1,
        output_labels=tuple(labels[index] for index, _ in picks),
        output_probability=np.array([probability for _, probability in picks]),
        reveals=tuple(Reveal("tag", t, 0, True, tuple(steps[t].shape)) for t in range(len(tokens))),
        shapes=(("inputs", tuple(x.shape)), ("outputs", tuple(output.shape)), ("logits", tuple(logits.shape))),
        max_abs_diff=_gap(traced, output, state), reference="torch.nn.LSTM",
    )


@torch.no_grad()
def _generate(cell: nn.LSTMCell, embedding: nn.Embedding, head: nn.Linear, first_input: Tensor,
              state: tuple[Tensor, Tensor], vocabulary: list[str]):
    """Greedy decoding: feed the last emitted word back in until END (allowed from word MIN_GENERATED + 1 on)
    or MAX_GENERATED words.

    Returns (hidden states (steps, hidden), words, probabilities, the shape of each step's h, max |Δ| vs the cell).
    """
    hidden_states, words, probabilities, gap = [], [], [], 0.0
    step_input = first_input  # (1, input)
    end = vocabulary.index(END)
    for step in range(MAX_GENERATED):
        traced = trace(cell, step_input, state)
        fused = cell(step_input, state)
        gap = max(gap, float((traced.h_n - fused[0]).abs().max()), float((traced.c_n - fused[1]).abs().max()))
        state = (traced.h_n, traced.c_n)  # each (1, hidden)
        logits = head(traced.h_n)  # (1, words)
        if step < MIN_GENERATED:
            logits[:, end] = float("-inf")
        index, probability = _softmax_pick(logits)
        hidden_states.append(traced.h_n[0])
        words.append(vocabulary[index])
        probabilities.append(probability)
        if vocabulary[index] == END:
            break
        step_input = embedding(torch.tensor([index]))  # (1, input)
    return torch.stack(hidden_states), words, probabilities, tuple(state[0].shape), gap


def _decoder(seed: int, vocabulary_size: int, output_size: int):
    """A seeded decoder: (cell, word embedding over the whole vocabulary, head over its first output_size words)."""
    cell, embedding, head = seeded_module(lambda: nn.ModuleList([
        nn.LSTMCell(INPUT_SIZE, HIDDEN_SIZE), nn.Embedding(vocabulary_size, INPUT_SIZE),
        nn.Linear(HIDDEN_SIZE, output_size)]), seed)
    return cell, embedding, head


@torch.no_grad()
def one_to_many(tokens: list[str], seed: int, labels: list[str]) -> ArchitectureRun:
    """Caption-style: one vector in (a stand-in for image features: the mean of the sentence's token vectors),
    then the decoder feeds each emitted word back in as its next input."""
    vocabulary = labels + [END]
    x = _sentence(tokens, seed)  # (1, seq_len, input)
    features = x.mean(dim=1)  # (1, input)
    cell, embedding, head = _decoder(seed + 2, len(vocabulary), len(vocabulary))
    zeros = features.new_zeros(1, HIDDEN_SIZE)  # (1, hidden)
    hidden, words, probabilities, step_shape, gap = _generate(cell, embedding, head, features, (zeros, zeros),
                                                              vocabulary)
    return ArchitectureRun(
        kind="one_to_many", input_labels=("v",) + tuple(words[:-1]), states=hidden.T.numpy(), bands=1,
        output_labels=tuple(words), output_probability=np.array(probabilities),
        reveals=tuple(Reveal("generate", t, 0, True, step_shape) for t in range(len(words))),
        shapes=(("inputs", tuple(x.shape)), ("features", tuple(features.shape)), ("hidden_step", step_shape),
                ("word_logits", (1, len(vocabulary)))),
        max_abs_diff=gap, reference="torch.nn.LSTMCell",
    )


@torch.no_grad()
def seq2seq(tokens: list[str], seed: int, labels: list[str]) -> ArchitectureRun:
    """Translation-style: the encoder's final (h_T, c_T) is the context that starts the decoder."""
    vocabulary = labels + [END, START]
    x, _, traced, output, state = _encode(tokens, seed)
    # START is the last word: the decoder reads it but its head never emits it.
    cell, embedding, head = _decoder(seed + 3, len(vocabulary), len(vocabulary) - 1)
    context = (traced.h_n[0], traced.c_n[0])  # each (1, hidden)
    start = embedding(torch.tensor([len(vocabulary) - 1]))  # (1, input)
    decoded, words, probabilities, step_shape, decoder_gap = _generate(cell, embedding, head, start, context,
                                                                       vocabulary)
    seq_len, steps = len(tokens), len(words)
    encoder_steps = traced.step_hidden[0][0]
    reveals = [Reveal("encode", t, 0, False, tuple(encoder_steps[t].shape)) for t in range(seq_len)]
    reveals.append(Reveal("context", seq_len - 1, 0, False, tuple(traced.h_n.shape)))
    reveals += [Reveal("decode", seq_len + t, 0, True, step_shape) for t in range(steps)]
    states = torch.cat([traced.gate("hidden"), decoded]).T  # (hidden, seq_len + steps)
    return ArchitectureRun(
        kind="seq2seq", input_labels=tuple(tokens) + (START,) + tuple(words[:-1]), states=states.numpy(), bands=1,
        output_labels=("",) * seq_len + tuple(words),
        output_probability=np.concatenate([np.full(seq_len, np.nan), probabilities]),
        reveals=tuple(reveals),
        shapes=(("inputs", tuple(x.shape)), ("outputs", tuple(output.shape)), ("context", tuple(traced.h_n.shape)),
                ("hidden_step", step_shape), ("word_logits", (1, len(vocabulary) - 1))),
        max_abs_diff=max(_gap(traced, output, state), decoder_gap), reference="torch.nn.LSTM / nn.LSTMCell",
        divider=seq_len,
    )


@torch.no_grad()
def bidirectional(tokens: list[str], seed: int, labels: list[str]) -> ArchitectureRun:
    """A bidirectional tagger: a forward pass left to right, a backward pass right to left, and at each
    position the concatenation [h_f_t ; h_b_t] (what nn.LSTM(bidirectional=True) returns) is tagged."""
    x, _, traced, output, state = _encode(tokens, seed, bidirectional=True)
    classes = len(labels)  # captured as a number, so seeded_module reuses its template
    head = seeded_module(lambda: nn.Linear(2 * HIDDEN_SIZE, classes), seed + 1)
    logits = head(traced.output)  # (1, seq_len, tags)
    picks = [_softmax_pick(logits[0, t]) for t in range(len(tokens))]
    forward, backward = traced.gate("hidden", direction=0), traced.gate("hidden", direction=1)  # (seq_len, hidden)
    seq_len = len(tokens)
    forward_steps, backward_steps = traced.step_hidden[0]
    reveals = [Reveal("forward", t, 0, False, tuple(forward_steps[t].shape)) for t in range(seq_len)]
    reveals += [Reveal("backward", t, 1, False, tuple(backward_steps[t].shape)) for t in reversed(range(seq_len))]
    reveals += [Reveal("concat", t, -1, True, tuple(output[:, t].shape)) for t in range(seq_len)]
    # The fused module's output must be exactly the two directions side by side.
    halves = torch.cat([forward, backward], dim=-1)  # (seq_len, 2*hidden)
    gap = max(_gap(traced, output, state), float((halves - output[0]).abs().max()))
    return ArchitectureRun(
        kind="bidirectional", input_labels=tuple(tokens), states=torch.cat([forward, backward], dim=1).T.numpy(),
        bands=2, output_labels=tuple(labels[index] for index, _ in picks),
        output_probability=np.array([probability for _, probability in picks]), reveals=tuple(reveals),
        shapes=(("inputs", tuple(x.shape)), ("forward_step", tuple(forward_steps[0].shape)),
                ("outputs", tuple(output.shape)), ("h_n", tuple(state[0].shape)), ("logits", tuple(logits.shape))),
        max_abs_diff=gap, reference="torch.nn.LSTM(bidirectional=True)",
    )
