r"""Lesson 5, second part: why the LSTM's cell path carries gradients further than an RNN's hidden path.

Along the direct (additive) path ``∂C_t/∂C_{t-1} = diag(f_t)``, so ``∂C_T/∂C_t ≈ diag(∏_{k=t+1}^{T} f_k)``; an RNN
multiplies ``W_hhᵀ diag(tanh')`` instead. :func:`cell_path` puts ∏f next to the RNN's measured ``‖∂h_T/∂h_t‖₂``
and the LSTM's own measured ``‖∂C_T/∂C_t‖₂`` (every path, from autograd), so the simplification can be seen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.gradients import each_through_time, jacobian_products, trace_for_gradients
from core.lesson_models import seeded_recurrent
from core.lessons.lstm_step import LSTMStepConfig, build_lstm
from core.sequence_input import embed_tokens, tokens_of

# The direct cell path against the RNN's chain (what cell_path measures).
PATH_EQUATIONS = (
    r"\frac{\partial C_t}{\partial C_{t-1}}\Big|_{\text{direct}} = \operatorname{diag}(f_t)"
    r"\quad\Rightarrow\quad \frac{\partial C_T}{\partial C_t}\Big|_{\text{direct}} = "
    r"\operatorname{diag}\Big(\prod_{k=t+1}^{T} f_k\Big)",
    r"\text{RNN:}\quad \frac{\partial h_t}{\partial h_{t-1}} = \operatorname{diag}(\tanh'(a_t))\, W_{hh}"
    r"\quad\Rightarrow\quad \frac{\partial h_T}{\partial h_t} = \prod_{k=t+1}^{T} "
    r"\operatorname{diag}(\tanh'(a_k))\, W_{hh}",
)


@dataclass(frozen=True)
class CellPath:
    """How much of a change at step t still reaches step T, three ways. Index t = 0 … T-1 (T = seq_len)."""

    tokens: tuple[str, ...]
    forget_product: np.ndarray  # (T, H)  ∏_{k=t+1}^{T} f_k per unit; 1 at t = T
    forget_product_norm: np.ndarray  # (T,)  ‖diag(∏ f)‖₂ = the largest unit's product
    cell_jacobian_norm: np.ndarray  # (T,)  ‖∂C_T/∂C_t‖₂, every path, from autograd
    rnn_jacobian_norm: np.ndarray  # (T,)  ‖∂h_T/∂h_t‖₂ of an nn.RNN with the same sizes, seed and input
    mean_forget: float  # average forget-gate value over the sequence

    @property
    def direct_path_spread(self) -> float:
        """Largest factor between the measured ‖∂C_T/∂C_t‖₂ and the direct-path ∏f, over t where both are > 0."""
        both = (self.cell_jacobian_norm > 0) & (self.forget_product_norm > 0)
        ratio = np.log(self.cell_jacobian_norm[both].astype(float) / self.forget_product_norm[both].astype(float))
        return float(np.exp(np.abs(ratio).max())) if ratio.size else 1.0


def cell_path(sentence: str, seed: int, forget_bias: float = 0.0,
              config: LSTMStepConfig = LSTMStepConfig()) -> CellPath:
    """Compare the LSTM's cell path with a plain RNN's hidden path on ``sentence``.

    The LSTM is the lesson's (same seed) with ``forget_bias`` added to its forget-gate bias. ``‖∂C_T/∂C_t‖₂``
    comes from autograd with loss ``C_T[j]`` for each unit j (what :func:`core.gradients.through_time` does with
    that loss): each backward pass's ∂L/∂C_t is row j of the Jacobian, every path through the gates included.

    The LSTM is traced once, with a graph, and each unit's backward pass runs on that one graph (``through_time``
    per unit traced the 60-step sentence again each time and built Jacobian products nobody read); the forget
    gates come from the same trace, and the RNN's ‖∂h_T/∂h_t‖₂ from :func:`core.gradients.jacobian_products`
    without a graph. The numbers are the same to the last bit (tests/core/test_lesson_lstm_step.py).
    """
    tokens, _ = tokens_of(sentence, config.max_path_tokens)
    inputs = embed_tokens(tokens, config.input_size, seed)  # (seq_len, input)
    lstm = build_lstm(seed, config, forget_bias)
    rnn = seeded_recurrent("rnn", config.input_size, config.hidden_size, seed)

    jacobians, forget = _cell_jacobians(lstm, inputs)  # (seq_len, hidden, hidden), (seq_len, hidden)
    with torch.no_grad():
        # Reverse cumulative product of f_{t+1} … f_T; the empty product at t = T is 1.
        later = torch.cat([forget[1:], forget.new_ones(1, config.hidden_size)])  # (seq_len, hidden): f_{t+1}
        forget_product = later.flip(0).cumprod(0).flip(0)  # (seq_len, hidden)
        rnn_norms = torch.linalg.matrix_norm(jacobian_products(rnn, inputs), ord=2)  # (seq_len,)

    return CellPath(
        tokens=tuple(tokens),
        forget_product=forget_product.numpy().copy(),
        forget_product_norm=forget_product.max(dim=1).values.numpy().copy(),
        cell_jacobian_norm=torch.linalg.matrix_norm(jacobians, ord=2).detach().numpy().copy(),
        rnn_jacobian_norm=rnn_norms.detach().numpy().copy(),
        mean_forget=float(forget.mean()),
    )



def _cell_jacobians(lstm: torch.nn.LSTM, inputs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(∂C_T/∂C_t for every t (seq_len, hidden, hidden), row j for unit j of C_T; the forget gates (seq_len, hidden))
    from one traced graph of ``lstm`` over ``inputs`` (seq_len, input), one backward pass per unit of C_T
    (:func:`core.gradients.each_through_time` on that trace)."""
    traced = trace_for_gradients(lstm, inputs)
    losses = [lambda traced, unit=unit: traced.c_n[0, unit] for unit in range(lstm.hidden_size)]
    # each (seq_len, hidden): row `unit` of ∂C_T/∂C_t for every t
    rows = [gradients.cell[:, 0] for gradients in each_through_time(lstm, inputs, losses, traced=traced)]
    return torch.stack(rows, dim=1), traced.gate("forget").detach()
