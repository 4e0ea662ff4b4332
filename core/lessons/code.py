"""Lesson 7: the code. The from-scratch NumPy LSTM next to torch, a live gradient check, the hand-unrolled
``CustomLSTM`` against the fused ``nn.LSTM`` (agreement and speed), and the tutorial's text classifier's size.

Source listings come from ``inspect.getsource`` of the very functions that compute the numbers beside them.
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from core.classifier.model import ClassifierConfig, TextClassifier
from core.custom_lstm import CustomLSTM
from core.lessons.timing import fastest_seconds, timing_conditions
from core.numpy_cells import NumpyLSTMCell
from core.numpy_check import gradient_errors
from core.seeding import generator as seeded_generator, seeded_module

# What the gradient check reports, in reading order: forward values first, then every gradient.
CHECKED = ("hidden", "cell", "weight", "bias", "input", "hidden_prev", "cell_prev")
# float64 gradients written correctly agree to ~1e-16 (machine precision); a wrong line gives ~1
PASS_THRESHOLD = 1e-10
MAX_CHECK_SIZE = 256  # batch / input / hidden above this stop being a lesson and start being a benchmark


def numpy_lstm_sources() -> dict[str, str]:
    """The NumPy LSTM's forward and backward step, exactly as they run."""
    return {"forward": _source(NumpyLSTMCell.step), "backward": _source(NumpyLSTMCell.step_backward)}


def torch_lstm_sources() -> dict[str, str]:
    """torch's side: ``nn.LSTMCell.forward`` (one fused kernel call) and the check that runs autograd against NumPy."""
    return {"forward": _source(nn.LSTMCell.forward), "backward": _source(gradient_errors)}


def custom_lstm_source() -> str:
    """``CustomLSTM.forward``: the Python loop over time steps and ``nn.LSTMCell`` layers."""
    return _source(CustomLSTM.forward)


def _source(function: Callable) -> str:
    """A function's source as it is in its file, moved left out of its class's indentation."""
    return textwrap.dedent(inspect.getsource(function))


@dataclass(frozen=True)
class GradientCheck:
    """NumPy forward/backward vs torch autograd for one LSTM step (float64)."""

    names: tuple[str, ...]  # CHECKED entries present (no "bias" for a bias-free cell)
    shapes: tuple[tuple[int, ...], ...]  # shape of each checked array, NumPy layout
    relative_errors: tuple[float, ...]  # max |numpy - torch| / max |torch|, per name

    @property
    def worst(self) -> float:
        return max(self.relative_errors)

    @property
    def passes(self) -> tuple[bool, ...]:
        """Per checked entry: does its error stay under ``PASS_THRESHOLD``?"""
        return tuple(error < PASS_THRESHOLD for error in self.relative_errors)

    @property
    def passed(self) -> bool:
        return self.worst < PASS_THRESHOLD


def gradient_check(batch_size: int, input_size: int, hidden_size: int, seed: int) -> GradientCheck:
    """Build a seeded ``nn.LSTMCell``, copy it into ``NumpyLSTMCell`` and compare every gradient with autograd."""
    for name, value in (("batch_size", batch_size), ("input_size", input_size), ("hidden_size", hidden_size)):
        if not 1 <= value <= MAX_CHECK_SIZE:
            raise ValueError(f"{name} must be between 1 and {MAX_CHECK_SIZE}, got {value}")
    cell = seeded_module(lambda: nn.LSTMCell(input_size, hidden_size), seed)
    errors = gradient_errors(cell, batch_size=batch_size, seed=seed)
    numpy_cell = NumpyLSTMCell.from_torch(cell)
    state = (batch_size, hidden_size)
    shapes = {"hidden": state, "cell": state, "weight": numpy_cell.weight.shape, "bias": numpy_cell.bias.shape,
              "input": (batch_size, input_size), "hidden_prev": state, "cell_prev": state}
    names = tuple(name for name in CHECKED if name in errors)
    return GradientCheck(names, tuple(tuple(shapes[name]) for name in names), tuple(errors[name] for name in names))


