"""Lesson 9: the cheat sheet's formulas, and an LSTM measured against a Transformer encoder layer of equal width.

The formulas are data (LaTeX, the same in every language; pages add the names from their texts). The comparison
builds a real ``nn.LSTM`` and a real ``nn.TransformerEncoderLayer``, counts their parameters and times their
forward pass over growing sequence lengths on the app's device.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import torch
from torch import nn

from core.lessons.timing import fastest_seconds, timing_conditions
from core.parameter_count import ParameterTable, parameter_table
from core.seeding import generator as seeded_generator, seeded_module

# (section, ((formula name, LaTeX), ...)); the section and formula names are keys of the page's texts.
CHEAT_SHEET: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("rnn", (
        ("rnn_hidden", r"h_t = \tanh(W_{xh}\,x_t + W_{hh}\,h_{t-1} + b_h)"),
        ("rnn_output", r"\hat{y}_t = \mathrm{softmax}(s_t), \quad s_t = W_{hy}\,h_t + b_y"),
    )),
    ("bptt", (
        ("bptt_sum", r"\frac{\partial L}{\partial W_{hh}} = \sum_{t=1}^{T} \frac{\partial L}{\partial h_t}"
                     r"\,\frac{\partial^{+} h_t}{\partial W_{hh}}"),
        ("bptt_chain", r"\frac{\partial h_T}{\partial h_k} = \prod_{t=k+1}^{T} "
                       r"\mathrm{diag}\!\left(1 - h_t^{2}\right) W_{hh}"),
        ("bptt_bound", r"\left\lVert \frac{\partial h_T}{\partial h_k} \right\rVert \le "
                       r"\left(\gamma\,\lVert W_{hh} \rVert\right)^{T-k}"),
    )),
    ("lstm", (
        ("forget_gate", r"f_t = \sigma(W_f\,[h_{t-1}, x_t] + b_f)"),
        ("input_gate", r"i_t = \sigma(W_i\,[h_{t-1}, x_t] + b_i)"),
        ("candidate", r"\tilde{C}_t = \tanh(W_C\,[h_{t-1}, x_t] + b_C)"),
        ("cell", r"C_t = f_t \odot C_{t-1} + i_t \odot \tilde{C}_t"),
        ("output_gate", r"o_t = \sigma(W_o\,[h_{t-1}, x_t] + b_o)"),
        ("hidden", r"h_t = o_t \odot \tanh(C_t)"),
        ("highway", r"\frac{\partial C_t}{\partial C_{t-1}} = \mathrm{diag}(f_t)"),
    )),
    ("gru", (
        ("reset_gate", r"r_t = \sigma(W_{xr}\,x_t + b_{xr} + W_{hr}\,h_{t-1} + b_{hr})"),
        ("update_gate", r"z_t = \sigma(W_{xz}\,x_t + b_{xz} + W_{hz}\,h_{t-1} + b_{hz})"),
        ("new_gate", r"n_t = \tanh\!\big(W_{xn}\,x_t + b_{xn} + r_t \odot (W_{hn}\,h_{t-1} + b_{hn})\big)"),
        ("gru_hidden", r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}"),
    )),
)

SWEEPS = 2  # passes over all lengths; each length keeps its fastest run from any pass
SEQUENCE_LENGTHS = (16, 32, 64, 128, 256, 512)  # long enough for the attention's T² to show, small enough to be quick


@dataclass(frozen=True)
class TransformerComparison:
    """An LSTM and a Transformer encoder layer of the same width, counted and timed."""

    width: int  # LSTM input and hidden size = Transformer d_model
    heads: int  # attention heads of the Transformer layer
    feedforward: int  # the Transformer layer's inner feed-forward size
    batch_size: int  # sequences per timed batch
    device: str  # where the timing ran
    threads: int | None  # CPU threads torch used (None on an accelerator)
    lstm: ParameterTable  # named_parameters() of the nn.LSTM
    transformer: ParameterTable  # named_parameters() of the nn.TransformerEncoderLayer
    seq_lens: tuple[int, ...]  # sequence lengths timed
    lstm_seconds: tuple[float, ...]  # best forward time per length (no gradient)
    rounds: tuple[int, ...]  # timed runs per length, over all sweeps (at least `repeats`; quick ones get more)
    transformer_seconds: tuple[float, ...]
    max_abs_diff: float  # the timed LSTM's output vs its trace-free reference run (same module, same input)

    @property
    def lstm_sequential_steps(self) -> tuple[int, ...]:
        """Dependent steps: h_t needs h_{t-1}, so T of them, one after another."""
        return self.seq_lens

    @property
    def transformer_sequential_steps(self) -> tuple[int, ...]:
        """One layer is one step: every position attends to every other at once."""
        return tuple(1 for _ in self.seq_lens)

    @property
    def attention_scores(self) -> tuple[int, ...]:
        """Query-key scores per sequence: heads × T²; the price of the parallelism (memory grows quadratically)."""
        return tuple(self.heads * length * length for length in self.seq_lens)


def build_models(width: int, heads: int, feedforward: int, seed: int = 0) -> tuple[nn.LSTM, nn.TransformerEncoderLayer]:
    """A one-layer ``nn.LSTM(width, width)`` and ``nn.TransformerEncoderLayer(width, heads, feedforward)``."""
    if width % heads:
        raise ValueError(f"width {width} must be divisible by heads {heads}")
    lstm, transformer = seeded_module(lambda: nn.ModuleList([
        nn.LSTM(width, width, batch_first=True),
        nn.TransformerEncoderLayer(width, heads, dim_feedforward=feedforward, dropout=0.0, batch_first=True),
    ]), seed)
    return lstm, transformer


@torch.no_grad()
def compare_with_transformer(width: int = 64, heads: int = 4, feedforward: int = 256, batch_size: int = 4,
                             seq_lens: tuple[int, ...] = SEQUENCE_LENGTHS, repeats: int = 3,
                             device: torch.device | str = "cpu", seed: int = 0) -> TransformerComparison:
    """Count both models' parameters and time their forward pass at each sequence length."""
    device = torch.device(device)
    lstm, transformer = build_models(width, heads, feedforward, seed)
    lstm, transformer = lstm.to(device), transformer.to(device)
    generator = seeded_generator(seed)
    inputs = [torch.randn(batch_size, seq_len, width, generator=generator).to(device)  # (batch, seq_len, width)
              for seq_len in seq_lens]
    best = [{"lstm": float("inf"), "transformer": float("inf")} for _ in seq_lens]
    rounds = [0] * len(seq_lens)
    with timing_conditions(device) as threads:
        # Several sweeps over the lengths, keeping each one's minimum: a burst of load from other programs then
        # cannot hit every sample of one length, so the curve follows the work and not the neighbours.
        for _ in range(SWEEPS):
            for index, x in enumerate(inputs):
                seconds, timed = fastest_seconds({"lstm": lambda: lstm(x), "transformer": lambda: transformer(x)},
                                                 repeats, device, budget_seconds=0.05 / SWEEPS)
                rounds[index] += timed
                best[index] = {name: min(best[index][name], seconds[name]) for name in best[index]}
    lstm_seconds = [entry["lstm"] for entry in best]
    transformer_seconds = [entry["transformer"] for entry in best]
    # The timed module is the real thing: its output equals a step-by-step LSTMCell run with its weights.
    gap = _cell_gap(lstm, torch.randn(batch_size, seq_lens[0], width, generator=generator).to(device))
    return TransformerComparison(
        width=width, heads=heads, feedforward=feedforward, batch_size=batch_size, device=str(device), threads=threads,
        lstm=parameter_table(lstm), transformer=parameter_table(transformer), seq_lens=tuple(seq_lens),
        lstm_seconds=tuple(lstm_seconds), transformer_seconds=tuple(transformer_seconds), rounds=tuple(rounds),
        max_abs_diff=gap,
    )


def _cell_gap(lstm: nn.LSTM, x: torch.Tensor) -> float:
    """max |Δ| between the fused LSTM and an nn.LSTMCell holding its weights, stepping over x (batch, T, width).

    Both run in float64: on a GPU, cuDNN may round float32 to TF32 where a plain cell would not.
    """
    lstm, x = copy.deepcopy(lstm).double(), x.double()
    cell = nn.LSTMCell(lstm.input_size, lstm.hidden_size).to(device=x.device, dtype=x.dtype)
    names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    cell.load_state_dict({name: getattr(lstm, f"{name}_l0") for name in names})
    hidden = x.new_zeros(x.shape[0], lstm.hidden_size)  # (batch, width)
    state, steps = (hidden, hidden), []
    for t in range(x.shape[1]):
        state = cell(x[:, t], state)
        steps.append(state[0])
    fused, _ = lstm(x)  # (batch, seq_len, width)
    return float((torch.stack(steps, dim=1) - fused).abs().max())
