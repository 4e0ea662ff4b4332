r"""Lesson 3, backpropagation through time (BPTT), computed on a real ``torch.nn.RNN``.

The model uses the tutorial's worked sizes (input d = 3, hidden h = 4, output o = 2)::

    h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)              torch.nn.RNN; W_hh is ``weight_hh_l0``, h_0 = 0
    s_t = W_hy h_t + b_y                                    readout logits (nn.Linear); ŷ_t = softmax(s_t)
    L   = Σ_{t ∈ S} CE(s_t, c)                              S = {one chosen step} or every step, c the target index

The backward pass the lesson animates from right to left, with a_t the argument of tanh::

    ∂L/∂h_t  = W_hhᵀ · diag(1 − h_{t+1}²) · ∂L/∂h_{t+1}  +  ∂L_t/∂h_t     (the direct term only for t ∈ S)
    δ_t      = ∂L/∂a_t = (1 − h_t²) ⊙ ∂L/∂h_t
    ∂L/∂W_hh = Σ_t δ_t h_{t-1}ᵀ                                           one outer product per step

``∂L/∂h_t`` comes from autograd (:func:`core.gradients.through_time`: the total derivative, every path counted);
the recursion above is recomputed by hand and must agree with it, and the sum of the per-step terms must agree with
autograd's ``weight_hh_l0.grad`` of the fused module.

Positions are 0-based in arrays; pages show t = position + 1.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from core.gradients import through_time
from core.lessons import bmatrix
from core.lesson_models import RNNStepConfig, build_network
from core.lessons.trained.load import lesson_model
from core.sequence_input import embed_tokens, split_tokens
from core.trace import trace

MAX_TOKENS = 12  # the backward animation draws every step; longer chains stop being readable
MODEL_EQUATIONS = (  # the network and the loss backward_pass differentiates (target class index c = 1 in S)
    r"h_t = \tanh(W_{xh}x_t + W_{hh}h_{t-1} + b_h), \qquad s_t = W_{hy}h_t + b_y, \qquad "
    r"\hat{y}_t = \operatorname{softmax}(s_t)",
    r"L = \sum_{t \in S} L_t = -\sum_{t \in S} \log \hat{y}_t[c], \qquad c = 1",
)
SUM_EQUATION = (r"\frac{\partial L}{\partial W_{hh}} = \sum_{t=1}^{T} \delta_t\, h_{t-1}^\top, \qquad "
                r"\delta_t = \frac{\partial L}{\partial a_t} = (1 - h_t^2) \odot \frac{\partial L}{\partial h_t}")


@dataclass(frozen=True)
class BPTTSetup:
    """The lesson's loss; the network is lesson 2's (:func:`core.lessons.rnn_step.build_network`), same seed."""

    network: RNNStepConfig = RNNStepConfig()  # sizes d = 3, h = 4, o = 2
    target: int = 1                           # the class every loss term asks the readout for
    seed: int = 0                             # draws the weights and the token vectors
    trained: bool = False                     # the shipped agreement model instead (target 1 is then "were")


@dataclass(frozen=True)
class BackwardPass:
    """Every number of one forward + backward pass. T = seq_len, H = hidden_size, O = output_size."""

    tokens: tuple[str, ...]
    truncated: bool                   # the sentence had more than MAX_TOKENS tokens
    loss_steps: tuple[int, ...]       # positions that carry a loss term L_t
    loss: float                       # L, summed over loss_steps
    inputs: np.ndarray                # (T, input_size) x_t
    hidden: np.ndarray                # (T, H) h_t
    previous_hidden: np.ndarray       # (T, H) h_{t-1}; row 0 is h_0 = 0
    target_probability: np.ndarray    # (T,) ŷ_t[target] = softmax(s_t)[target]
    weight_hh: np.ndarray             # (H, H) torch's weight_hh_l0
    readout_weight: np.ndarray        # (O, H) W_hy
    grad_hidden: np.ndarray           # (T, H) ∂L/∂h_t from autograd (total derivative)
    direct: np.ndarray                # (T, H) ∂L_t/∂h_t, zero off loss_steps
    carried: np.ndarray               # (T, H) W_hhᵀ diag(1 − h_{t+1}²) ∂L/∂h_{t+1}, zero at the last step
    recursion: np.ndarray             # (T, H) ∂L/∂h_t recomputed by the hand recursion
    delta: np.ndarray                 # (T, H) δ_t = (1 − h_t²) ⊙ ∂L/∂h_t
    terms: np.ndarray                 # (T, H, H) δ_t h_{t-1}ᵀ, indexed by position
    running_sums: np.ndarray          # (T, H, H) after k+1 backward frames: Σ of the terms of the last k+1 steps
    weight_grad: np.ndarray           # (H, H) autograd's weight_hh_l0.grad of the fused nn.RNN
    forward_diff: float               # max |trace output − nn.RNN output|
    recursion_diff: float             # max |hand recursion − autograd ∂L/∂h_t|
    weight_diff: float                # max |Σ_t terms − weight_hh_l0.grad|
    grad_input: np.ndarray            # (T, d) ∂L/∂x_t = W_xhᵀ δ_t: what the loss asks of each word vector
    input_diff: float                 # max |W_xhᵀ δ_t − autograd's ∂L/∂x_t|

    @property
    def seq_len(self) -> int:
        return len(self.tokens)

    @property
    def direct_norms(self) -> np.ndarray:
        """(T,) ‖∂L_t/∂h_t‖: what each step's own loss sends into h_t."""
        return np.linalg.norm(self.direct, axis=1)

    @property
    def carried_norms(self) -> np.ndarray:
        """(T,) ‖W_hhᵀ diag(1 − h_{t+1}²) ∂L/∂h_{t+1}‖: what arrives from the future."""
        return np.linalg.norm(self.carried, axis=1)

    @property
    def term_norms(self) -> np.ndarray:
        """(T,) Frobenius norm of each step's term δ_t h_{t−1}ᵀ."""
        return np.linalg.norm(self.terms, axis=(1, 2))

    @property
    def backward_order(self) -> tuple[int, ...]:
        """Positions in the order the backward pass visits them: T−1, …, 0."""
        return tuple(range(self.seq_len - 1, -1, -1))

    @property
    def grad_norms(self) -> np.ndarray:
        """(T,) ‖∂L/∂h_t‖."""
        return np.linalg.norm(self.grad_hidden, axis=1)