@dataclass(frozen=True)
class LSTMSizes:
    """Sizes of the LSTM the custom-vs-fused comparison runs."""

    seq_len: int = 20  # time steps per sequence
    batch_size: int = 8  # sequences per batch
    input_size: int = 16  # features of each x_t
    hidden_size: int = 32  # features of h_t and c_t
    num_layers: int = 1  # stacked layers


@dataclass(frozen=True)
class CustomAgreement:
    """Largest |Δ| between CustomLSTM (weights copied) and nn.LSTM on the same input, in float64.

    float64 because on recent GPUs cuDNN may round float32 matmuls to TF32 (about 1e-3 off) while a plain
    LSTMCell does not: the comparison is about the two computing the same function, not about rounding modes.
    """

    output: float  # over every h_t of the top layer
    hidden: float  # h_n
    cell: float  # c_n
    input_gradient: float  # ∂L/∂x for L = Σ output² (the backward passes agree too)

    @property
    def worst(self) -> float:
        return max(self.output, self.hidden, self.cell, self.input_gradient)


def _models(sizes: LSTMSizes, seed: int, device: torch.device,
            dtype: torch.dtype = torch.float32) -> tuple[nn.LSTM, CustomLSTM, torch.Tensor]:
    fused = seeded_module(lambda: nn.LSTM(sizes.input_size, sizes.hidden_size, sizes.num_layers), seed)
    fused = fused.to(device=device, dtype=dtype)
    custom = CustomLSTM.from_lstm(fused)
    x = torch.randn(sizes.seq_len, sizes.batch_size, sizes.input_size, dtype=dtype,
                    generator=seeded_generator(seed)).to(device)  # (T, N, input)
    return fused, custom, x


def custom_agreement(sizes: LSTMSizes, seed: int, device: torch.device | str = "cpu") -> CustomAgreement:
    """Run both modules on the same input (and backward through both) and measure the gaps."""
    fused, custom, x = _models(sizes, seed, torch.device(device), torch.float64)
    results = []
    for module in (fused, custom):
        inputs = x.clone().requires_grad_()
        output, (hidden, cell) = module(inputs)  # (seq_len, batch, hidden), ((layers, batch, hidden) × 2)
        (gradient,) = torch.autograd.grad(output.square().sum(), inputs)
        results.append((output.detach(), hidden.detach(), cell.detach(), gradient))
    gaps = [float((mine - theirs).abs().max()) for mine, theirs in zip(results[1], results[0])]
    return CustomAgreement(*gaps)


MAX_REPLAY_STEPS = 12  # the call-by-call animation replays the first steps; later steps repeat the same pattern


@dataclass(frozen=True)
class LoopReplay:
    """CustomLSTM's ``nn.LSTMCell`` calls in the order its loop makes them, each checked against nn.LSTM (float64).

    Only the first ``min(seq_len, MAX_REPLAY_STEPS)`` = S steps are replayed; L = num_layers.
    """

    calls: tuple[tuple[int, int], ...]  # (step, layer) of each call, 0-based, as recorded by forward hooks
    hidden_norms: np.ndarray  # (S, L) ‖h_t‖ of batch row 0 right after the call (t, layer)
    gaps: np.ndarray  # (S, L) max |h_t (loop) − h_t (nn.LSTM, same layer)| over the batch and units
    seq_len: int  # the full sequence length (≥ S)

    @property
    def worst_gap(self) -> float:
        """The largest gap of any call to nn.LSTM."""
        return float(self.gaps.max())


