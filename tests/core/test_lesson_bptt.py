"""Lesson 3 (BPTT): every gradient the page animates is checked against autograd on torch's own modules."""

import numpy as np
import pytest
import torch
from torch import nn

from core.lessons import latex_number
from core.lessons.bptt import (
    MAX_TOKENS, BPTTSetup, backward_pass, loss_positions, recursion_latex, term_latex,
)
from core.lessons.rnn_step import build_network, run_lesson
from core.sequence_input import embed_tokens, split_tokens

SENTENCE = "我 爱 北京 天安门"


def reference_gradients(sentence: str, loss_step, seed: int = 0, target: int = 1):
    """Unroll torch's own nn.RNNCell with the module's weights, keep every h_t, and let autograd fill h_t.grad."""
    rnn, readout = build_network(seed)
    cell = nn.RNNCell(rnn.input_size, rnn.hidden_size)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(cell, name).copy_(getattr(rnn, f"{name}_l0"))
    tokens = split_tokens(sentence, MAX_TOKENS)
    inputs = embed_tokens(tokens, rnn.input_size, seed)  # (seq_len, input)
    hidden = torch.zeros(1, rnn.hidden_size)
    states = []
    for x in inputs:
        hidden = cell(x[None], hidden)  # (1, hidden)
        hidden.retain_grad()
        states.append(hidden)
    positions = range(len(tokens)) if loss_step is None else [loss_step % len(tokens)]
    loss = sum(nn.functional.cross_entropy(readout(states[p]), torch.tensor([target])) for p in positions)
    loss.backward()
    grads = [torch.zeros_like(state) if state.grad is None else state.grad for state in states]  # after the loss: 0
    return loss.item(), torch.cat(grads).numpy(), cell.weight_hh.grad.numpy()


@pytest.mark.parametrize("loss_step", [None, -1, 1])
def test_bptt_hidden_and_weight_gradients_match_autograd(loss_step):
    result = backward_pass(SENTENCE, loss_step)
    loss, grad_hidden, weight_grad = reference_gradients(SENTENCE, loss_step)
    assert result.loss == pytest.approx(loss, rel=1e-6)
    np.testing.assert_allclose(result.grad_hidden, grad_hidden, atol=1e-6)
    np.testing.assert_allclose(result.weight_grad, weight_grad, atol=1e-6)
    np.testing.assert_allclose(result.running_sums[-1], weight_grad, atol=1e-6)  # Σ_t δ_t h_{t-1}ᵀ = autograd
    assert result.weight_diff < 1e-6 and result.recursion_diff < 1e-6 and result.forward_diff < 1e-6


def test_bptt_recursion_parts_add_up():
    result = backward_pass("the cat sat on the mat", None, BPTTSetup(seed=3))
    np.testing.assert_allclose(result.carried + result.direct, result.grad_hidden, atol=1e-6)
    np.testing.assert_allclose(result.recursion, result.grad_hidden, atol=1e-6)
    assert np.all(result.carried[-1] == 0)  # nothing comes from beyond the last step
    # direct term = W_hyᵀ (softmax(y_t) − e_target) at every loss step
    probabilities = torch.softmax(torch.tensor(result.hidden) @ torch.tensor(result.readout_weight).T
                                  + build_network(3)[1].bias.detach(), dim=-1).numpy()
    expected = (probabilities - np.eye(2)[1]) @ result.readout_weight
    np.testing.assert_allclose(result.direct, expected, atol=1e-6)
    np.testing.assert_allclose(result.target_probability, probabilities[:, 1], atol=1e-6)
    # the table's norms, per step: what arrives directly, from the future, in total, and each term's size
    for position in range(result.seq_len):
        assert result.direct_norms[position] == pytest.approx(np.sqrt(np.sum(result.direct[position] ** 2)))
        assert result.carried_norms[position] == pytest.approx(np.sqrt(np.sum(result.carried[position] ** 2)))
        assert result.grad_norms[position] == pytest.approx(np.sqrt(np.sum(result.grad_hidden[position] ** 2)))
        assert result.term_norms[position] == pytest.approx(np.sqrt(np.sum(result.terms[position] ** 2)))
    assert result.carried_norms[-1] == 0 and result.term_norms[0] == 0  # h_0 = 0 makes the first term zero


def test_bptt_terms_are_outer_products_and_first_is_zero():
    result = backward_pass("the cat sat on the mat")
    slope = 1 - result.hidden**2
    for position in range(result.seq_len):
        delta = slope[position] * result.grad_hidden[position]
        np.testing.assert_allclose(result.terms[position], np.outer(delta, result.previous_hidden[position]), atol=1e-7)
    assert np.all(result.terms[0] == 0)  # h_0 = 0
    np.testing.assert_allclose(result.running_sums[0], result.terms[-1])  # the backward pass starts at t = T
    np.testing.assert_allclose(result.running_sums[1], result.terms[-1] + result.terms[-2], atol=1e-7)


def test_bptt_single_loss_step_sends_nothing_from_later_steps():
    result = backward_pass("a b c d e", loss_step=2)
    assert result.loss_steps == (2,)
    assert np.all(result.grad_hidden[3:] == 0)
    assert np.all(result.direct[[0, 1, 3, 4]] == 0) and np.any(result.direct[2] != 0)
    assert np.all(result.grad_norms[:3] > 0)


