"""Lesson 4 (vanishing / exploding gradients, clipping): measured Jacobians against autograd, clipping against torch.

Every test name carries "gradients_lesson" so ``pytest -k gradients_lesson`` selects this file.
"""

import math

import numpy as np
import pytest
import torch
from torch import nn

from core.lessons.clipping import ClippingSetup, batch, clip_by_total_norm, clipping_demo, total_norm
from core.lessons.gradients import (
    ChainSetup, activation_curve, build_model, chain_latex, display_limit, find_token, float64_device, latex_scientific,
    measure_chain, power_table, random_inputs, sentence_inputs,
)
from core.trace import trace


def autograd_chain_norms(rnn: nn.RNN, inputs: torch.Tensor) -> np.ndarray:
    """‖∂h_T/∂h_t‖₂ for every t by torch.autograd.functional.jacobian of the fused module run from h_t."""
    with torch.no_grad():
        hidden, _ = rnn(inputs)  # (seq_len, H)
    norms = []
    for position in range(len(inputs)):
        def run_from(state, start=position):
            rest = inputs[start + 1:]
            if len(rest) == 0:
                return state
            _, last = rnn(rest, state[None])  # (1, H)
            return last[0]
        jacobian = torch.autograd.functional.jacobian(run_from, hidden[position])  # (H, H)
        norms.append(torch.linalg.matrix_norm(jacobian, ord=2).item())
    return np.array(norms)


@pytest.mark.parametrize("matrix", ["orthogonal", "gaussian"])
@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_gradients_lesson_chain_matches_autograd(matrix, nonlinearity):
    setup = ChainSetup(hidden_size=6, radius=1.3, nonlinearity=nonlinearity, matrix=matrix, seed=2)
    inputs = random_inputs(12, setup)
    chain = measure_chain(inputs, setup)
    np.testing.assert_allclose(chain.measured, autograd_chain_norms(build_model(setup), inputs), rtol=1e-9,
                               atol=1e-12)
    assert chain.autograd_diff < 1e-12
    assert chain.measured[-1] == pytest.approx(1.0)


def test_gradients_lesson_model_has_the_chosen_radius():
    for matrix in ("orthogonal", "gaussian"):
        rnn = build_model(ChainSetup(radius=1.7, matrix=matrix, seed=4))
        weight = rnn.weight_hh_l0.detach()
        assert torch.linalg.eigvals(weight).abs().max().item() == pytest.approx(1.7)
        singular = torch.linalg.svdvals(weight)
        if matrix == "orthogonal":
            torch.testing.assert_close(singular, torch.full_like(singular, 1.7))
        else:
            assert singular[0] > 1.7 > singular[-1]
    first, again = build_model(ChainSetup(seed=9)), build_model(ChainSetup(seed=9))
    torch.manual_seed(123)  # the global generator must not matter
    torch.testing.assert_close(first.weight_ih_l0, build_model(ChainSetup(seed=9)).weight_ih_l0)
    torch.testing.assert_close(first.weight_hh_l0, again.weight_hh_l0)
    with pytest.raises(ValueError):
        build_model(ChainSetup(nonlinearity="sigmoid"))
    with pytest.raises(ValueError):
        build_model(ChainSetup(radius=0.0))


def test_gradients_lesson_bounds_hold_and_regimes_show():
    for nonlinearity, radius in (("tanh", 0.5), ("tanh", 3.0), ("relu", 2.0), ("tanh", 1.0)):
        setup = ChainSetup(radius=radius, nonlinearity=nonlinearity, matrix="gaussian")
        chain = measure_chain(random_inputs(80, setup), setup)
        assert np.all(chain.measured <= chain.upper_bound * (1 + 1e-9))
        assert np.all(chain.measured >= chain.lower_bound * (1 - 1e-9))
        assert np.all(chain.upper_bound <= chain.weight_bound * (1 + 1e-9))
        np.testing.assert_allclose(chain.radius_rate, radius ** chain.distances.astype(float), rtol=1e-9)
    vanishing = ChainSetup(radius=0.5)
    assert measure_chain(random_inputs(100, vanishing), vanishing).measured[0] < 1e-20
    exploding = ChainSetup(radius=2.0, nonlinearity="relu")
    assert measure_chain(random_inputs(100, exploding), exploding).measured[0] > 1e10


