"""The from-scratch NumPy cells agree with torch autograd: values, one-step gradients and BPTT."""

import numpy as np
import pytest
import torch
from torch import nn

from core import numpy_cells
from core.numpy_cells import (NumpyLSTMCell, NumpyRNNCell, sigmoid, torch_rows_in_tutorial_order,
                              unroll_backward, unroll_forward)
from core.numpy_check import gradient_check, gradient_errors

INPUT_SIZE, HIDDEN_SIZE, BATCH_SIZE, SEQ_LEN = 3, 5, 4, 6


def _relative(actual, expected):
    return np.max(np.abs(actual - expected)) / np.max(np.abs(expected))


def test_lstm_step_matches_autograd_explicitly():
    torch.manual_seed(0)
    cell = nn.LSTMCell(INPUT_SIZE, HIDDEN_SIZE).double()
    numpy_cell = NumpyLSTMCell.from_torch(cell)
    x = torch.randn(BATCH_SIZE, INPUT_SIZE, dtype=torch.float64, requires_grad=True)
    hidden_prev = torch.randn(BATCH_SIZE, HIDDEN_SIZE, dtype=torch.float64, requires_grad=True)
    cell_prev = torch.randn(BATCH_SIZE, HIDDEN_SIZE, dtype=torch.float64, requires_grad=True)
    d_hidden = torch.randn(BATCH_SIZE, HIDDEN_SIZE, dtype=torch.float64)
    d_cell = torch.randn(BATCH_SIZE, HIDDEN_SIZE, dtype=torch.float64)

    hidden, cell_state = cell(x, (hidden_prev, cell_prev))
    loss = (hidden * d_hidden).sum() + (cell_state * d_cell).sum()
    grads = torch.autograd.grad(loss, [x, hidden_prev, cell_prev, cell.weight_ih, cell.weight_hh, cell.bias_hh])

    numpy_hidden, numpy_cell_state = numpy_cell.forward(x.detach().numpy(), hidden_prev.detach().numpy(),
                                                         cell_prev.detach().numpy())
    d_x, d_hidden_prev, d_cell_prev = numpy_cell.backward(d_hidden.numpy(), d_cell.numpy())
    assert _relative(numpy_hidden, hidden.detach().numpy()) < 1e-8
    assert _relative(numpy_cell_state, cell_state.detach().numpy()) < 1e-8
    assert _relative(d_x, grads[0].numpy()) < 1e-8
    assert _relative(d_hidden_prev, grads[1].numpy()) < 1e-8
    assert _relative(d_cell_prev, grads[2].numpy()) < 1e-8

    # Torch rows are i, f, g, o; the NumPy cell's are f, i, C̃, o; its columns are [x | h].
    hidden_size = HIDDEN_SIZE
    forget_torch = slice(hidden_size, 2 * hidden_size)
    forget_numpy = slice(0, hidden_size)
    assert _relative(numpy_cell.grad_weight[forget_numpy, :INPUT_SIZE], grads[3][forget_torch].numpy()) < 1e-8
    assert _relative(numpy_cell.grad_weight[forget_numpy, INPUT_SIZE:], grads[4][forget_torch].numpy()) < 1e-8
    assert _relative(numpy_cell.grad_bias[forget_numpy], grads[5][forget_torch].numpy()) < 1e-8
    np.testing.assert_array_equal(numpy_cell.weight[forget_numpy, :INPUT_SIZE], cell.weight_ih[forget_torch].detach())


def test_from_torch_reorders_gates():
    torch.manual_seed(1)
    cell = nn.LSTMCell(INPUT_SIZE, HIDDEN_SIZE).double()
    numpy_cell = NumpyLSTMCell.from_torch(cell)
    hidden_size = HIDDEN_SIZE
    for tutorial_block, torch_block in enumerate((1, 0, 2, 3)):  # f, i, C̃, o  <-  i, f, g, o
        numpy_rows = slice(tutorial_block * hidden_size, (tutorial_block + 1) * hidden_size)
        torch_rows = slice(torch_block * hidden_size, (torch_block + 1) * hidden_size)
        np.testing.assert_array_equal(numpy_cell.weight[numpy_rows, INPUT_SIZE:], cell.weight_hh[torch_rows].detach())
        np.testing.assert_allclose(numpy_cell.bias[numpy_rows],
                                   (cell.bias_ih[torch_rows] + cell.bias_hh[torch_rows]).detach(), rtol=1e-15)
    assert torch_rows_in_tutorial_order(2).tolist() == [2, 3, 0, 1, 4, 5, 6, 7]


@pytest.mark.parametrize("cell", [
    pytest.param(lambda: nn.RNNCell(INPUT_SIZE, HIDDEN_SIZE), id="rnn-tanh"),
    pytest.param(lambda: nn.RNNCell(INPUT_SIZE, HIDDEN_SIZE, nonlinearity="relu"), id="rnn-relu"),
    pytest.param(lambda: nn.RNNCell(INPUT_SIZE, HIDDEN_SIZE, bias=False), id="rnn-nobias"),
    pytest.param(lambda: nn.LSTMCell(INPUT_SIZE, HIDDEN_SIZE), id="lstm"),
    pytest.param(lambda: nn.LSTMCell(INPUT_SIZE, HIDDEN_SIZE, bias=False), id="lstm-nobias"),
])
@pytest.mark.parametrize("seed", [0, 1])
def test_gradient_check_passes(cell, seed):
    torch.manual_seed(seed)
    module = cell()
    errors = gradient_errors(module, seed=seed)
    expected_keys = {"hidden", "weight", "input", "hidden_prev"} | ({"bias"} if module.bias else set())
    if isinstance(module, nn.LSTMCell):
        expected_keys |= {"cell", "cell_prev"}
    assert set(errors) == expected_keys
    assert gradient_check(module, seed=seed) == max(errors.values()) < 1e-8
    assert module.weight_ih.dtype == torch.float32  # the caller's cell is left alone


