r"""Gradient clipping by total norm, on the real gradients of a small RNN over several random batches.

The rule (the tutorial's pseudo-code, and what ``torch.nn.utils.clip_grad_norm_`` does)::

    ‖g‖ = sqrt(Σ_parameters Σ_entries g²)                     one norm over every gradient together
    g  ← g · min(1, threshold / (‖g‖ + 1e-6))                  same direction, length at most threshold

The model is lesson 4's RNN (:func:`core.lessons.gradients.build_model`: W_hh rescaled to a chosen spectral radius)
with a linear readout, asked at the last step to recall the first input's first feature — a long-range task, so
the gradient has to cross every step. Each batch's gradients are clipped twice, by the rule above written out and by
torch, and the two must agree. The gradients (:func:`batch_gradients`, the costly part: a forward and backward pass
per batch) do not depend on the threshold, so a page keeps them and :func:`clip_batches` applies each threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from core.escape import latex_text
from core.lessons.gradients import ChainSetup, build_model
from core.seeding import empty_module, generator as seeded_generator

EPSILON = 1e-6  # torch adds it to the norm so a zero gradient never divides by zero


@dataclass(frozen=True)
class ClippingSetup:
    """The batches the clipping demo draws."""

    seq_len: int = 30       # steps each sequence has; the target sits at step 1, the loss at the last step
    batch_size: int = 16    # sequences per batch
    num_batches: int = 8    # batches drawn (each its own gradient)


@dataclass(frozen=True)
class ClippingResult:
    """Gradient norms before and after clipping, one entry per batch (num_batches,)."""

    threshold: float
    losses: np.ndarray            # MSE loss of each batch
    norms_before: np.ndarray      # ‖g‖ computed by the rule written out
    torch_norms: np.ndarray       # the total norm clip_grad_norm_ returned
    norms_after: np.ndarray       # ‖g‖ of the parameters' .grad after clip_grad_norm_
    coefficients: np.ndarray      # min(1, threshold / (‖g‖ + 1e-6))
    clipped_diff: float           # max relative |rule-clipped gradient − torch-clipped gradient|

    @property
    def largest(self) -> int:
        """Index of the batch with the largest gradient norm before clipping."""
        return int(np.argmax(self.norms_before))

    @property
    def clipped(self) -> np.ndarray:
        """(num_batches,) True where clipping changed the gradient."""
        return self.coefficients < 1


def rule_latex(parameters_word: str, threshold_word: str) -> str:
    """The clipping rule :func:`clip_by_total_norm` applies, with the page's words for "parameters" and "threshold"."""
    parameters, threshold = latex_text(parameters_word), latex_text(threshold_word)
    return (rf"\|g\| = \sqrt{{\textstyle\sum_{{\text{{{parameters}}}}} \sum g^2}}, \qquad "
            rf"g \leftarrow g \cdot \min\!\left(1, \frac{{\text{{{threshold}}}}}{{\|g\| + 10^{{-6}}}}\right)")


def total_norm(gradients: list[torch.Tensor]) -> torch.Tensor:
    """‖g‖₂ of all gradients taken as one vector."""
    return torch.sqrt(sum((gradient**2).sum() for gradient in gradients))


def clip_by_total_norm(gradients: list[torch.Tensor], threshold: float) -> tuple[list[torch.Tensor], float]:
    """The clipping rule written out: returns (clipped gradients, coefficient applied)."""
    if not threshold > 0:
        raise ValueError(f"the clipping threshold must be positive, got {threshold}")
    coefficient = min(1.0, threshold / (total_norm(gradients).item() + EPSILON))
    return [gradient * coefficient for gradient in gradients], coefficient


def batch(index: int, chain: ChainSetup, setup: ClippingSetup) -> tuple[torch.Tensor, torch.Tensor]:
    """Batch ``index``: inputs (seq_len, batch, input_size) and targets (batch, 1) = the first step's feature 0."""
    generator = seeded_generator(1000 * chain.seed + index)
    inputs = torch.randn(setup.seq_len, setup.batch_size, chain.input_size, generator=generator,
                         dtype=torch.float64)  # (seq_len, batch, input)
    return inputs, inputs[0, :, :1].clone()  # (batch, 1)


