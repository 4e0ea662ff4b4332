"""Gradients through time, checked against autograd on torch's fused modules and finite differences."""

import time

import pytest
import torch
from torch import nn
from torch.autograd.functional import jacobian

from core.gradients import each_through_time, jacobian_products, readout_weights, through_time

INPUT_SIZE, HIDDEN_SIZE, BATCH_SIZE, SEQ_LEN = 3, 4, 2, 6
MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def _module(kind, seed=0, dtype=torch.float64, hidden_size=HIDDEN_SIZE, input_size=INPUT_SIZE, **options):
    torch.manual_seed(seed)
    return MODULES[kind](input_size, hidden_size, **options).to(dtype).eval()


def _single_layer(module, layer, direction):
    """A one-layer, one-direction fused module holding ``module``'s weights for that layer and direction."""
    output_size = getattr(module, "proj_size", 0) or module.hidden_size
    input_size = module.input_size if layer == 0 else output_size * (2 if module.bidirectional else 1)
    options = {"nonlinearity": module.nonlinearity} if isinstance(module, nn.RNN) else {}
    if getattr(module, "proj_size", 0):
        options["proj_size"] = module.proj_size
    single = type(module)(input_size, module.hidden_size, bias=module.bias, **options).to(module.weight_hh_l0.dtype)
    suffix = f"_l{layer}" + ("_reverse" if direction else "")
    with torch.no_grad():
        for name, parameter in single.named_parameters():
            parameter.copy_(getattr(module, name.replace("_l0", suffix)))
    return single


def _run_layer(module, layer, layer_input, perturb=None):
    """Fused run of one (bi)directional layer; ``perturb = (t, delta_hidden, delta_cell)`` nudges the forward
    direction's state at position t, both where it is output and where it is carried to t + 1."""
    forward = _single_layer(module, layer, 0)
    if perturb is None:
        output = forward(layer_input)[0]
    else:
        t, delta_hidden, delta_cell = perturb
        head, state = forward(layer_input[: t + 1])
        if isinstance(state, tuple):
            state = (state[0] + delta_hidden, state[1] + delta_cell)
            nudged = state[0][0]
        else:
            state = state + delta_hidden
            nudged = state[0]
        pieces = [head[:t], nudged[None]]
        if t + 1 < layer_input.shape[0]:
            pieces.append(forward(layer_input[t + 1:], state)[0])
        output = torch.cat(pieces)  # (seq_len, batch, hidden)
    if module.bidirectional:
        backward = _single_layer(module, layer, 1)
        output = torch.cat([output, backward(layer_input.flip(0))[0].flip(0)], dim=-1)
    return output


def _fused_loss(module, inputs, loss_step, layer, t, delta_hidden, delta_cell):
    """The default loss with layer ``layer``'s forward state at t nudged — built from fused torch modules only."""
    layer = layer % module.num_layers
    output = inputs  # (seq_len, batch, input)
    for index in range(module.num_layers):
        output = _run_layer(module, index, output, (t, delta_hidden, delta_cell) if index == layer else None)
    return (output[loss_step] @ readout_weights(output.shape[-1], output.dtype)).sum()


def _forward_state(module, inputs, layer, t):
    """(h_t, c_t) of ``layer``'s forward direction, each (batch, hidden), from fused modules."""
    layer = layer % module.num_layers
    layer_input = inputs
    with torch.no_grad():
        for index in range(layer):
            layer_input = _run_layer(module, index, layer_input)
        hidden, cell = _single_layer(module, layer, 0)(layer_input[: t + 1])[1]
    return hidden[0], cell[0]


CONFIGS = [
    pytest.param("rnn", 1, False, {"nonlinearity": "tanh"}, -1, id="rnn-tanh"),
    pytest.param("rnn", 2, True, {"nonlinearity": "relu"}, 0, id="rnn-relu-bi-layer0"),
    pytest.param("lstm", 1, False, {}, -1, id="lstm"),
    pytest.param("lstm", 2, True, {}, 0, id="lstm-bi-layer0"),
    pytest.param("lstm", 3, False, {}, 1, id="lstm-L3-layer1"),
    pytest.param("gru", 1, False, {}, -1, id="gru"),
    pytest.param("gru", 2, True, {}, -1, id="gru-bi-top"),
]


