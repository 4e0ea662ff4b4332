r"""Lesson 4, vanishing and exploding gradients, measured on a real ``torch.nn.RNN``.

With a_t = W_xh x_t + W_hh h_{t-1} + b_h (torch: W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) and h_t = φ(a_t) (φ = tanh or relu), one step's Jacobian and
the chain that carries a gradient from step T back to step t are::

    ∂h_k/∂h_{k-1} = diag(φ'(a_k)) · W_hh                      (the tutorial writes the transpose, W_hhᵀ·diag(φ'))
    ∂h_T/∂h_t     = Π_{k=T}^{t+1} diag(φ'(z_k)) · W_hh

and since the spectral norm is submultiplicative, with n = T − t::

    ‖∂h_T/∂h_t‖ ≤ Π_{k=t+1}^{T} σ_max(W_hh) · max_j φ'(a_{k,j})  ≤  σ_max(W_hh)^n      (tanh' ≤ 1)

For long chains the product grows or shrinks roughly like ρ(W_hh)^n (ρ the spectral radius) while φ' stays
near 1; saturation (|z| large, tanh' ≈ 0) makes it vanish faster. The lesson rescales a seeded W_hh to a chosen
spectral radius, measures the products (:func:`core.gradients.jacobian_products`' matrices) and checks them against
autograd row by row, both from one :func:`core.gradients.through_time` trace. Gradient clipping lives in
:mod:`core.lessons.clipping`.

Positions are 0-based in arrays; pages show t = position + 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from core.gradients import readout_weights, through_time
from core.seeding import empty_module, generator as seeded_generator
from core.sequence_input import embed_tokens

POWER_STEPS = (1, 5, 10, 20, 50)  # the tutorial's table rows
CHAIN_EQUATION = (  # what measure_chain multiplies out, in torch's convention (the tutorial's transpose)
    r"\frac{\partial h_k}{\partial h_{k-1}} = \operatorname{diag}(\varphi'(a_k))\,W_{hh}, \qquad "
    r"\frac{\partial h_T}{\partial h_t} = \operatorname{diag}(\varphi'(a_T))\,W_{hh} \cdots "
    r"\operatorname{diag}(\varphi'(a_{t+1}))\,W_{hh}"
)


@dataclass(frozen=True)
class ChainSetup:
    """The RNN whose Jacobian chain the lesson measures."""

    input_size: int = 3           # size of each x_t
    hidden_size: int = 16         # size of h_t
    radius: float = 0.9           # W_hh is rescaled to this spectral radius (largest |eigenvalue|)
    nonlinearity: str = "tanh"    # "tanh" or "relu", as nn.RNN takes it
    matrix: str = "orthogonal"    # W_hh = radius·Q (all σ equal, "orthogonal") or a rescaled Gaussian ("gaussian")
    seed: int = 0                 # draws the weights and the inputs


@dataclass(frozen=True)
class JacobianChain:
    """‖∂h_T/∂h_t‖ for every t ≤ T and its predictions. T = loss_step; arrays are (T + 1,) unless noted."""

    loss_step: int                 # position T the chain starts from
    measured: np.ndarray           # ‖∂h_T/∂h_t‖₂ of core.gradients' Jacobian products
    upper_bound: np.ndarray        # Π_{k=t+1}^{T} σ_max(W_hh) · max_j φ'(a_{k,j})
    lower_bound: np.ndarray        # Π_{k=t+1}^{T} σ_min(W_hh) · min_j φ'(a_{k,j})
    weight_bound: np.ndarray       # σ_max(W_hh)^(T−t), the bound when φ' ≤ 1 is all we know
    radius_rate: np.ndarray        # ρ(W_hh)^(T−t), the linear-regime growth rate
    pre_activation: np.ndarray     # (seq_len, H) a_t
    hidden: np.ndarray             # (seq_len, H) h_t = φ(a_t), from the fused nn.RNN
    slope: np.ndarray              # (seq_len, H) φ'(a_t)
    step_norms: np.ndarray         # (seq_len,) ‖diag(φ'(a_t)) W_hh‖₂, one step's Jacobian
    singular_values: np.ndarray    # (H,) of W_hh, descending
    spectral_radius: float         # ρ(W_hh) after rescaling
    autograd_diff: float           # max |autograd wᵀ∂h_T/∂h_t − wᵀ·product| / max(1, max |product|)

    @property
    def distances(self) -> np.ndarray:
        """(T + 1,) n = T − t."""
        return self.loss_step - np.arange(self.loss_step + 1)


def build_model(setup: ChainSetup) -> nn.RNN:
    """A seeded float64 nn.RNN whose W_hh (``weight_hh_l0``) has spectral radius ``setup.radius``."""
    if setup.nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {setup.nonlinearity!r}")
    if setup.matrix not in ("orthogonal", "gaussian"):
        raise ValueError(f"matrix must be 'orthogonal' or 'gaussian', got {setup.matrix!r}")
    if not setup.radius > 0:
        raise ValueError(f"the spectral radius must be positive, got {setup.radius}")
    # float64 so chains of 200 steps can reach 1e-60 without float32 underflow hiding the trend; built empty (torch's
    # own initialisation would draw from the global generator, and every parameter is drawn below anyway)
    input_size, hidden_size, nonlinearity = setup.input_size, setup.hidden_size, setup.nonlinearity
    rnn = empty_module(lambda: nn.RNN(input_size, hidden_size, nonlinearity=nonlinearity, dtype=torch.float64))
    # A private generator: the seed alone fixes the weights, whatever else touched torch's global random state.
    generator = seeded_generator(int(setup.seed))
    bound = setup.hidden_size**-0.5  # torch's default U(-1/√H, 1/√H) for W_ih and the biases
    with torch.no_grad():
        for parameter in (rnn.weight_ih_l0, rnn.bias_ih_l0, rnn.bias_hh_l0):
            parameter.uniform_(-bound, bound, generator=generator)
        weight = torch.randn(setup.hidden_size, setup.hidden_size, dtype=torch.float64, generator=generator)
        if setup.matrix == "orthogonal":
            weight, _ = torch.linalg.qr(weight)  # every singular value and |eigenvalue| is 1
        weight *= setup.radius / torch.linalg.eigvals(weight).abs().max()
        rnn.weight_hh_l0.copy_(weight)
    return rnn


def float64_device(device: torch.device | str) -> torch.device:
    """``device`` if it computes in float64, else the CPU (Apple MPS has no float64)."""
    device = torch.device(device)
    return torch.device("cpu") if device.type == "mps" else device


def random_inputs(seq_len: int, setup: ChainSetup) -> torch.Tensor:
    """(seq_len, input_size) float64 standard normal inputs drawn from the setup's seed."""
    if seq_len < 1:
        raise ValueError("seq_len must be at least 1")
    generator = seeded_generator(setup.seed + 1)
    return torch.randn(seq_len, setup.input_size, generator=generator, dtype=torch.float64)


