"""Check the from-scratch NumPy cells (``core.numpy_cells``) against torch autograd, number by number.

:func:`gradient_errors` runs one step of a torch ``nn.RNNCell`` / ``nn.LSTMCell`` and of its NumPy copy on the
same random inputs, backpropagates the same random upstream gradients through both, and reports for each
quantity the relative error ``max |numpy - torch| / max |torch|``. In float64 every entry is ~1e-15; a wrong
line in a backward pass shows up as an error near 1.
"""

from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

from core.numpy_cells import NumpyLSTMCell, NumpyRNNCell, torch_rows_in_tutorial_order
from core.seeding import generator as seeded_generator

__all__ = ["gradient_errors", "gradient_check", "relative_error"]


def relative_error(actual: np.ndarray, expected: np.ndarray) -> float:
    """Largest absolute difference divided by the largest reference magnitude (0 when both are all zero)."""
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    difference = float(np.max(np.abs(actual - expected))) if expected.size else 0.0
    return difference / scale if scale > 0 else difference


def gradient_errors(cell: nn.RNNCell | nn.LSTMCell, batch_size: int = 3, seed: int = 0) -> dict[str, float]:
    """Relative error of each NumPy quantity against torch, in float64 (``cell`` itself is not modified).

    Keys: ``hidden`` (and ``cell``) for the forward values; ``weight``, ``bias`` (when the cell has biases),
    ``input``, ``hidden_prev`` (and ``cell_prev``) for ∂L/∂W, ∂L/∂b, ∂L/∂x, ∂L/∂h_{t-1}, ∂L/∂c_{t-1}, where
    ``L = Σ h_t ⊙ dh + Σ c_t ⊙ dc`` with random upstream gradients dh, dc.
    """
    if not isinstance(cell, (nn.RNNCell, nn.LSTMCell)):
        raise TypeError(f"expected nn.RNNCell or nn.LSTMCell, got {type(cell).__name__}")
    is_lstm = isinstance(cell, nn.LSTMCell)
    reference = copy.deepcopy(cell).double().cpu()
    numpy_cell = (NumpyLSTMCell if is_lstm else NumpyRNNCell).from_torch(reference)
    generator = seeded_generator(seed)

    def random(*shape):
        return torch.randn(*shape, generator=generator, dtype=torch.float64)

    x = random(batch_size, reference.input_size).requires_grad_()  # (batch, input)
    hidden_prev = random(batch_size, reference.hidden_size).requires_grad_()  # (batch, hidden)
    cell_prev = random(batch_size, reference.hidden_size).requires_grad_()  # (batch, hidden)
    d_hidden = random(batch_size, reference.hidden_size)  # upstream ∂L/∂h_t
    d_cell = random(batch_size, reference.hidden_size)  # upstream ∂L/∂c_t (path bypassing h_t)

    weights = [reference.weight_ih, reference.weight_hh] + ([reference.bias_ih] if reference.bias else [])
    if is_lstm:
        hidden, cell_state = reference(x, (hidden_prev, cell_prev))
        loss = (hidden * d_hidden).sum() + (cell_state * d_cell).sum()
        grads = torch.autograd.grad(loss, [x, hidden_prev, cell_prev, *weights])
        numpy_hidden, numpy_cell_state = numpy_cell.forward(x.detach().numpy(), hidden_prev.detach().numpy(),
                                                             cell_prev.detach().numpy())
        numpy_grads = numpy_cell.backward(d_hidden.numpy(), d_cell.numpy())
        rows = torch_rows_in_tutorial_order(reference.hidden_size)
    else:
        hidden = reference(x, hidden_prev)
        grads = torch.autograd.grad((hidden * d_hidden).sum(), [x, hidden_prev, *weights])
        numpy_hidden = numpy_cell.forward(x.detach().numpy(), hidden_prev.detach().numpy())
        numpy_grads = numpy_cell.backward(d_hidden.numpy())
        rows = np.arange(reference.hidden_size)
    grads = [grad.numpy() for grad in grads]
    num_state_grads = 3 if is_lstm else 2

    errors = {"hidden": relative_error(numpy_hidden, hidden.detach().numpy())}
    if is_lstm:
        errors["cell"] = relative_error(numpy_cell_state, cell_state.detach().numpy())
    torch_weight = np.concatenate(grads[num_state_grads: num_state_grads + 2], axis=1)[rows]  # [W_ih | W_hh]
    errors["weight"] = relative_error(numpy_cell.grad_weight, torch_weight)
    if reference.bias:
        errors["bias"] = relative_error(numpy_cell.grad_bias, grads[num_state_grads + 2][rows])
    names = ("input", "hidden_prev", "cell_prev")[:num_state_grads]
    for name, numpy_grad, torch_grad in zip(names, numpy_grads, grads):
        errors[name] = relative_error(numpy_grad, torch_grad)
    return errors


def gradient_check(cell: nn.RNNCell | nn.LSTMCell, batch_size: int = 3, seed: int = 0) -> float:
    """The worst relative error in :func:`gradient_errors` (forward values and every gradient)."""
    return max(gradient_errors(cell, batch_size, seed).values())