@pytest.mark.parametrize("kind,num_layers,bidirectional,options,layer", CONFIGS)
@pytest.mark.parametrize("loss_step", [-1, 3])
def test_hidden_gradients_match_autograd_on_fused_module(kind, num_layers, bidirectional, options, layer, loss_step):
    module = _module(kind, num_layers=num_layers, bidirectional=bidirectional, **options)
    inputs = torch.randn(SEQ_LEN, BATCH_SIZE, INPUT_SIZE, dtype=torch.float64)
    result = through_time(module, inputs, loss_step=loss_step, layer=layer)
    assert result.hidden.shape == (SEQ_LEN, BATCH_SIZE, HIDDEN_SIZE)
    assert result.loss_step == loss_step % SEQ_LEN
    zeros = torch.zeros(1, BATCH_SIZE, HIDDEN_SIZE, dtype=torch.float64)
    for t in range(SEQ_LEN):
        delta_hidden = zeros.clone().requires_grad_()
        delta_cell = zeros.clone().requires_grad_()
        value = _fused_loss(module, inputs, loss_step, layer, t, delta_hidden, delta_cell)
        if t == 0:
            assert result.loss == pytest.approx(value.item(), rel=1e-12)
        want_hidden, want_cell = torch.autograd.grad(value, (delta_hidden, delta_cell), allow_unused=True,
                                                     materialize_grads=True)
        torch.testing.assert_close(result.hidden[t], want_hidden[0], rtol=1e-9, atol=1e-12)
        if kind == "lstm":
            # The fused module nudges c_t after h_t = o_t tanh(c_t) was computed; the total derivative also
            # takes that path: ∂L/∂c_t = (∂L/∂c_t)_h fixed + ∂L/∂h_t ⊙ o_t (1 - tanh²(c_t)).
            hidden, cell = _forward_state(module, inputs, layer, t)
            squashed = torch.tanh(cell)
            through_hidden = want_hidden[0] * (hidden / squashed) * (1 - squashed**2)
            torch.testing.assert_close(result.cell[t], want_cell[0] + through_hidden, rtol=1e-9, atol=1e-12)
    if not bidirectional and layer % num_layers == num_layers - 1:
        assert bool((result.hidden[loss_step % SEQ_LEN + 1:] == 0).all())  # the future cannot move h_T
    if kind != "lstm":
        assert result.cell is None


@pytest.mark.parametrize("kind", MODULES)
def test_hidden_gradients_match_finite_differences(kind):
    module = _module(kind, num_layers=2)
    inputs = torch.randn(SEQ_LEN, BATCH_SIZE, INPUT_SIZE, dtype=torch.float64)
    result = through_time(module, inputs, loss_step=-2, layer=0)
    epsilon = 1e-6
    for t in (0, 2, 4):
        for sample, unit in ((0, 1), (1, 3)):
            nudge = torch.zeros(1, BATCH_SIZE, HIDDEN_SIZE, dtype=torch.float64)
            nudge[0, sample, unit] = epsilon
            zero = torch.zeros_like(nudge)
            with torch.no_grad():
                up = _fused_loss(module, inputs, -2, 0, t, nudge, zero)
                down = _fused_loss(module, inputs, -2, 0, t, -nudge, zero)
            estimate = float(up - down) / (2 * epsilon)
            assert float(result.hidden[t, sample, unit]) == pytest.approx(estimate, rel=1e-6, abs=1e-9)


def test_custom_loss_and_unbatched_inputs():
    module = _module("lstm", batch_first=True)
    inputs = torch.randn(SEQ_LEN, INPUT_SIZE, dtype=torch.float64)  # unbatched (seq_len, input)
    result = through_time(module, inputs, loss=lambda traced: traced.c_n.pow(2).sum())
    assert result.hidden.shape == (SEQ_LEN, 1, HIDDEN_SIZE)
    c_n = module(inputs)[1][1]
    assert result.loss == pytest.approx(c_n.pow(2).sum().item(), rel=1e-12)
    torch.testing.assert_close(result.cell[-1, 0], 2 * c_n[0])  # ∂(c_T²)/∂c_T
    torch.testing.assert_close(result.hidden[-1], torch.zeros(1, HIDDEN_SIZE, dtype=torch.float64))


def _expected_products(module, inputs, loss_step):
    """∂h_T/∂h_t for sample 0 from torch.autograd.functional.jacobian over the fused module."""
    sample = inputs[:, 0]  # (seq_len, input)
    is_lstm = isinstance(module, nn.LSTM)
    expected = []
    for t in range(inputs.shape[0]):
        if t > loss_step:
            expected.append(torch.zeros(module.hidden_size, module.hidden_size, dtype=inputs.dtype))
            continue
        with torch.no_grad():
            state = module(sample[: t + 1])[1]
        if t == loss_step:
            expected.append(torch.eye(module.hidden_size, dtype=inputs.dtype))
            continue

        def final_hidden(hidden, state=state, t=t):
            start = (hidden[None], state[1]) if is_lstm else hidden[None]
            final = module(sample[t + 1: loss_step + 1], start)[1]
            return (final[0] if is_lstm else final)[0]

        expected.append(jacobian(final_hidden, (state[0] if is_lstm else state)[0]))
    return torch.stack(expected)  # (seq_len, hidden, hidden)


