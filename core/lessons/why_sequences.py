"""Lesson 1: why sequences need a recurrent network.

Three demonstrations, all with the lesson-2 network (``core.lessons.rnn_step.build_network``, same seed, same
weights) so the numbers carry over between the two pages:

* sequence data: a tokenized sentence, a sampled tone, a price path and a DNA fragment, each an ordered array;
* variable length: one ``nn.RNN`` reads sentences of any length with the same weights, while a feed-forward net
  ``tanh(W · concat(x_1 … x_window) + b)`` has a fixed input size and must pad or cut;
* memory: changing an early word changes the final hidden state h_T, while the same fixed-window net, given the
  sentence's last ``window`` words (the changed word outside them), gives exactly the same output: a fair contrast,
  since that net sees as many words as it was built for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from core.lesson_models import RNNStepConfig, build_network
from core.seeding import seeded_module
from core.sequence_input import embed_tokens, split_tokens
from core.trace import trace

# Start of the human insulin coding sequence (NCBI NM_000207.3, CDS): 20 codons, M A L W M R L L P L L A L L A L W G P D.
INSULIN_CDS_START = "ATGGCCCTGTGGATGCGCCTCCTGCCCCTGCTGGCGCTGCTGGCCCTCTGGGGACCTGAC"
DNA_ALPHABET = "ACGT"
SAMPLE_RATE = 8000  # Hz: telephone-quality audio
TONE_HZ = 440.0     # concert A, with a softer octave above it
TRADING_DAYS = 60
TONE_SECONDS = 0.01  # 10 ms: a few periods of the tone, few enough samples to see each one


@dataclass(frozen=True)
class SequenceExamples:
    """Four kinds of ordered data, each as the arrays a network would read one step at a time."""

    tokens: tuple[str, ...]
    token_vectors: np.ndarray  # (T, input_size): x_t of each token
    audio_time_ms: np.ndarray  # (samples,)
    audio: np.ndarray          # (samples,) amplitude in [-1, 1]
    price_days: np.ndarray     # (TRADING_DAYS,)
    prices: np.ndarray         # (TRADING_DAYS,) a simulated price path
    dna: str
    dna_one_hot: np.ndarray    # (bases, 4) one column per letter of DNA_ALPHABET


def sequence_examples(sentence: str, seed: int, config: RNNStepConfig = RNNStepConfig()) -> SequenceExamples:
    """The examples; the sentence's vectors and the price path follow ``seed``, the tone and DNA are fixed."""
    tokens = split_tokens(sentence, config.max_tokens)
    time_s = np.arange(round(SAMPLE_RATE * TONE_SECONDS)) / SAMPLE_RATE  # (samples,) TONE_SECONDS of samples
    audio = 0.7 * np.sin(2 * np.pi * TONE_HZ * time_s) + 0.3 * np.sin(2 * np.pi * 2 * TONE_HZ * time_s)
    # Geometric random walk: each day's log return is drawn independently, the price is their running product.
    returns = np.random.default_rng(seed).normal(0.0005, 0.015, TRADING_DAYS - 1)
    prices = 100.0 * np.exp(np.concatenate([[0.0], np.cumsum(returns)]))
    one_hot = np.array([[base == letter for letter in DNA_ALPHABET] for base in INSULIN_CDS_START], dtype=float)
    return SequenceExamples(
        tokens=tuple(tokens),
        token_vectors=embed_tokens(tokens, config.input_size, seed).numpy(),
        audio_time_ms=time_s * 1000.0,
        audio=audio,
        price_days=np.arange(1, TRADING_DAYS + 1),
        prices=prices,
        dna=INSULIN_CDS_START,
        dna_one_hot=one_hot,
    )


def build_feedforward(window: int, seed: int, config: RNNStepConfig = RNNStepConfig()) -> nn.Sequential:
    """``tanh(W · concat(x_1 … x_window) + b)``: W (hidden_size, window * input_size), drawn from ``seed``."""
    # seed + 7919: a different draw from the RNN's weights
    return seeded_module(lambda: nn.Sequential(nn.Linear(window * config.input_size, config.hidden_size), nn.Tanh()),
                         int(seed) + 7919)


def parameter_count(module: nn.Module) -> int:
    return sum(parameter.numel() for parameter in module.parameters())


@dataclass(frozen=True)
class SentenceRun:
    """One sentence read by the RNN and by the fixed-window feed-forward net."""

    tokens: tuple[str, ...]
    inputs: np.ndarray              # (T, input_size)
    hidden: np.ndarray              # (T, hidden_size): h_1 … h_T
    window_tokens: tuple[str, ...]  # the tokens the feed-forward net actually reads (at most ``window``)
    padding: int                    # zero vectors appended to fill the window
    dropped: tuple[str, ...]        # tokens cut off because they did not fit
    feedforward_output: np.ndarray  # (hidden_size,)

    @property
    def final_hidden(self) -> np.ndarray:
        return self.hidden[-1]


@dataclass(frozen=True)
class LengthComparison:
    runs: tuple[SentenceRun, ...]
    window: int
    rnn_parameters: int          # nn.RNN parameters: the same for every length
    feedforward_parameters: int  # grows with the window it was built for
    max_abs_diff: float          # traced steps vs torch's fused nn.RNN forward, over every sentence

    @property
    def longest(self) -> SentenceRun:
        return max(self.runs, key=lambda run: len(run.tokens))


