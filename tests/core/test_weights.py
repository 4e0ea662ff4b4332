"""Gate-by-gate views of torch's stacked weights, and the gate-order tables pages print."""

import pytest
import torch
from torch import nn

from core.weights import (GATE_ORDER, TUTORIAL_ORDER, gate_weights, gru_gate_weights, layer_weights,
                          lstm_gate_weights, module_kind, rnn_gate_weights)


def test_gate_order_tables():
    assert GATE_ORDER["lstm"] == ("input", "forget", "candidate", "output")
    assert GATE_ORDER["gru"] == ("reset", "update", "new")
    assert TUTORIAL_ORDER["lstm"] == ("forget", "input", "candidate", "output")
    assert sorted(TUTORIAL_ORDER["lstm"]) == sorted(GATE_ORDER["lstm"])


def test_lstm_gate_weights_slice_the_stacked_tensors():
    torch.manual_seed(0)
    module = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    gates = lstm_gate_weights(module, layer=1, direction=1)
    assert list(gates) == list(GATE_ORDER["lstm"])
    weight_input, weight_hidden, bias = gates["forget"]
    assert weight_input.shape == (4, 8) and weight_hidden.shape == (4, 4) and bias.shape == (4,)
    torch.testing.assert_close(weight_input, module.weight_ih_l1_reverse[4:8])
    torch.testing.assert_close(weight_hidden, module.weight_hh_l1_reverse[4:8])
    torch.testing.assert_close(bias, module.bias_ih_l1_reverse[4:8] + module.bias_hh_l1_reverse[4:8])
    torch.testing.assert_close(lstm_gate_weights(module, layer=-1, direction=1)["output"][0],
                               module.weight_ih_l1_reverse[12:16])


def test_gru_rnn_and_cells():
    torch.manual_seed(0)
    gru = nn.GRU(3, 4, bias=False)
    weight_input, _, bias = gru_gate_weights(gru)["update"]
    torch.testing.assert_close(weight_input, gru.weight_ih_l0[4:8])
    assert bool((bias == 0).all())
    assert list(rnn_gate_weights(nn.RNNCell(3, 4))) == ["hidden"]
    cell = nn.LSTMCell(3, 4)
    torch.testing.assert_close(gate_weights(cell)["candidate"][1], cell.weight_hh[8:12])
    assert layer_weights(cell).bias_ih is cell.bias_ih
    assert layer_weights(nn.LSTM(3, 4, proj_size=2)).weight_hr.shape == (2, 4)
    assert module_kind(nn.GRUCell(3, 4)) == "gru"


def test_errors():
    with pytest.raises(TypeError, match="LSTM"):
        lstm_gate_weights(nn.GRU(3, 4))
    with pytest.raises(TypeError):
        module_kind(nn.Linear(3, 4))
    with pytest.raises(ValueError, match="layer"):
        layer_weights(nn.RNN(3, 4, num_layers=2), layer=2)
    with pytest.raises(ValueError, match="direction"):
        layer_weights(nn.RNN(3, 4), direction=1)
    with pytest.raises(ValueError, match="Cell"):
        layer_weights(nn.RNNCell(3, 4), direction=1)
