r"""An RNN cell and an LSTM cell written from scratch in NumPy: forward, backward, and BPTT over a sequence.

This is the tutorial's "Code" lesson made runnable. Both cells use one weight matrix acting on the
concatenation ``[x_t, h_{t-1}]`` (columns: input features first, then hidden units), with row vectors per
sample, so a batch is a (batch, features) array.

LSTM (gate blocks stacked in the tutorial's order f, i, C̃, o; ``W`` is (4H, I + H))::

    z_t  = [x_t, h_{t-1}]                                   (batch, I + H)
    f_t  = σ(z_t W_fᵀ + b_f)      i_t = σ(z_t W_iᵀ + b_i)
    C̃_t  = tanh(z_t W_Cᵀ + b_C)   o_t = σ(z_t W_oᵀ + b_o)
    c_t  = f_t ⊙ c_{t-1} + i_t ⊙ C̃_t
    h_t  = o_t ⊙ tanh(c_t)

Backward, given ``dh = ∂L/∂h_t`` and ``dc_next = ∂L/∂c_t`` arriving from step t + 1::

    do       = dh ⊙ tanh(c_t)
    dc       = dc_next + dh ⊙ o_t ⊙ (1 - tanh²(c_t))
    df, di   = dc ⊙ c_{t-1},  dc ⊙ C̃_t          dC̃ = dc ⊙ i_t
    da_f     = df ⊙ f(1 - f)   da_i = di ⊙ i(1 - i)   da_C = dC̃ ⊙ (1 - C̃²)   da_o = do ⊙ o(1 - o)
    dW = daᵀ z_t      db = Σ_batch da      dz = da W  ->  dx = dz[:, :I],  dh_prev = dz[:, I:]
    dc_prev = dc ⊙ f_t

``from_torch`` copies an ``nn.LSTMCell``'s weights: torch stacks i, f, g, o and keeps ``W_ih`` / ``W_hh`` apart,
so the rows are reordered to f, i, C̃, o, the columns concatenated as ``[W_ih | W_hh]`` and the biases summed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from torch import nn

from core.weights import GATE_ORDER, TUTORIAL_ORDER

__all__ = [
    "NumpyRNNCell", "NumpyLSTMCell", "RNNCache", "LSTMCache", "SequenceGradients",
    "unroll_forward", "unroll_backward", "sigmoid", "torch_rows_in_tutorial_order",
]


def sigmoid(values: np.ndarray) -> np.ndarray:
    """σ(a) = 1 / (1 + e^{-a}); clipping keeps exp from overflowing for very negative a."""
    return 1.0 / (1.0 + np.exp(-np.clip(values, -500, 500)))


def torch_rows_in_tutorial_order(hidden_size: int) -> np.ndarray:
    """Row indices that turn torch's i, f, g, o stacking into the tutorial's f, i, C̃, o."""
    blocks = [GATE_ORDER["lstm"].index(name) for name in TUTORIAL_ORDER["lstm"]]
    return np.concatenate([np.arange(block * hidden_size, (block + 1) * hidden_size) for block in blocks])


def _combined_weights(cell: nn.RNNCellBase, dtype) -> tuple[np.ndarray, np.ndarray]:
    """``[W_ih | W_hh]`` (G*H, I + H) and ``b_ih + b_hh`` (G*H,) from a torch cell, in torch's row order."""
    weight = np.concatenate([cell.weight_ih.detach().cpu().numpy(), cell.weight_hh.detach().cpu().numpy()], axis=1)
    if cell.bias:
        bias = cell.bias_ih.detach().cpu().numpy() + cell.bias_hh.detach().cpu().numpy()
    else:
        bias = np.zeros(weight.shape[0])
    return weight.astype(dtype), bias.astype(dtype)


@dataclass(frozen=True)
class RNNCache:
    """What the RNN backward pass needs from its forward pass; arrays are (batch, ·)."""

    combined: np.ndarray  # (batch, input + hidden): [x, h_prev]
    pre_hidden: np.ndarray  # (batch, hidden): z W^T + b
    hidden: np.ndarray  # (batch, hidden)