def test_bptt_network_is_lesson_two():
    result = backward_pass(SENTENCE, setup=BPTTSetup(seed=5))
    lesson_two = run_lesson(SENTENCE, 5)
    np.testing.assert_allclose(result.weight_hh, lesson_two.weight_hidden)
    np.testing.assert_allclose(result.hidden, lesson_two.hidden, atol=1e-6)
    assert not np.allclose(result.weight_hh, backward_pass(SENTENCE).weight_hh)  # the seed matters


def test_bptt_bad_input():
    with pytest.raises(ValueError):
        backward_pass("   ")
    with pytest.raises(ValueError):
        loss_positions(3, 3)
    assert loss_positions(3, -1) == (2,) and loss_positions(2, None) == (0, 1)
    long = backward_pass(" ".join(f"w{index}" for index in range(MAX_TOKENS + 3)))
    assert long.truncated and long.seq_len == MAX_TOKENS
    assert not backward_pass(SENTENCE).truncated


def test_bptt_latex_carries_the_numbers():
    result = backward_pass(SENTENCE)
    middle = recursion_latex(result, 1)
    assert r"W_{hh}^\top" in middle and r"\operatorname{diag}(1-h_{3}^2)" in middle
    for value in (*result.grad_hidden[1], *result.grad_hidden[2]):
        assert latex_number(value, 3) in middle
    for value in result.weight_hh.T.ravel():
        assert latex_number(value, 2) in middle
    last = recursion_latex(result, result.seq_len - 1)
    assert "W_{hh}" not in last and latex_number(result.direct[-1][0], 3) in last
    term = term_latex(result, 2)
    assert r"\delta_{3} h_{2}^\top" in term and latex_number(result.terms[2][0, 0], 3) in term


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_bptt_on_cuda_matches_cpu():
    on_cpu, on_gpu = backward_pass(SENTENCE), backward_pass(SENTENCE, device="cuda")
    np.testing.assert_allclose(on_gpu.grad_hidden, on_cpu.grad_hidden, atol=1e-5)
    np.testing.assert_allclose(on_gpu.weight_grad, on_cpu.weight_grad, atol=1e-5)
    assert on_gpu.weight_diff < 1e-5 and on_gpu.recursion_diff < 1e-5


def test_the_trained_switch_runs_bptt_on_the_shipped_agreement_model_without_changing_it():
    from core.lessons.trained.grammar import DEFAULT_SENTENCE as TRAINED
    from core.lessons.trained.load import trained_model

    model = trained_model("rnn")
    before = {name: tensor.clone() for name, tensor in model.state_dict().items()}
    result = backward_pass(TRAINED, loss_step=-1, setup=BPTTSetup(trained=True))
    rnn, readout = model.recurrent, model.readout
    inputs = model.embed(result.tokens)  # (T, d)
    hidden, states = torch.zeros(rnn.hidden_size), []
    for x in inputs:  # h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), each h_t kept for its total derivative
        hidden = torch.tanh(rnn.weight_ih_l0 @ x + rnn.bias_ih_l0 + rnn.weight_hh_l0 @ hidden + rnn.bias_hh_l0)
        states.append(hidden)
    loss = nn.functional.cross_entropy(readout(states[-1])[None], torch.tensor([1]))  # "were" at the last word
    grad_hidden = torch.stack(torch.autograd.grad(loss, states))  # (T, H) ∂L/∂h_t through every later step
    assert result.loss == pytest.approx(loss.item(), rel=1e-5)
    np.testing.assert_allclose(result.grad_hidden, grad_hidden.numpy(), atol=1e-6)
    assert result.weight_diff < 1e-5 and result.recursion_diff < 1e-5
    assert all(torch.equal(before[name], tensor) for name, tensor in model.state_dict().items())
    assert all(parameter.grad is None for parameter in model.parameters())  # the shared model got no .grad
    untrained = backward_pass(TRAINED, loss_step=-1, setup=BPTTSetup())
    assert not np.allclose(untrained.grad_hidden, result.grad_hidden)


@pytest.mark.parametrize("loss_step", [None, 1])
def test_input_gradients_are_w_xh_transpose_delta_and_match_autograd(loss_step):
    result = backward_pass("the cat sat on the mat", loss_step=loss_step, setup=BPTTSetup(seed=2))
    rnn, readout = build_network(2)
    inputs = embed_tokens(list(result.tokens), 3, 2).requires_grad_(True)  # (T, d)
    output, _ = rnn(inputs)
    positions = list(range(result.seq_len)) if loss_step is None else [loss_step]
    loss = nn.functional.cross_entropy(readout(output[positions]), torch.ones(len(positions), dtype=torch.long),
                                       reduction="sum")
    loss.backward()
    np.testing.assert_allclose(result.grad_input, inputs.grad.numpy(), atol=1e-6)
    assert result.input_diff < 1e-6
    if loss_step is not None:  # words after the loss cannot affect it
        assert np.abs(result.grad_input[loss_step + 1:]).max() == 0.0