@dataclass(frozen=True)
class BatchGradients:
    """Each batch's loss and real gradient before any clipping: what a threshold is applied to.

    Kept apart from the clipping so a new threshold reuses them (they depend on the model and the batches only).
    Treat as read-only: :func:`clip_batches` clips copies.
    """

    losses: tuple[float, ...]                        # MSE loss of each batch
    gradients: tuple[tuple[torch.Tensor, ...], ...]  # [batch][parameter]: the RNN's parameters, then the readout's


def batch_gradients(chain: ChainSetup = ChainSetup(), setup: ClippingSetup = ClippingSetup(),
                    device: torch.device | str = "cpu") -> BatchGradients:
    """Each batch's gradient of every parameter of lesson 4's RNN and a seeded readout (``device``: float64)."""
    rnn = build_model(chain)
    hidden_size = chain.hidden_size
    readout = empty_module(lambda: nn.Linear(hidden_size, 1, dtype=torch.float64))  # every parameter drawn below
    generator = seeded_generator(int(chain.seed) + 1)
    with torch.no_grad():
        for parameter in readout.parameters():
            parameter.uniform_(-chain.hidden_size**-0.5, chain.hidden_size**-0.5, generator=generator)
    rnn, readout = rnn.to(device), readout.to(device)
    parameters = list(rnn.parameters()) + list(readout.parameters())
    losses, gradients = [], []
    for index in range(setup.num_batches):
        inputs, targets = (tensor.to(device) for tensor in batch(index, chain, setup))
        output, _ = rnn(inputs)  # (seq_len, batch, hidden)
        loss = nn.functional.mse_loss(readout(output[-1]), targets)
        gradients.append(torch.autograd.grad(loss, parameters))  # what loss.backward() leaves in each .grad
        losses.append(loss.item())
    return BatchGradients(losses=tuple(losses), gradients=tuple(gradients))


def clip_batches(threshold: float, gradients: BatchGradients) -> ClippingResult:
    """Clip each batch's gradient by the rule and by ``clip_grad_norm_``, and compare the two."""
    holders = [torch.zeros_like(gradient) for gradient in gradients.gradients[0]]  # parameters for clip_grad_norm_
    before, returned, after, coefficients, differences = [], [], [], [], []
    for kept in gradients.gradients:
        ours, coefficient = clip_by_total_norm(list(kept), threshold)
        for holder, gradient in zip(holders, kept):
            holder.grad = gradient.clone()  # clip_grad_norm_ scales .grad in place, never the kept gradients
        returned.append(torch.nn.utils.clip_grad_norm_(holders, threshold).item())
        clipped = [holder.grad for holder in holders]
        scale = max(1e-30, max(gradient.abs().max().item() for gradient in ours))
        differences.append(max((mine - theirs).abs().max().item() for mine, theirs in zip(ours, clipped)) / scale)
        before.append(total_norm(list(kept)).item())
        after.append(total_norm(clipped).item())
        coefficients.append(coefficient)
    return ClippingResult(
        threshold=threshold, losses=np.array(gradients.losses), norms_before=np.array(before),
        torch_norms=np.array(returned), norms_after=np.array(after), coefficients=np.array(coefficients),
        clipped_diff=max(differences),
    )


def clipping_demo(threshold: float, chain: ChainSetup = ChainSetup(), setup: ClippingSetup = ClippingSetup(),
                  device: torch.device | str = "cpu") -> ClippingResult:
    """Compute each batch's real gradient, clip it by the rule and by ``clip_grad_norm_``, and compare.

    ``device`` must support float64 (CPU or CUDA).
    """
    return clip_batches(threshold, batch_gradients(chain, setup, device))
