"""Lesson 6's LSTM vs GRU table: what each cell carries, what it costs in parameters and in time.

Facts are read off real ``nn.LSTM`` / ``nn.GRU`` modules and their traces; times are measured under
:func:`core.lessons.timing.timing_conditions` (one timing at a time, one CPU thread), the fastest pass kept.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import torch

from core.lesson_models import seeded_recurrent
from core.lessons.timing import timing_conditions
from core.seeding import generator as seeded_generator
from core.trace import trace

SIGMOID_GATES = frozenset({"input", "forget", "output", "reset", "update"})  # the tutorial's "gates": σ valves


@dataclass(frozen=True)
class CellFacts:
    """One column of the LSTM vs GRU table, read off a real module and its trace."""

    kind: str  # "lstm" or "gru"
    gate_blocks: int  # G: blocks stacked in weight_ih (4 or 3), read off its shape
    parameters: int  # Σ numel over module.parameters()
    formula_parameters: int  # G · (H² + H·D + 2H), torch's two bias vectors included
    gates: int  # σ gates the trace computes (the tutorial's count: 3 vs 2)
    states: int  # state tensors carried between steps: h and C (LSTM) or h (GRU)


def cell_facts(kind: str, input_size: int, hidden_size: int, seed: int = 0) -> CellFacts:
    """Count the parameters of one ``nn.LSTM`` / ``nn.GRU`` of the given sizes and list what its trace computes."""
    module = seeded_recurrent(kind, input_size, hidden_size, seed)
    blocks = module.weight_ih_l0.shape[0] // hidden_size
    with torch.no_grad():
        traced = trace(module, torch.zeros(1, input_size))  # one step is enough to list the gates
    return CellFacts(
        kind=kind, gate_blocks=blocks,
        parameters=sum(parameter.numel() for parameter in module.parameters()),
        formula_parameters=blocks * (hidden_size**2 + hidden_size * input_size + 2 * hidden_size),
        gates=len(SIGMOID_GATES & set(traced.gates)), states=1 + (traced.c_n is not None),
    )


@dataclass(frozen=True)
class TimingConfig:
    """The batch the LSTM vs GRU timing runs (the page quotes these numbers)."""

    batch_size: int = 16  # sequences per batch
    seq_len: int = 32  # steps per sequence
    repeats: int = 5  # timed passes after one warm-up; the fastest is kept


@dataclass(frozen=True)
class CellTiming:
    """How long one batch takes through a module, best of several runs, in milliseconds."""

    kind: str  # "lstm" or "gru"
    forward_ms: float  # fastest forward pass
    backward_ms: float  # fastest backward pass of the same batch
    device: str  # where it ran


def time_cell(kind: str, input_size: int, hidden_size: int, batch_size: int = TimingConfig.batch_size,
              seq_len: int = TimingConfig.seq_len, repeats: int = TimingConfig.repeats,
              device: torch.device | str = "cpu", seed: int = 0) -> CellTiming:
    """Time ``nn.LSTM`` / ``nn.GRU`` forward and backward on a random (seq_len, batch_size, input_size) batch.

    One warm-up pass, then ``repeats`` timed passes; the fastest is kept because on a shared machine the noise
    only ever adds time. On the CPU the passes run on one thread: with every core busy, torch's worker threads
    wait on each other and the numbers turn to noise (tens of milliseconds for a sub-millisecond pass).
    """
    with timing_conditions(torch.device(device)):  # one timing at a time; one thread on the CPU
        return _time_cell(kind, input_size, hidden_size, batch_size, seq_len, repeats, device, seed)


def _time_cell(kind, input_size, hidden_size, batch_size, seq_len, repeats, device, seed) -> CellTiming:
    module = seeded_recurrent(kind, input_size, hidden_size, seed).to(device).train()
    batch = torch.randn(seq_len, batch_size, input_size, generator=seeded_generator(seed))  # (seq_len, batch, D)
    batch = batch.to(device)
    device_type = torch.device(device).type

    def wait() -> None:
        if device_type == "cuda":
            torch.cuda.synchronize()
        elif device_type == "mps":
            torch.mps.synchronize()

    forward_times, backward_times = [], []
    for attempt in range(repeats + 1):
        module.zero_grad(set_to_none=True)
        wait()
        start = time.perf_counter()
        output, _ = module(batch)  # (seq_len, batch, hidden)
        wait()
        middle = time.perf_counter()
        output.square().mean().backward()
        wait()
        end = time.perf_counter()
        if attempt:  # the first pass pays one-off allocation and kernel selection costs
            forward_times.append((middle - start) * 1e3)
            backward_times.append((end - middle) * 1e3)
    return CellTiming(kind=kind, forward_ms=min(forward_times), backward_ms=min(backward_times), device=str(device))


@dataclass(frozen=True)
class CellComparison:
    """The two columns side by side, and the GRU's share of the LSTM's cost."""

    lstm: CellFacts
    gru: CellFacts
    lstm_timing: CellTiming
    gru_timing: CellTiming

    @property
    def parameter_ratio(self) -> float:
        """GRU parameters / LSTM parameters: 3/4 for any sizes (three gate blocks against four)."""
        return self.gru.parameters / self.lstm.parameters

    @property
    def forward_ratio(self) -> float:
        return self.gru_timing.forward_ms / self.lstm_timing.forward_ms

    @property
    def backward_ratio(self) -> float:
        return self.gru_timing.backward_ms / self.lstm_timing.backward_ms