def test_gradient_check_catches_a_wrong_backward(monkeypatch):
    """Drop the forget-gate factor from the cell highway: the check must notice."""
    original = NumpyLSTMCell.step_backward

    def broken(self, d_hidden, d_cell_next, cache):
        d_x, d_hidden_prev, d_cell_prev, grad_weight, grad_bias = original(self, d_hidden, d_cell_next, cache)
        return d_x, d_hidden_prev, d_cell_prev / cache.forget_gate, grad_weight, grad_bias

    monkeypatch.setattr(NumpyLSTMCell, "step_backward", broken)
    torch.manual_seed(0)
    errors = gradient_errors(nn.LSTMCell(INPUT_SIZE, HIDDEN_SIZE))
    assert errors["cell_prev"] > 1e-2
    assert errors["weight"] < 1e-8


@pytest.mark.parametrize("with_cell_loss", [False, True])
def test_unrolled_bptt_matches_torch_lstm(with_cell_loss):
    torch.manual_seed(2)
    lstm = nn.LSTM(INPUT_SIZE, HIDDEN_SIZE).double()
    cell = nn.LSTMCell(INPUT_SIZE, HIDDEN_SIZE).double()
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(cell, name).copy_(getattr(lstm, name + "_l0"))
    numpy_cell = NumpyLSTMCell.from_torch(cell)

    inputs = torch.randn(SEQ_LEN, BATCH_SIZE, INPUT_SIZE, dtype=torch.float64, requires_grad=True)
    hidden_0 = torch.randn(1, BATCH_SIZE, HIDDEN_SIZE, dtype=torch.float64, requires_grad=True)
    cell_0 = torch.randn(1, BATCH_SIZE, HIDDEN_SIZE, dtype=torch.float64, requires_grad=True)
    d_hiddens = torch.randn(SEQ_LEN, BATCH_SIZE, HIDDEN_SIZE, dtype=torch.float64)
    d_hiddens[: SEQ_LEN // 2] = 0  # the loss reads only the later steps; BPTT must carry it back
    d_cells = torch.zeros_like(d_hiddens)
    d_cells[-1] = torch.randn(BATCH_SIZE, HIDDEN_SIZE, dtype=torch.float64)  # and the final cell state

    output, (h_n, c_n) = lstm(inputs, (hidden_0, cell_0))
    loss = (output * d_hiddens).sum() + (with_cell_loss * (c_n[0] * d_cells[-1])).sum()
    grads = torch.autograd.grad(loss, [inputs, hidden_0, cell_0, lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0])

    hiddens, cells, caches = unroll_forward(numpy_cell, inputs.detach().numpy(), hidden_0[0].detach().numpy(),
                                            cell_0[0].detach().numpy())
    assert _relative(hiddens, output.detach().numpy()) < 1e-8
    assert _relative(cells[-1], c_n[0].detach().numpy()) < 1e-8
    result = unroll_backward(numpy_cell, d_hiddens.numpy(), caches, d_cells.numpy() if with_cell_loss else None)
    rows = torch_rows_in_tutorial_order(HIDDEN_SIZE)
    assert _relative(result.inputs, grads[0].numpy()) < 1e-8
    assert _relative(result.hidden_0, grads[1][0].numpy()) < 1e-8
    assert _relative(result.cell_0, grads[2][0].numpy()) < 1e-8
    torch_weight = np.concatenate([grads[3].numpy(), grads[4].numpy()], axis=1)[rows]
    assert _relative(result.weight, torch_weight) < 1e-8
    assert _relative(result.bias, grads[5].numpy()[rows]) < 1e-8


def test_fresh_cells_and_sigmoid():
    rnn = NumpyRNNCell(INPUT_SIZE, HIDDEN_SIZE, seed=3)
    lstm = NumpyLSTMCell(INPUT_SIZE, HIDDEN_SIZE, seed=3)
    assert rnn.weight.shape == (HIDDEN_SIZE, INPUT_SIZE + HIDDEN_SIZE)
    assert lstm.weight.shape == (4 * HIDDEN_SIZE, INPUT_SIZE + HIDDEN_SIZE)
    x = np.ones((2, INPUT_SIZE))
    zeros = np.zeros((2, HIDDEN_SIZE))
    hidden, cell = lstm.forward(x, zeros, zeros)
    assert hidden.shape == cell.shape == (2, HIDDEN_SIZE)
    assert rnn.forward(x, zeros).shape == (2, HIDDEN_SIZE)
    with np.errstate(over="raise"):
        np.testing.assert_allclose(sigmoid(np.array([-1e4, 0.0, 1e4])), [0.0, 0.5, 1.0], atol=1e-200)
    with pytest.raises(RuntimeError):
        NumpyLSTMCell(INPUT_SIZE, HIDDEN_SIZE).backward(zeros, zeros)
    with pytest.raises(TypeError):
        numpy_cells.NumpyRNNCell.from_torch(nn.GRUCell(INPUT_SIZE, HIDDEN_SIZE))