def loop_replay(sizes: LSTMSizes, seed: int = 0, device: torch.device | str = "cpu",
                max_steps: int = MAX_REPLAY_STEPS) -> LoopReplay:
    """Run CustomLSTM on the first steps and record every cell call with forward hooks (so the order shown is the
    order the loop really runs); compare each call's h_t with that layer's output of the fused computation."""
    fused, custom, x = _models(sizes, seed, torch.device(device), torch.float64)
    steps = min(sizes.seq_len, max_steps)
    x = x[:steps]  # (steps, batch, input)
    recorded: list[tuple[int, torch.Tensor]] = []
    hooks = [lstm_cell.register_forward_hook(
        lambda module, inputs, output, layer=layer: recorded.append((layer, output[0].detach())))
        for layer, lstm_cell in enumerate(custom.cells)]
    try:
        with torch.no_grad():
            custom(x)
            layer_outputs = _fused_layer_outputs(fused, x)
    finally:
        for hook in hooks:
            hook.remove()
    calls, seen = [], [0] * sizes.num_layers
    hidden_norms = np.zeros((steps, sizes.num_layers))
    gaps = np.zeros((steps, sizes.num_layers))
    for layer, hidden in recorded:  # hidden: (batch, hidden)
        step = seen[layer]
        seen[layer] += 1
        calls.append((step, layer))
        hidden_norms[step, layer] = float(hidden[0].norm())
        gaps[step, layer] = float((hidden - layer_outputs[layer][step]).abs().max())
    return LoopReplay(tuple(calls), hidden_norms, gaps, sizes.seq_len)


def _fused_layer_outputs(fused: nn.LSTM, x: torch.Tensor) -> list[torch.Tensor]:
    """Every layer's h_t from fused kernels: nn.LSTM returns only the top layer's, so run it one layer at a time
    (one single-layer nn.LSTM call per layer, weights copied), which is how the stacked module runs anyway."""
    outputs, layer_input = [], x  # (seq_len, batch, features)
    for layer in range(fused.num_layers):
        single = nn.LSTM(layer_input.shape[-1], fused.hidden_size).to(device=x.device, dtype=x.dtype)
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(single, f"{name}_l0").copy_(getattr(fused, f"{name}_l{layer}"))
        layer_input, _ = single(layer_input)  # (seq_len, batch, hidden)
        outputs.append(layer_input)
    return outputs


@dataclass(frozen=True)
class SpeedComparison:
    """Forward + backward time of the Python loop and of the fused module, on one device."""

    device: str  # torch device the timing ran on
    threads: int | None  # CPU threads torch used (None on an accelerator)
    custom_seconds: float  # CustomLSTM: seq_len × num_layers nn.LSTMCell calls
    fused_seconds: float  # nn.LSTM: one fused call (cuDNN on a GPU)
    repeats: int  # timed runs per module (the fastest is kept)

    @property
    def ratio(self) -> float:
        """How many times slower the loop is."""
        return self.custom_seconds / self.fused_seconds


def speed_comparison(sizes: LSTMSizes, device: torch.device | str = "cpu", repeats: int = 5,
                     seed: int = 0) -> SpeedComparison:
    """Time forward + backward of CustomLSTM and nn.LSTM holding the same weights."""
    device = torch.device(device)
    fused, custom, x = _models(sizes, seed, device)

    def step(module: nn.Module) -> Callable[[], None]:
        def run() -> None:
            output, _ = module(x)
            output.square().sum().backward()
        return run

    with timing_conditions(device) as threads:
        seconds, rounds = fastest_seconds({"custom": step(custom), "fused": step(fused)}, repeats, device)
    return SpeedComparison(str(device), threads, seconds["custom"], seconds["fused"], rounds)


def text_classifier(vocab_size: int = 10_000, embed_size: int = 128, hidden_size: int = 256, num_layers: int = 2,
                    num_classes: int = 5) -> TextClassifier:
    """The tutorial's classifier (bidirectional LSTM, last states -> linear), built on the CPU only to be counted.

    Its 3.6 million weights take ~14 MB for a moment and ~20 ms to initialise; the meta device would allocate
    nothing but costs about a second the first time a process uses it, which the page's first view cannot afford."""
    config = ClassifierConfig(vocab_size=vocab_size, num_classes=num_classes, cell="lstm", bidirectional=True,
                              num_layers=num_layers, embed_size=embed_size, hidden_size=hidden_size,
                              dropout=0.3, pooling="last")
    return TextClassifier(config)