def lesson_network(tokens: tuple[str, ...], setup: BPTTSetup) -> tuple[nn.RNN, nn.Linear, torch.Tensor]:
    """Lesson 2's seeded RNN and readout with its token vectors (T, d), or with ``setup.trained`` copies of the shipped
    agreement model's (copies: the backward pass writes ``.grad`` and may move them to a device)."""
    if not setup.trained:
        rnn, readout = build_network(setup.seed, setup.network)
        return rnn, readout, embed_tokens(list(tokens), setup.network.input_size, setup.seed)
    model = lesson_model("rnn", setup.network.input_size, setup.network.hidden_size)
    return copy.deepcopy(model.recurrent), copy.deepcopy(model.readout), model.embed(tokens)


def loss_positions(seq_len: int, loss_step: int | None) -> tuple[int, ...]:
    """The positions carrying a loss term: one step (negative counts from the end) or, for None, all of them."""
    if loss_step is None:
        return tuple(range(seq_len))
    if not -seq_len <= loss_step < seq_len:
        raise ValueError(f"loss_step {loss_step} is outside a sequence of {seq_len} steps")
    return (loss_step % seq_len,)


def _step_losses(readout: nn.Linear, hidden: torch.Tensor, positions: tuple[int, ...], target: int) -> torch.Tensor:
    """Σ_{t ∈ positions} CE(W_hy h_t + b_y, target) for hidden (T, H)."""
    logits = readout(hidden[list(positions)])  # (len(positions), O)
    targets = torch.full((len(positions),), target, dtype=torch.long, device=hidden.device)
    return nn.functional.cross_entropy(logits, targets, reduction="sum")