def sentence_inputs(tokens: list[str], setup: ChainSetup) -> torch.Tensor:
    """(seq_len, input_size) the tokens' seeded vectors (:func:`core.sequence_input.embed_tokens`), float64."""
    return embed_tokens(tokens, setup.input_size, setup.seed).double()


def measure_chain(inputs: torch.Tensor, setup: ChainSetup, loss_step: int = -1,
                  device: torch.device | str = "cpu") -> JacobianChain:
    """Measure ‖∂h_T/∂h_t‖ on ``inputs`` (seq_len, input_size) from T = ``loss_step`` back to t = 0.

    ``device`` must support float64 (CPU or CUDA; not Apple MPS).
    """
    rnn = build_model(setup).to(device)
    inputs = inputs.to(device)
    step = loss_step % inputs.shape[0]
    # One trace gives both: the Jacobian products with their norms, and autograd's gradients to check them against.
    gradients = through_time(rnn, inputs, loss_step=step)
    products = gradients.jacobian_products[: step + 1]  # (T+1, H, H)
    measured = gradients.jacobian_norms[: step + 1]  # (T+1,)

    # Autograd's vector-Jacobian products wᵀ ∂h_T/∂h_t (the default loss w·h_T) must match wᵀ times each product.
    probe = readout_weights(setup.hidden_size, dtype=inputs.dtype, device=inputs.device)  # (H,)
    autograd = gradients.hidden[: step + 1, 0]  # (T+1, H)
    scale = max(1.0, products.abs().max().item())  # exploding chains: compare relative to their size
    autograd_diff = (autograd - probe @ products).abs().max().item() / scale

    with torch.no_grad():
        hidden, _ = rnn(inputs)  # (seq_len, H)
        previous = torch.cat([hidden.new_zeros(1, setup.hidden_size), hidden[:-1]])  # (seq_len, H) h_{t-1}
        pre_activation = (inputs @ rnn.weight_ih_l0.T + rnn.bias_ih_l0
                          + previous @ rnn.weight_hh_l0.T + rnn.bias_hh_l0)  # (seq_len, H) z_t
    # The rest is a handful of small reductions: do them on the CPU, where the numpy arrays end up anyway.
    measured, hidden, pre_activation = measured.cpu(), hidden.cpu(), pre_activation.cpu()
    slope = (1 - torch.tanh(pre_activation) ** 2 if setup.nonlinearity == "tanh"
             else (pre_activation > 0).to(pre_activation.dtype))  # (seq_len, H) φ'(z_t)

    weight = rnn.weight_hh_l0.detach().cpu()  # (H, H)
    singular_values = torch.linalg.svdvals(weight)  # (H,) descending
    radius = torch.linalg.eigvals(weight).abs().max().item()
    window = slope[: step + 1]  # (T+1, H)
    distances = torch.arange(step, -1, -1, dtype=torch.float64)  # (T+1,) n = T − t
    return JacobianChain(
        loss_step=step, measured=measured.numpy(),
        upper_bound=_suffix_products(singular_values[0] * window.max(dim=1).values).numpy(),
        lower_bound=_suffix_products(singular_values[-1] * window.min(dim=1).values).numpy(),
        weight_bound=(singular_values[0] ** distances).numpy(), radius_rate=(radius**distances).numpy(),
        pre_activation=pre_activation.numpy(), hidden=hidden.numpy(), slope=slope.numpy(),
        step_norms=torch.linalg.matrix_norm(slope[:, :, None] * weight, ord=2).numpy(),
        singular_values=singular_values.numpy(),
        spectral_radius=radius, autograd_diff=autograd_diff,
    )