class NumpyRNNCell:
    r"""Elman RNN cell: :math:`h_t = \phi(W [x_t, h_{t-1}] + b)`, φ = tanh or relu.

    Shapes: x (batch, input_size), h (batch, hidden_size); ``weight`` (hidden_size, input_size + hidden_size),
    ``bias`` (hidden_size,). After :meth:`backward`, ``grad_weight`` / ``grad_bias`` hold ∂L/∂W and ∂L/∂b.
    """

    def __init__(self, input_size: int, hidden_size: int, nonlinearity: str = "tanh", seed: int = 0,
                 dtype=np.float64):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        combined_size = input_size + hidden_size
        generator = np.random.default_rng(seed)
        self.input_size, self.hidden_size, self.nonlinearity = input_size, hidden_size, nonlinearity
        self.weight = (generator.standard_normal((hidden_size, combined_size)) * np.sqrt(2.0 / combined_size)).astype(dtype)
        self.bias = np.zeros(hidden_size, dtype=dtype)
        self.grad_weight = np.zeros_like(self.weight)
        self.grad_bias = np.zeros_like(self.bias)
        self.cache: RNNCache | None = None

    @classmethod
    def from_torch(cls, cell: nn.RNNCell, dtype=np.float64) -> NumpyRNNCell:
        """A NumPy copy of ``cell``: ``W = [W_ih | W_hh]``, ``b = b_ih + b_hh``."""
        if not isinstance(cell, nn.RNNCell):
            raise TypeError(f"expected nn.RNNCell, got {type(cell).__name__}")
        numpy_cell = cls(cell.input_size, cell.hidden_size, cell.nonlinearity, dtype=dtype)
        numpy_cell.weight, numpy_cell.bias = _combined_weights(cell, dtype)
        return numpy_cell

    def forward(self, x: np.ndarray, hidden_prev: np.ndarray) -> np.ndarray:
        """One step; returns h_t (batch, hidden_size) and caches what backward needs."""
        combined = np.concatenate([x, hidden_prev], axis=1)  # (batch, input + hidden)
        pre_hidden = combined @ self.weight.T + self.bias  # (batch, hidden)
        hidden = np.tanh(pre_hidden) if self.nonlinearity == "tanh" else np.maximum(pre_hidden, 0)
        self.cache = RNNCache(combined, pre_hidden, hidden)
        return hidden

    def backward(self, d_hidden: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Given ∂L/∂h_t (batch, hidden), set grad_weight / grad_bias and return (∂L/∂x_t, ∂L/∂h_{t-1})."""
        cache = self.cache
        if self.nonlinearity == "tanh":
            d_pre = d_hidden * (1 - cache.hidden**2)  # tanh' = 1 - tanh²
        else:
            d_pre = d_hidden * (cache.pre_hidden > 0)
        self.grad_weight = d_pre.T @ cache.combined  # (hidden, input + hidden)
        self.grad_bias = d_pre.sum(axis=0)  # (hidden,)
        d_combined = d_pre @ self.weight  # (batch, input + hidden)
        return d_combined[:, : self.input_size], d_combined[:, self.input_size:]


@dataclass(frozen=True)
class LSTMCache:
    """What the LSTM backward pass needs from its forward pass; arrays are (batch, ·)."""

    combined: np.ndarray  # (batch, input + hidden): [x, h_prev]
    cell_prev: np.ndarray  # (batch, hidden)
    forget_gate: np.ndarray  # (batch, hidden)
    input_gate: np.ndarray  # (batch, hidden)
    candidate: np.ndarray  # (batch, hidden): C̃
    output_gate: np.ndarray  # (batch, hidden)
    cell: np.ndarray  # (batch, hidden): c_t


class NumpyLSTMCell:
    """LSTM cell from scratch (equations in the module docstring).

    Shapes: x (batch, input_size); h, c (batch, hidden_size); ``weight`` (4 * hidden_size,
    input_size + hidden_size) with row blocks f, i, C̃, o; ``bias`` (4 * hidden_size,). After :meth:`backward`,
    ``grad_weight`` / ``grad_bias`` hold ∂L/∂W and ∂L/∂b for that step.
    """

    def __init__(self, input_size: int, hidden_size: int, seed: int = 0, dtype=np.float64):
        combined_size = input_size + hidden_size
        generator = np.random.default_rng(seed)
        self.input_size, self.hidden_size = input_size, hidden_size
        self.weight = (generator.standard_normal((4 * hidden_size, combined_size))
                       * np.sqrt(2.0 / combined_size)).astype(dtype)
        self.bias = np.zeros(4 * hidden_size, dtype=dtype)
        self.grad_weight = np.zeros_like(self.weight)
        self.grad_bias = np.zeros_like(self.bias)
        self.cache: LSTMCache | None = None

    @classmethod
    def from_torch(cls, cell: nn.LSTMCell, dtype=np.float64) -> NumpyLSTMCell:
        """A NumPy copy of ``cell``: rows reordered i, f, g, o -> f, i, C̃, o; columns ``[W_ih | W_hh]``."""
        if not isinstance(cell, nn.LSTMCell):
            raise TypeError(f"expected nn.LSTMCell, got {type(cell).__name__}")
        numpy_cell = cls(cell.input_size, cell.hidden_size, dtype=dtype)
        weight, bias = _combined_weights(cell, dtype)
        rows = torch_rows_in_tutorial_order(cell.hidden_size)
        numpy_cell.weight, numpy_cell.bias = weight[rows], bias[rows]
        return numpy_cell

    def step(self, x: np.ndarray, hidden_prev: np.ndarray, cell_prev: np.ndarray):
        """Pure forward step: returns (h_t, c_t, cache) without touching ``self.cache``."""
        hidden_size = self.hidden_size
        combined = np.concatenate([x, hidden_prev], axis=1)  # (batch, input + hidden)
        gates = combined @ self.weight.T + self.bias  # (batch, 4 * hidden)
        forget_gate = sigmoid(gates[:, :hidden_size])
        input_gate = sigmoid(gates[:, hidden_size: 2 * hidden_size])
        candidate = np.tanh(gates[:, 2 * hidden_size: 3 * hidden_size])
        output_gate = sigmoid(gates[:, 3 * hidden_size:])
        cell = forget_gate * cell_prev + input_gate * candidate  # (batch, hidden)
        hidden = output_gate * np.tanh(cell)  # (batch, hidden)
        cache = LSTMCache(combined, cell_prev, forget_gate, input_gate, candidate, output_gate, cell)
        return hidden, cell, cache

    def step_backward(self, d_hidden: np.ndarray, d_cell_next: np.ndarray, cache: LSTMCache):
        """Pure backward step: returns (dx, dh_prev, dc_prev, grad_weight, grad_bias).

        ``d_hidden`` = ∂L/∂h_t and ``d_cell_next`` = ∂L/∂c_t from step t + 1 (only the path that bypasses h_t).
        """
        squashed_cell = np.tanh(cache.cell)
        d_output_gate = d_hidden * squashed_cell  # do = dh ⊙ tanh(c)
        d_cell = d_cell_next + d_hidden * cache.output_gate * (1 - squashed_cell**2)  # dc
        d_forget_gate = d_cell * cache.cell_prev  # df = dc ⊙ c_{t-1}
        d_input_gate = d_cell * cache.candidate  # di = dc ⊙ C̃
        d_candidate = d_cell * cache.input_gate  # dC̃ = dc ⊙ i
        d_gates = np.concatenate([  # derivatives w.r.t. the pre-activations, blocks f, i, C̃, o
            d_forget_gate * cache.forget_gate * (1 - cache.forget_gate),
            d_input_gate * cache.input_gate * (1 - cache.input_gate),
            d_candidate * (1 - cache.candidate**2),
            d_output_gate * cache.output_gate * (1 - cache.output_gate),
        ], axis=1)  # (batch, 4 * hidden)
        grad_weight = d_gates.T @ cache.combined  # (4 * hidden, input + hidden)
        grad_bias = d_gates.sum(axis=0)  # (4 * hidden,)
        d_combined = d_gates @ self.weight  # (batch, input + hidden)
        d_cell_prev = d_cell * cache.forget_gate  # the additive "highway": ∂c_t/∂c_{t-1} = f_t
        return (d_combined[:, : self.input_size], d_combined[:, self.input_size:], d_cell_prev,
                grad_weight, grad_bias)

    def forward(self, x: np.ndarray, hidden_prev: np.ndarray, cell_prev: np.ndarray):
        """One step; returns (h_t, c_t) and caches what :meth:`backward` needs."""
        hidden, cell, self.cache = self.step(x, hidden_prev, cell_prev)
        return hidden, cell

    def backward(self, d_hidden: np.ndarray, d_cell_next: np.ndarray):
        """Backward through the last :meth:`forward`; sets grad_weight / grad_bias, returns (dx, dh_prev, dc_prev)."""
        if self.cache is None:
            raise RuntimeError("call forward before backward")
        d_x, d_hidden_prev, d_cell_prev, self.grad_weight, self.grad_bias = self.step_backward(
            d_hidden, d_cell_next, self.cache)
        return d_x, d_hidden_prev, d_cell_prev


@dataclass(frozen=True)
class SequenceGradients:
    """BPTT result over a whole sequence."""

    weight: np.ndarray  # (4 * hidden, input + hidden): Σ_t ∂L/∂W from every step
    bias: np.ndarray  # (4 * hidden,)
    inputs: np.ndarray  # (seq_len, batch, input): ∂L/∂x_t
    hidden_0: np.ndarray  # (batch, hidden): ∂L/∂h_0
    cell_0: np.ndarray  # (batch, hidden): ∂L/∂c_0


def unroll_forward(cell: NumpyLSTMCell, inputs: np.ndarray, hidden_0: np.ndarray | None = None,
                   cell_0: np.ndarray | None = None):
    """Run the LSTM over ``inputs`` (seq_len, batch, input); returns (hiddens, cells, caches).

    ``hiddens`` and ``cells`` are (seq_len, batch, hidden); ``caches`` has one :class:`LSTMCache` per step.
    """
    batch_size = inputs.shape[1]
    zeros = np.zeros((batch_size, cell.hidden_size), dtype=cell.weight.dtype)
    hidden = zeros if hidden_0 is None else hidden_0
    cell_state = zeros if cell_0 is None else cell_0
    hiddens, cells, caches = [], [], []
    for x in inputs:
        hidden, cell_state, cache = cell.step(x, hidden, cell_state)
        hiddens.append(hidden)
        cells.append(cell_state)
        caches.append(cache)
    return np.stack(hiddens), np.stack(cells), caches


def unroll_backward(cell: NumpyLSTMCell, d_hiddens: np.ndarray, caches: list[LSTMCache],
                    d_cells: np.ndarray | None = None) -> SequenceGradients:
    """Backpropagation through time.

    ``d_hiddens`` (seq_len, batch, hidden) is the loss's direct gradient on each h_t (zeros where the loss
    does not read h_t); ``d_cells`` optionally the same for c_t. Walking t = T … 1, each step receives its
    direct gradient plus what flows back from step t + 1, and the weight gradients add up over steps:
    ``∂L/∂W = Σ_t ∂L/∂W|_t``.
    """
    d_hidden_next = np.zeros_like(d_hiddens[0])
    d_cell_next = np.zeros_like(d_hiddens[0])
    grad_weight = np.zeros_like(cell.weight)
    grad_bias = np.zeros_like(cell.bias)
    d_inputs = [None] * len(caches)
    for t in reversed(range(len(caches))):
        d_cell_here = d_cell_next if d_cells is None else d_cell_next + d_cells[t]
        d_x, d_hidden_next, d_cell_next, step_weight, step_bias = cell.step_backward(
            d_hiddens[t] + d_hidden_next, d_cell_here, caches[t])
        grad_weight += step_weight
        grad_bias += step_bias
        d_inputs[t] = d_x
    return SequenceGradients(grad_weight, grad_bias, np.stack(d_inputs), d_hidden_next, d_cell_next)
