"""The one seeding helper: a private generator, torch's default initialisation, and the global RNG untouched."""

import math

import pytest
import torch
from torch import nn

from core.lesson_models import build_network, seeded_recurrent
from core.seeding import generator, seeded_module


def _parameters(module: nn.Module) -> list[torch.Tensor]:
    return [parameter.detach().clone() for parameter in module.parameters()]


def test_the_global_generator_is_neither_read_nor_moved():
    before = torch.random.get_rng_state()
    first = _parameters(seeded_module(lambda: nn.LSTM(3, 4, num_layers=2), 7))
    assert torch.equal(before, torch.random.get_rng_state())
    torch.manual_seed(12345)  # another session reseeding the process: the seed alone decides
    second = _parameters(seeded_module(lambda: nn.LSTM(3, 4, num_layers=2), 7))
    assert all(torch.equal(a, b) for a, b in zip(first, second))
    third = _parameters(seeded_module(lambda: nn.LSTM(3, 4, num_layers=2), 8))
    assert not torch.equal(first[0], third[0])


def test_recurrent_weights_follow_torchs_default_rule_in_parameter_order():
    module = seeded_recurrent("gru", 3, 5, seed=2)
    draw, bound = generator(2), 1 / math.sqrt(5)
    for parameter in module.parameters():
        expected = torch.empty_like(parameter).uniform_(-bound, bound, generator=draw)
        assert torch.equal(parameter, expected)


def test_linear_bounds_and_children_before_parents():
    rnn, readout = build_network(seed=4)
    draw = generator(4)
    for parameter in rnn.parameters():  # the RNN first, as listed
        torch.testing.assert_close(parameter, torch.empty_like(parameter).uniform_(-0.5, 0.5, generator=draw))
    bound = 1 / math.sqrt(readout.in_features)
    for parameter in readout.parameters():  # then the readout: weight, bias
        torch.testing.assert_close(parameter, torch.empty_like(parameter).uniform_(-bound, bound, generator=draw))


def test_attention_layers_get_torchs_constants_and_unknown_layers_are_refused():
    layer = seeded_module(lambda: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0), 0)
    attention = layer.self_attn
    assert torch.count_nonzero(attention.in_proj_bias) == 0 and torch.count_nonzero(attention.out_proj.bias) == 0
    assert torch.equal(layer.norm1.weight, torch.ones(8)) and torch.equal(layer.norm1.bias, torch.zeros(8))
    limit = math.sqrt(6 / (8 + 3 * 8))  # Xavier-uniform over the stacked q, k, v projection
    assert attention.in_proj_weight.abs().max() <= limit and attention.in_proj_weight.std() > limit / 4
    with pytest.raises(TypeError, match="Conv1d"):
        seeded_module(lambda: nn.Conv1d(2, 2, 3), 0)
