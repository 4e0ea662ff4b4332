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


def test_a_template_build_equals_a_fresh_construction_and_is_never_shared():
    """A factory whose shape can be told from the outside is copied from its template; one that captures a mutable
    value is constructed each time: the two give the same parameters, and no call sees another's module."""
    sizes = [3, 5]  # a list: its factory has no key and is built from scratch every time

    def captures_numbers(input_size=3, hidden_size=5):
        return seeded_module(lambda: nn.ModuleList([nn.GRU(input_size, hidden_size), nn.Linear(hidden_size, 2)]), 6)

    def captures_a_list():
        return seeded_module(lambda: nn.ModuleList([nn.GRU(sizes[0], sizes[1]), nn.Linear(sizes[1], 2)]), 6)

    first, built = captures_numbers(), captures_a_list()
    with torch.no_grad():
        for parameter in first.parameters():
            parameter.fill_(7.0)  # a caller changing its module must not reach the next caller's
    second = captures_numbers()
    assert second is not first and not second.training
    for parameter, reference in zip(second.parameters(), built.parameters(), strict=True):
        assert torch.equal(parameter, reference) and parameter.requires_grad
    assert second[0].weight_ih_l0.data_ptr() != first[0].weight_ih_l0.data_ptr()
    output, _ = second[0](torch.ones(2, 3))  # the copied GRU runs on its own parameters
    expected, _ = built[0](torch.ones(2, 3))
    assert torch.equal(output, expected)
    wider = captures_numbers(hidden_size=6)  # another captured value, another template
    assert wider[0].weight_hh_l0.shape == (18, 6) and wider[1].weight.shape == (2, 6)


def test_factory_keys_take_only_immutable_values():
    from core.seeding import _factory_key

    def linear(size):
        return lambda: nn.Linear(size, 2)  # one code object, a new function each call, as on a page's reruns

    sizes = [4]
    assert _factory_key(linear(4)) is not None and _factory_key(linear(4)) == _factory_key(linear(4))
    assert _factory_key(linear(4)) != _factory_key(linear(5))
    assert _factory_key(lambda: nn.Linear(sizes[0], 2)) is None  # a list can change after the template was built
    assert _factory_key(nn.Linear) is None  # not a plain function
    as_float, as_int = 4.0, 4
    assert _factory_key(lambda: nn.Linear(as_float, 2)) != _factory_key(lambda: nn.Linear(as_int, 2))


def test_empty_module_draws_nothing():
    from core.seeding import empty_module

    before = torch.random.get_rng_state()
    module = empty_module(lambda: nn.LSTM(3, 4, dtype=torch.float64))
    assert torch.equal(before, torch.random.get_rng_state())
    assert not any(parameter.is_meta for parameter in module.parameters())
    assert module.weight_ih_l0.dtype == torch.float64 and module.weight_ih_l0.shape == (16, 3)