@pytest.mark.parametrize("kind,options", [
    ("rnn", {"nonlinearity": "tanh"}), ("rnn", {"nonlinearity": "relu"}),
    ("lstm", {}), ("gru", {}), ("gru", {"bias": False}),
])
@pytest.mark.parametrize("loss_step", [-1, 4])
def test_jacobian_products_match_autograd(kind, options, loss_step):
    module = _module(kind, **options)
    inputs = torch.randn(SEQ_LEN, BATCH_SIZE, INPUT_SIZE, dtype=torch.float64)
    products = jacobian_products(module, inputs, loss_step=loss_step)
    assert products.shape == (SEQ_LEN, HIDDEN_SIZE, HIDDEN_SIZE)
    expected = _expected_products(module, inputs, loss_step % SEQ_LEN)
    torch.testing.assert_close(products, expected, rtol=1e-9, atol=1e-12)
    norms = through_time(module, inputs, loss_step=loss_step).jacobian_norms
    torch.testing.assert_close(norms, torch.linalg.matrix_norm(expected, ord=2), rtol=1e-9, atol=1e-12)


def test_jacobian_products_for_an_upper_layer_and_projection():
    module = _module("lstm", num_layers=2, proj_size=2)
    inputs = torch.randn(SEQ_LEN, BATCH_SIZE, INPUT_SIZE, dtype=torch.float64)
    products = jacobian_products(module, inputs, layer=1)
    sample = inputs[:, 0]
    t = 2
    with torch.no_grad():
        lower = _single_layer(module, 0, 0)(sample)[0]  # (seq_len, proj)
    upper = _single_layer(module, 1, 0)
    with torch.no_grad():
        hidden, cell = upper(lower[: t + 1])[1]
    expected = jacobian(lambda h: upper(lower[t + 1:], (h[None], cell))[1][0][0], hidden[0])
    torch.testing.assert_close(products[t], expected, rtol=1e-9, atol=1e-12)


def test_jacobian_products_are_fast():
    module = _module("lstm", dtype=torch.float32, hidden_size=64, input_size=16)
    inputs = torch.randn(200, 1, 16)
    jacobian_products(module, inputs[:5])  # warm-up
    # The test box shares 2 cores among many processes; there multi-threaded BLAS on these tiny matrices
    # spin-waits for a busy core and takes seconds. One thread measures the code, not the neighbours.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        start = time.perf_counter()
        products = jacobian_products(module, inputs)
        elapsed = time.perf_counter() - start
    finally:
        torch.set_num_threads(threads)
    assert products.shape == (200, 64, 64)
    assert elapsed < 1.0, f"jacobian_products took {elapsed:.2f} s for seq_len 200, hidden 64"


def test_errors():
    module = _module("gru")
    inputs = torch.randn(SEQ_LEN, BATCH_SIZE, INPUT_SIZE, dtype=torch.float64)
    with pytest.raises(ValueError, match="loss_step"):
        through_time(module, inputs, loss_step=SEQ_LEN)
    with pytest.raises(ValueError, match="layer"):
        through_time(module, inputs, layer=3)
    with pytest.raises(ValueError, match="Cell"):
        jacobian_products(nn.GRUCell(INPUT_SIZE, HIDDEN_SIZE), inputs[0])
    with pytest.raises(ValueError, match="scalar"):
        through_time(module, inputs, loss=lambda traced: traced.output)


@pytest.mark.parametrize("kind,options", [("rnn", {}), ("lstm", {}), ("lstm", {"num_layers": 2}), ("gru", {})])
def test_through_time_keeps_the_products_it_takes_the_norms_of(kind, options):
    module = _module(kind, **options)
    inputs = torch.randn(SEQ_LEN, BATCH_SIZE, INPUT_SIZE, dtype=torch.float64)
    for loss_step in (-1, 2):
        result = through_time(module, inputs, loss_step=loss_step)
        assert torch.equal(result.jacobian_products, jacobian_products(module, inputs, loss_step=loss_step))
        assert torch.equal(result.jacobian_norms, torch.linalg.matrix_norm(result.jacobian_products, ord=2))


@pytest.mark.parametrize("kind,options", [("rnn", {}), ("lstm", {}), ("lstm", {"num_layers": 2}), ("gru", {})])
def test_each_through_time_equals_one_through_time_per_loss(kind, options):
    """One trace, one backward pass per loss on the kept graph: bit for bit what separate calls give."""
    module = _module(kind, **options)
    inputs = torch.randn(SEQ_LEN, INPUT_SIZE, dtype=torch.float64)  # unbatched, as the lessons' rows are taken
    losses = [lambda traced, unit=unit: traced.h_n[-1, unit] for unit in range(HIDDEN_SIZE)]
    losses.append(lambda traced: traced.output[2].pow(2).sum())
    for layer in range(-module.num_layers, 0):
        together = each_through_time(module, inputs, losses, layer=layer)
        assert len(together) == len(losses)
        for loss, result in zip(losses, together):
            alone = through_time(module, inputs, loss=loss, layer=layer)
            assert torch.equal(result.hidden, alone.hidden) and result.loss == alone.loss
            assert (result.cell is None) == (alone.cell is None)
            assert result.cell is None or torch.equal(result.cell, alone.cell)
    with pytest.raises(ValueError, match="scalar"):
        each_through_time(module, inputs, [lambda traced: traced.output])
    with pytest.raises(ValueError, match="whole-sequence"):
        each_through_time(nn.GRUCell(INPUT_SIZE, HIDDEN_SIZE), inputs[0], losses)