def compare_lengths(sentences: Sequence[str], seed: int, window: int = 4,
                    config: RNNStepConfig = RNNStepConfig()) -> LengthComparison:
    """Run one RNN and one fixed-window net over each non-empty sentence. ValueError if all are empty."""
    token_lists = [split_tokens(sentence, config.max_tokens) for sentence in sentences]
    token_lists = [tokens for tokens in token_lists if tokens]
    if not token_lists:
        raise ValueError("no sentence has any tokens")
    rnn, _ = build_network(seed, config)
    feedforward = build_feedforward(window, seed, config)
    runs, gaps = [], []
    with torch.no_grad():
        for tokens in token_lists:
            inputs = embed_tokens(tokens, config.input_size, seed)  # (seq_len, input)
            hidden = trace(rnn, inputs).gate("hidden")  # (seq_len, hidden)
            expected, _ = rnn(inputs)  # (seq_len, hidden)
            gaps.append(float((hidden - expected).abs().max()))
            kept = inputs[:window]  # (min(seq_len, window), input)
            padded = torch.cat([kept, kept.new_zeros(window - len(kept), config.input_size)])  # (window, input)
            runs.append(SentenceRun(
                tokens=tuple(tokens), inputs=inputs.numpy(), hidden=hidden.numpy(),
                window_tokens=tuple(tokens[:window]), padding=window - len(kept), dropped=tuple(tokens[window:]),
                feedforward_output=feedforward(padded.reshape(-1)).numpy(),
            ))
    return LengthComparison(tuple(runs), window, parameter_count(rnn), parameter_count(feedforward), max(gaps))


@dataclass(frozen=True)
class MemoryProbe:
    """The same sentence twice, with one word before the window net's window replaced."""

    tokens: tuple[str, ...]
    changed_tokens: tuple[str, ...]
    position: int                           # 0-based index of the replaced word (before the last ``window`` words)
    window: int                             # how many of the last words the feed-forward net reads
    hidden: np.ndarray                      # (T, hidden_size)
    changed_hidden: np.ndarray              # (T, hidden_size)
    step_gap: np.ndarray                    # (T,) ‖h_t − h'_t‖: zero before the change, carried after it
    feedforward_output: np.ndarray          # (hidden_size,) from the last ``window`` words
    changed_feedforward_output: np.ndarray  # (hidden_size,)
    max_abs_diff: float                     # traced steps vs torch's nn.RNN forward

    @property
    def window_tokens(self) -> tuple[str, ...]:
        """The words the window net reads: the same in both sentences."""
        return self.tokens[-self.window:]

    @property
    def final_gap(self) -> float:
        return float(self.step_gap[-1])

    @property
    def feedforward_gap(self) -> float:
        return float(np.linalg.norm(self.feedforward_output - self.changed_feedforward_output))

    @property
    def changed_gap(self) -> float:
        """‖h_t − h'_t‖ at the replaced word itself, where the difference enters."""
        return float(self.step_gap[self.position])

    @property
    def steps_after(self) -> int:
        """Steps the difference travels from the replaced word to the end."""
        return len(self.tokens) - self.position - 1

    @property
    def trend(self) -> str:
        """"fades" when the gap is smaller at the end than where it entered, "grows" when larger, else "none"."""
        if self.final_gap < self.changed_gap:
            return "fades"
        return "grows" if self.final_gap > self.changed_gap else "none"


def memory_positions(token_count: int, window: int) -> range:
    """The words that can be replaced: those before the last ``window`` (empty when the sentence fits the window)."""
    return range(max(0, token_count - window))


def probe_memory(sentence: str, position: int, replacement: str, seed: int,
                 config: RNNStepConfig = RNNStepConfig(), window: int = 4) -> MemoryProbe:
    """Replace the word at ``position`` with ``replacement``; compare the RNN with the fixed-window net
    ``tanh(W · concat(x_{T-window+1} … x_T) + b)`` (:func:`build_feedforward`, the lengths demo's weights) given the
    last ``window`` words.

    ValueError when the sentence is not longer than the window, the position is inside the window (the window net
    would see the change) or out of range, or the replacement is empty or more than one token.
    """
    tokens = split_tokens(sentence, config.max_tokens)
    replacement = replacement.strip()
    if len(tokens) <= window:
        raise ValueError(f"the sentence needs more than {window} tokens")
    if position not in memory_positions(len(tokens), window):
        raise ValueError(f"position must be in 0..{len(tokens) - window - 1} (before the window's last words)")
    if not replacement or len(replacement.split()) != 1:
        raise ValueError("the replacement must be one word")
    changed = [*tokens[:position], replacement, *tokens[position + 1:]]
    rnn, _ = build_network(seed, config)
    window_net = build_feedforward(window, seed, config)
    with torch.no_grad():
        inputs = embed_tokens(tokens, config.input_size, seed)  # (seq_len, input)
        changed_inputs = embed_tokens(changed, config.input_size, seed)  # (seq_len, input)
        hidden = trace(rnn, inputs).gate("hidden")  # (seq_len, hidden)
        changed_hidden = trace(rnn, changed_inputs).gate("hidden")  # (seq_len, hidden)
        gap = max(float((hidden - rnn(inputs)[0]).abs().max()),
                  float((changed_hidden - rnn(changed_inputs)[0]).abs().max()))
        step_gap = torch.linalg.vector_norm(hidden - changed_hidden, dim=-1)  # (seq_len,)
        output = window_net(inputs[-window:].reshape(-1))  # (hidden,) the window is the same in both sentences
        changed_output = window_net(changed_inputs[-window:].reshape(-1))  # (hidden,)
    return MemoryProbe(
        tokens=tuple(tokens), changed_tokens=tuple(changed), position=position, window=window,
        hidden=hidden.numpy(), changed_hidden=changed_hidden.numpy(), step_gap=step_gap.numpy(),
        feedforward_output=output.numpy(), changed_feedforward_output=changed_output.numpy(), max_abs_diff=gap,
    )