def _suffix_products(factors: torch.Tensor) -> torch.Tensor:
    """(T+1,) entry t = Π_{k=t+1}^{T} factors[k]: factor k joins h_{k-1} to h_k (entry T is the empty product 1)."""
    shifted = torch.cat([factors[1:], factors.new_ones(1)])  # (T+1,) factors[t+1], then 1
    return shifted.flip(0).cumprod(0).flip(0)


@dataclass(frozen=True)
class PowerRow:
    """One row of the tutorial's "multiply by 0.5 each step" table, recomputed."""

    steps: int                # n
    exact: float              # factorⁿ in float64
    measured: float | None    # ‖∂h_T/∂h_{T−n}‖ of the RNN above, None when the chain is shorter than n
    per_step: float | None    # measuredⁿ⁻¹: the RNN's average factor per step over those n steps


def power_table(factor: float, chain: JacobianChain | None = None, steps=POWER_STEPS) -> list[PowerRow]:
    """factorⁿ for each n in ``steps`` beside what the measured chain actually did over n steps."""
    rows = []
    for count in steps:
        exact = torch.tensor(factor, dtype=torch.float64).pow(count).item()
        measured = per_step = None
        if chain is not None and count <= chain.loss_step:
            measured = float(chain.measured[chain.loss_step - count])
            per_step = measured ** (1 / count) if measured > 0 else 0.0
        rows.append(PowerRow(steps=count, exact=exact, measured=measured, per_step=per_step))
    return rows


def activation_curve(nonlinearity: str, limit: float = 4.0, points: int = 161) -> tuple[np.ndarray, ...]:
    """(z, φ(z), φ'(z)) on [−limit, limit] for drawing; φ' by autograd so the plot shows torch's derivative."""
    z = torch.linspace(-limit, limit, points, dtype=torch.float64, requires_grad=True)  # (points,)
    value = torch.tanh(z) if nonlinearity == "tanh" else torch.relu(z)
    (slope,) = torch.autograd.grad(value.sum(), z)
    return z.detach().numpy(), value.detach().numpy(), slope.numpy()


def display_limit(pre_activation: np.ndarray, nonlinearity: str) -> float:
    """Half-width of the z axis that shows the run's z_t: tanh is flat beyond |z| = 10, and an exploding relu run can
    reach |z| ~ 1e100, so its axis follows the bulk (99th percentile) of the values, up to 1e6."""
    size = np.abs(np.asarray(pre_activation, float))
    if nonlinearity == "tanh":
        return float(np.clip(size.max(), 4.0, 10.0))
    return float(np.clip(np.quantile(size, 0.99), 4.0, 1e6))


def find_token(tokens: list[str], word: str, default: int) -> int:
    """Position of ``word`` in ``tokens`` ignoring case and punctuation, else ``default``."""
    wanted = word.strip(".,;:!?\"'").lower()
    for position, token in enumerate(tokens):
        if token.strip(".,;:!?\"'").lower() == wanted:
            return position
    return default


def latex_scientific(value: float, digits: int = 3) -> str:
    r"""``1.23 \times 10^{-12}`` for an equation (plain decimals between 0.01 and 1000)."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else r"\infty"
    exponent = math.floor(math.log10(abs(value)))
    if -2 <= exponent < 3:
        return f"{value:.{digits}g}"
    return rf"{value / 10**exponent:.{digits - 1}f} \times 10^{{{exponent}}}"


def chain_latex(chain: JacobianChain, position: int, nonlinearity: str) -> str:
    """‖∂h_T/∂h_t‖ with its numbers and the two bounds, for t = position + 1, on three aligned lines."""
    step, last = position + 1, chain.loss_step + 1
    phi = r"\tanh'" if nonlinearity == "tanh" else r"\operatorname{relu}'"
    sigma = latex_scientific(float(chain.singular_values[0]))
    return (
        r"\begin{aligned}"
        rf"\left\| \frac{{\partial h_{{{last}}}}}{{\partial h_{{{step}}}}} \right\|"
        rf" &= \left\| \prod_{{k={step + 1}}}^{{{last}}} \operatorname{{diag}}({phi}(a_k))\, W_{{hh}} \right\|"
        rf" = {latex_scientific(float(chain.measured[position]))} \\"
        rf" &\le \prod_{{k={step + 1}}}^{{{last}}} \sigma_{{\max}} \max_j {phi}(a_{{k,j}})"
        rf" = {latex_scientific(float(chain.upper_bound[position]))} \\"
        rf" &\le \sigma_{{\max}}^{{{last - step}}} = {sigma}^{{{last - step}}}"
        rf" = {latex_scientific(float(chain.weight_bound[position]))}"
        r"\end{aligned}"
    )
