"""The hand-unrolled LSTM computes nn.LSTM's numbers and gradients once it holds the same weights."""

import pytest
import torch
from torch import nn

from core.custom_lstm import CustomLSTM


@pytest.mark.parametrize("num_layers,bias,batch_first", [(1, True, False), (2, True, True), (3, False, False)])
def test_from_lstm_matches_nn_lstm(num_layers, bias, batch_first):
    torch.manual_seed(0)
    fused = nn.LSTM(5, 7, num_layers=num_layers, bias=bias, batch_first=batch_first).double()
    custom = CustomLSTM.from_lstm(fused)
    x = torch.randn((3, 6, 5) if batch_first else (6, 3, 5), dtype=torch.float64, requires_grad=True)
    state = (torch.randn(num_layers, 3, 7, dtype=torch.float64), torch.randn(num_layers, 3, 7, dtype=torch.float64))

    expected, (h_n, c_n) = fused(x, state)
    output, (custom_h, custom_c) = custom(x, state)
    torch.testing.assert_close(output, expected, rtol=0, atol=1e-12)
    torch.testing.assert_close(custom_h, h_n, rtol=0, atol=1e-12)
    torch.testing.assert_close(custom_c, c_n, rtol=0, atol=1e-12)

    (expected_grad,) = torch.autograd.grad(expected.square().sum() + c_n.sum(), x)
    (custom_grad,) = torch.autograd.grad(output.square().sum() + custom_c.sum(), x)
    torch.testing.assert_close(custom_grad, expected_grad, rtol=0, atol=1e-12)


def test_weights_are_copies_not_shared():
    fused = nn.LSTM(3, 4)
    custom = CustomLSTM.from_lstm(fused)
    with torch.no_grad():
        custom.cells[0].weight_ih.add_(1.0)
    assert not torch.equal(custom.cells[0].weight_ih, fused.weight_ih_l0)


def test_zero_state_by_default_and_parameter_count_equal():
    fused = nn.LSTM(4, 6, num_layers=2)
    custom = CustomLSTM.from_lstm(fused)
    x = torch.randn(5, 2, 4)
    torch.testing.assert_close(custom(x)[0], fused(x)[0])
    assert sum(p.numel() for p in custom.parameters()) == sum(p.numel() for p in fused.parameters())


def test_rejects_what_it_cannot_copy():
    with pytest.raises(ValueError, match="bidirectional"):
        CustomLSTM.from_lstm(nn.LSTM(3, 4, bidirectional=True))
    with pytest.raises(ValueError, match="proj_size"):
        CustomLSTM.from_lstm(nn.LSTM(3, 4, proj_size=2))
    with pytest.raises(TypeError):
        CustomLSTM.from_lstm(nn.GRU(3, 4))
    with pytest.raises(ValueError, match="3-D"):
        CustomLSTM(3, 4)(torch.randn(5, 3))