def backward_pass(sentence: str, loss_step: int | None = None, setup: BPTTSetup = BPTTSetup(),
                  device: torch.device | str = "cpu") -> BackwardPass:
    """Run the forward and backward pass of the lesson's RNN on ``sentence``.

    Args:
        sentence: typed text, split by :func:`core.sequence_input.split_tokens`.
        loss_step: position whose output carries the loss (negative counts from the end), or None for the sum of
            the losses at every position.
        device: where torch computes (the weights are drawn on the CPU first, so every device gets the same ones).
    """
    tokens = tuple(split_tokens(sentence, MAX_TOKENS))
    if not tokens:
        raise ValueError("the sentence has no tokens")
    positions = loss_positions(len(tokens), loss_step)
    rnn, readout, inputs = lesson_network(tokens, setup)
    rnn, readout, inputs = rnn.to(device), readout.to(device), inputs.to(device)  # inputs: (seq_len, input)

    def loss_of(traced) -> torch.Tensor:
        return _step_losses(readout, traced.output, positions, setup.target)

    # Total derivative ∂L/∂h_t at every step, by autograd through the step-by-step trace.
    gradients = through_time(rnn, inputs, loss_step=positions[-1], loss=loss_of)
    grad_hidden = gradients.hidden[:, 0]  # (seq_len, hidden)
    traced = trace(rnn, inputs)
    hidden = traced.output.detach()  # (seq_len, hidden)

    # The direct term sees h_t only through s_t: differentiate the same loss with the recurrence cut.
    cut = hidden.clone().requires_grad_(True)  # (seq_len, hidden)
    (direct,) = torch.autograd.grad(_step_losses(readout, cut, positions, setup.target), cut)

    with torch.no_grad():
        module_output, _ = rnn(inputs)  # (seq_len, hidden)
        forward_diff = (traced.output - module_output).abs().max().item()
        weight_hh = rnn.weight_hh_l0.detach()  # (H, H)
        previous = torch.cat([hidden.new_zeros(1, rnn.hidden_size), hidden[:-1]])  # (seq_len, hidden) h_{t-1}
        slope = 1 - hidden**2  # (seq_len, hidden) tanh'(a_t) = 1 − h_t²

        carried = torch.zeros_like(hidden)  # (seq_len, hidden)
        carried[:-1] = (slope[1:] * grad_hidden[1:]) @ weight_hh  # row form of W_hhᵀ diag(1 − h_{t+1}²) g_{t+1}
        recursion = torch.zeros_like(hidden)  # (seq_len, hidden)
        carry = hidden.new_zeros(rnn.hidden_size)  # (hidden,) what step t+1 sends back to step t
        for position in reversed(range(len(tokens))):
            recursion[position] = direct[position] + carry
            carry = weight_hh.T @ (slope[position] * recursion[position])
        delta = slope * grad_hidden  # (seq_len, hidden)
        terms = delta[:, :, None] * previous[:, None, :]  # (seq_len, hidden, hidden) δ_t h_{t-1}ᵀ
        running_sums = torch.cumsum(terms.flip(0), dim=0)  # (seq_len, hidden, hidden), backward frame order
        probabilities = torch.softmax(readout(hidden), dim=-1)[:, setup.target]  # (seq_len,)
        grad_input = delta @ rnn.weight_ih_l0.detach()  # (seq_len, input): row form of W_xhᵀ δ_t

    watched = inputs.detach().clone().requires_grad_(True)  # (seq_len, input)
    (autograd_input,) = torch.autograd.grad(_step_losses(readout, rnn(watched)[0], positions, setup.target), watched)

    weight_grad = _module_weight_grad(rnn, readout, inputs, positions, setup.target)
    arrays = {name: value.detach().cpu().numpy() for name, value in {
        "inputs": inputs, "hidden": hidden, "previous_hidden": previous, "target_probability": probabilities,
        "weight_hh": weight_hh, "readout_weight": readout.weight, "grad_hidden": grad_hidden, "direct": direct,
        "carried": carried, "recursion": recursion, "delta": delta, "terms": terms, "running_sums": running_sums,
    }.items()}
    return BackwardPass(
        tokens=tokens, truncated=len(split_tokens(sentence, MAX_TOKENS + 1)) > MAX_TOKENS, loss_steps=positions,
        loss=gradients.loss, weight_grad=weight_grad, forward_diff=forward_diff,
        recursion_diff=(recursion - grad_hidden).abs().max().item(),
        weight_diff=float(np.abs(arrays["running_sums"][-1] - weight_grad).max()),
        grad_input=grad_input.cpu().numpy(), input_diff=float((grad_input - autograd_input).abs().max()), **arrays,
    )


def _module_weight_grad(rnn: nn.RNN, readout: nn.Linear, inputs: torch.Tensor, positions: tuple[int, ...],
                        target: int) -> np.ndarray:
    """``weight_hh_l0.grad`` after ``loss.backward()`` through the fused module (the reference for Σ_t terms)."""
    rnn.zero_grad()
    output, _ = rnn(inputs)  # (seq_len, hidden)
    _step_losses(readout, output, positions, target).backward()
    return rnn.weight_hh_l0.grad.detach().cpu().numpy().copy()


def recursion_latex(result: BackwardPass, position: int) -> str:
    """The recursion at one step with its numbers: ∂L/∂h_t = W_hhᵀ diag(1 − h_{t+1}²) ∂L/∂h_{t+1} + ∂L_t/∂h_t.

    Three aligned lines (symbols, numbers, result) so the equation fits a page column.
    """
    step = position + 1
    total = bmatrix(result.grad_hidden[position], 3)
    direct = bmatrix(result.direct[position], 3)
    if position + 1 == result.seq_len:
        return (rf"\frac{{\partial L}}{{\partial h_{{{step}}}}} = \frac{{\partial L_{{{step}}}}}"
                rf"{{\partial h_{{{step}}}}} = {direct}")
    return (
        r"\begin{aligned}"
        rf"\frac{{\partial L}}{{\partial h_{{{step}}}}} &= W_{{hh}}^\top \operatorname{{diag}}(1-h_{{{step + 1}}}^2)"
        rf"\frac{{\partial L}}{{\partial h_{{{step + 1}}}}} + \frac{{\partial L_{{{step}}}}}{{\partial h_{{{step}}}}}"
        rf" \\ &= {bmatrix(result.weight_hh.T)} \operatorname{{diag}}{bmatrix(1 - result.hidden[position + 1] ** 2)}"
        rf" {bmatrix(result.grad_hidden[position + 1], 3)} + {direct} \\ &= {total}"
        r"\end{aligned}"
    )


def term_latex(result: BackwardPass, position: int) -> str:
    """One step's share of the weight gradient: δ_t h_{t-1}ᵀ with its numbers."""
    step = position + 1
    return (
        rf"\delta_{{{step}}} h_{{{step - 1}}}^\top = "
        rf"\left((1-h_{{{step}}}^2)\odot\frac{{\partial L}}{{\partial h_{{{step}}}}}\right) h_{{{step - 1}}}^\top = "
        rf"{bmatrix(result.delta[position], 3)} {bmatrix(result.previous_hidden[position][None, :])} = "
        rf"{bmatrix(result.terms[position], 3)}"
    )