def test_gradients_lesson_activations_are_the_run_of_the_module():
    setup = ChainSetup(radius=3.0)
    inputs = random_inputs(30, setup)
    chain = measure_chain(inputs, setup)
    traced = trace(build_model(setup), inputs)
    np.testing.assert_allclose(chain.pre_activation, traced.gate("pre_hidden").detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(chain.hidden, np.tanh(chain.pre_activation), atol=1e-12)
    np.testing.assert_allclose(chain.slope, 1 - np.tanh(chain.pre_activation) ** 2, atol=1e-12)
    weight = build_model(setup).weight_hh_l0.detach().numpy()
    np.testing.assert_allclose(chain.step_norms[5], np.linalg.norm(np.diag(chain.slope[5]) @ weight, 2), rtol=1e-9)
    assert (np.abs(chain.pre_activation) > 2).mean() > 0.1  # ρ = 3 saturates tanh


def test_gradients_lesson_sentence_chain_stops_at_the_loss_word():
    tokens = "The cat , which already ate a lot of food , was full".split()
    was, cat = find_token(tokens, "was", -1), find_token(tokens, "Cat", -1)
    assert (was, cat) == (11, 1) and find_token(tokens, "dog", 7) == 7
    setup = ChainSetup()
    inputs = sentence_inputs(tokens, setup)
    chain = measure_chain(inputs, setup, loss_step=was)
    assert chain.loss_step == was and len(chain.measured) == was + 1
    np.testing.assert_allclose(chain.measured, autograd_chain_norms(build_model(setup), inputs[: was + 1]), rtol=1e-9)
    assert 0 < chain.measured[cat] < chain.measured[was - 1]


def test_gradients_lesson_power_table():
    rows = power_table(0.5)
    assert [row.steps for row in rows] == [1, 5, 10, 20, 50]
    assert [row.exact for row in rows] == [0.5, 0.03125, 0.0009765625, 0.5**20, 0.5**50]
    assert all(row.measured is None for row in rows)
    setup = ChainSetup()
    chain = measure_chain(random_inputs(30, setup), setup)
    rows = power_table(2.0, chain)
    assert rows[4].exact == 2.0**50 and rows[4].measured is None  # 50 steps do not fit in 30
    assert rows[2].measured == chain.measured[chain.loss_step - 10]
    assert rows[2].per_step == pytest.approx(rows[2].measured ** 0.1)


def test_gradients_lesson_activation_curve_and_latex():
    z, value, slope = activation_curve("tanh", 3.0)
    np.testing.assert_allclose(slope, 1 - np.tanh(z) ** 2, atol=1e-12)
    z, value, slope = activation_curve("relu")
    assert np.all(slope[z > 0] == 1) and np.all(slope[z < 0] == 0) and np.all(value == np.maximum(z, 0))
    assert latex_scientific(2.5e-7) == r"2.50 \times 10^{-7}" and latex_scientific(0.25) == "0.25"
    setup = ChainSetup()
    chain = measure_chain(random_inputs(20, setup), setup)
    text = chain_latex(chain, 4, "tanh")
    assert r"\partial h_{20}" in text and r"\partial h_{5}" in text and r"\sigma_{\max}^{15}" in text
    assert latex_scientific(float(chain.measured[4])) in text
    assert latex_scientific(float(chain.upper_bound[4])) in text


def test_gradients_lesson_clip_rule_equals_torch():
    generator = torch.Generator().manual_seed(0)
    gradients = [torch.randn(4, 3, generator=generator), torch.randn(5, generator=generator)]
    parameters = [nn.Parameter(torch.zeros_like(gradient)) for gradient in gradients]
    for threshold in (0.5, 100.0):
        for parameter, gradient in zip(parameters, gradients):
            parameter.grad = gradient.clone()
        returned = torch.nn.utils.clip_grad_norm_(parameters, threshold)
        clipped, coefficient = clip_by_total_norm(gradients, threshold)
        assert total_norm(gradients).item() == pytest.approx(returned.item())
        for mine, parameter in zip(clipped, parameters):
            torch.testing.assert_close(mine, parameter.grad)
        assert (coefficient < 1) == (threshold < returned.item())
    with pytest.raises(ValueError):
        clip_by_total_norm(gradients, 0.0)


def test_gradients_lesson_clipping_demo_uses_real_gradients():
    chain = ChainSetup(radius=2.0, nonlinearity="relu")
    result = clipping_demo(5.0, chain, ClippingSetup(num_batches=4))
    assert result.clipped_diff < 1e-12
    np.testing.assert_allclose(result.torch_norms, result.norms_before, rtol=1e-12)
    assert np.all(result.norms_after <= 5.0 * (1 + 1e-9))
    unclipped = ~result.clipped
    np.testing.assert_allclose(result.norms_after[unclipped], result.norms_before[unclipped])
    np.testing.assert_allclose(result.norms_after[result.clipped], 5.0, rtol=1e-6)
    assert result.norms_before.max() > 100  # ρ = 2 with relu explodes
    # batch 0's gradient, recomputed independently
    rnn = build_model(chain)
    readout = _independent_readout(chain)
    inputs, targets = batch(0, chain, ClippingSetup(num_batches=4))
    output, _ = rnn(inputs)
    nn.functional.mse_loss(readout(output[-1]), targets).backward()
    norm = math.sqrt(sum((p.grad**2).sum().item() for p in [*rnn.parameters(), *readout.parameters()]))
    assert result.norms_before[0] == pytest.approx(norm, rel=1e-12)
    assert result.losses[0] == pytest.approx(nn.functional.mse_loss(readout(output[-1]), targets).item())


def test_gradients_lesson_display_limit_survives_exploding_runs():
    setup = ChainSetup(radius=3.0, nonlinearity="relu", matrix="gaussian")
    chain = measure_chain(random_inputs(200, setup), setup)
    assert np.abs(chain.pre_activation).max() > 1e20  # the states themselves explode
    limit = display_limit(chain.pre_activation, "relu")
    assert 4.0 <= limit <= 1e6
    z, _, slope = activation_curve("relu", limit)
    assert z[-1] == pytest.approx(limit) and set(np.unique(slope)) <= {0.0, 1.0}
    assert display_limit(np.array([[0.5, -30.0]]), "tanh") == 10.0 and display_limit(np.zeros((2, 2)), "tanh") == 4.0


def test_gradients_lesson_float64_device():
    assert float64_device("mps") == torch.device("cpu")
    assert float64_device("cpu") == torch.device("cpu") and float64_device("cuda:1") == torch.device("cuda:1")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_gradients_lesson_on_cuda_matches_cpu():
    setup = ChainSetup(radius=1.5, nonlinearity="relu")
    inputs = random_inputs(50, setup)
    on_cpu, on_gpu = measure_chain(inputs, setup), measure_chain(inputs, setup, device="cuda")
    np.testing.assert_allclose(on_gpu.measured, on_cpu.measured, rtol=1e-9)
    assert on_gpu.autograd_diff < 1e-12
    clipped_cpu, clipped_gpu = clipping_demo(1.0, setup), clipping_demo(1.0, setup, device="cuda")
    np.testing.assert_allclose(clipped_gpu.norms_before, clipped_cpu.norms_before, rtol=1e-9)
    assert clipped_gpu.clipped_diff < 1e-12


def _straightforward_chain(inputs: torch.Tensor, setup: ChainSetup, step: int) -> tuple[torch.Tensor, ...]:
    """measure_chain's products, norms and autograd check as first written: two traces, three norms."""
    from core.gradients import jacobian_products, readout_weights, through_time

    rnn = build_model(setup)
    products = jacobian_products(rnn, inputs, loss_step=step)[: step + 1]
    measured = torch.linalg.matrix_norm(products, ord=2)
    probe = readout_weights(setup.hidden_size, dtype=inputs.dtype)
    autograd = through_time(rnn, inputs, loss_step=step).hidden[: step + 1, 0]
    difference = (autograd - probe @ products).abs().max().item() / max(1.0, products.abs().max().item())
    return measured, difference


@pytest.mark.parametrize("setup", [ChainSetup(),
                                   ChainSetup(radius=1.6, nonlinearity="relu", matrix="gaussian", seed=5)])
def test_gradients_lesson_one_trace_gives_the_numbers_of_two(setup):
    inputs = random_inputs(40, setup)
    for step in (39, 12):
        chain = measure_chain(inputs, setup, loss_step=step)
        measured, difference = _straightforward_chain(inputs, setup, step)
        assert np.array_equal(chain.measured, measured.numpy()) and chain.autograd_diff == difference


def test_gradients_lesson_model_draws_nothing_from_the_global_generator():
    before = torch.random.get_rng_state()
    rnn = build_model(ChainSetup(seed=3))
    clipping_demo(1.0, ChainSetup(seed=3), ClippingSetup(num_batches=2))
    assert torch.equal(before, torch.random.get_rng_state())
    assert rnn.weight_hh_l0.dtype == torch.float64 and rnn.nonlinearity == "tanh"
    assert all(parameter.requires_grad for parameter in rnn.parameters())


def _independent_readout(chain: ChainSetup) -> nn.Linear:
    """The clipping demo's readout built the plain way (torch's constructor, then the seeded draws over it)."""
    readout = nn.Linear(chain.hidden_size, 1).double()
    generator = torch.Generator().manual_seed(int(chain.seed) + 1)
    with torch.no_grad():
        for parameter in readout.parameters():
            parameter.uniform_(-chain.hidden_size**-0.5, chain.hidden_size**-0.5, generator=generator)
    return readout


def _straightforward_clipping(threshold: float, chain: ChainSetup, setup: ClippingSetup) -> dict[str, list[float]]:
    """The clipping demo as first written: backward() into each parameter's .grad, clipped there in place."""
    rnn = build_model(chain)
    readout = _independent_readout(chain)
    parameters = list(rnn.parameters()) + list(readout.parameters())
    found = {name: [] for name in ("losses", "norms_before", "torch_norms", "norms_after", "coefficients")}
    for index in range(setup.num_batches):
        inputs, targets = batch(index, chain, setup)
        for parameter in parameters:
            parameter.grad = None
        output, _ = rnn(inputs)
        loss = nn.functional.mse_loss(readout(output[-1]), targets)
        loss.backward()
        gradients = [parameter.grad.detach().clone() for parameter in parameters]
        _, coefficient = clip_by_total_norm(gradients, threshold)
        found["torch_norms"].append(torch.nn.utils.clip_grad_norm_(parameters, threshold).item())
        found["losses"].append(loss.item())
        found["norms_before"].append(total_norm(gradients).item())
        found["norms_after"].append(total_norm([parameter.grad for parameter in parameters]).item())
        found["coefficients"].append(coefficient)
    return found


def test_gradients_lesson_clipping_reuses_one_set_of_gradients_for_every_threshold():
    from core.lessons.clipping import batch_gradients, clip_batches

    chain, setup = ChainSetup(radius=1.4, seed=11), ClippingSetup(num_batches=5)
    gradients = batch_gradients(chain, setup)
    kept = [[gradient.clone() for gradient in batch_gradients_] for batch_gradients_ in gradients.gradients]
    for threshold in (0.01, 1.5, 1000.0):
        result, expected = clip_batches(threshold, gradients), _straightforward_clipping(threshold, chain, setup)
        for name, values in expected.items():
            assert np.array_equal(getattr(result, name), np.array(values)), name
        again = clipping_demo(threshold, chain, setup)
        assert all(np.array_equal(getattr(result, name), getattr(again, name)) for name in expected)
        assert result.clipped_diff == again.clipped_diff < 1e-12
    # clipping scaled copies: the kept gradients are as they were
    assert all(torch.equal(mine, theirs) for before, after in zip(kept, gradients.gradients)
               for mine, theirs in zip(before, after))
