"""The small seeded models several lessons share, so no lesson imports another for them.

Lesson 2's ``nn.RNN(3, 4)`` + ``nn.Linear(4, 2)`` (the tutorial's worked example) is the network lessons 1 and 3 run
too: the same seed gives the same weights on every page. Weights come from :func:`core.seeding.seeded_module`, so
the seed alone fixes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from torch import nn

from core.seeding import seeded_module

RECURRENT_KINDS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


@dataclass(frozen=True)
class RNNStepConfig:
    """Sizes of lesson 2's network (the tutorial's worked example)."""

    input_size: int = 3   # d: features of each token vector x_t
    hidden_size: int = 4  # h: size of the memory h_t
    output_size: int = 2  # o: entries of the logits s_t and the probabilities ŷ_t
    max_tokens: int = 12  # longest sentence the lesson unrolls; longer drawings stop being readable


def build_network(seed: int, config: RNNStepConfig = RNNStepConfig()) -> tuple[nn.RNN, nn.Linear]:
    """Lesson 2's ``nn.RNN`` and readout ``nn.Linear``, with torch's default initialisation drawn from ``seed``:
    U(−1/√h, 1/√h) for the RNN, U(−1/√fan_in, 1/√fan_in) for the readout, in that order."""
    rnn, readout = seeded_module(lambda: nn.ModuleList([nn.RNN(config.input_size, config.hidden_size),
                                                         nn.Linear(config.hidden_size, config.output_size)]), seed)
    return rnn, readout


def seeded_recurrent(kind: str, input_size: int, hidden_size: int, seed: int) -> nn.RNNBase:
    """``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` (``kind``) with torch's default init U(−1/√H, 1/√H) drawn from ``seed``.

    RNN, LSTM and GRU with one seed share nothing but the draw order.
    """
    layer = RECURRENT_KINDS[kind]  # looked up here: a factory naming the dict could not reuse its template
    return seeded_module(lambda: layer(input_size, hidden_size), seed)
