"""Lesson 5's numbers are torch's: gates rebuilt from the module's weights, gradients checked against autograd."""

import numpy as np
import pytest
import torch
from torch import nn

from core.gradients import through_time
from core.lesson_models import seeded_recurrent
from core.lessons import bmatrix
from core.lessons.cell_path import cell_path
from core.lessons.lstm_step import (
    LSTMStepConfig, build_lstm, step_equations, tutorial_gates, walkthrough, weight_layout,
)
from core.sequence_input import embed_tokens, split_tokens, tokens_of
from core.trace import trace

SENTENCE = "the cat sat on the mat"


@pytest.fixture(scope="module")
def lesson():
    return walkthrough(SENTENCE, seed=3)


def test_every_state_matches_torch_lstm(lesson):
    module = build_lstm(3)
    inputs = embed_tokens(split_tokens(SENTENCE), 3, 3)  # (seq_len, input)
    with torch.no_grad():
        output, (h_n, c_n) = module(inputs)
    np.testing.assert_allclose(lesson.hidden, output.numpy(), atol=1e-6)
    np.testing.assert_allclose(lesson.cell[-1], c_n[0].numpy(), atol=1e-6)
    np.testing.assert_allclose(lesson.hidden[-1], h_n[0].numpy(), atol=1e-6)
    assert lesson.max_abs_diff < 1e-5
    assert lesson.tutorial_max_abs_diff < 1e-5


def test_gates_rebuilt_by_hand_from_torch_rows(lesson):
    """Torch stacks i, f, g, o: rebuild each gate from those rows, with torch's own LSTMCell as the stepper."""
    module = build_lstm(3)
    cell = nn.LSTMCell(3, 4)
    cell.load_state_dict({name.removesuffix("_l0"): value for name, value in module.state_dict().items()})
    hidden, state = torch.zeros(1, 4), torch.zeros(1, 4)
    inputs = torch.from_numpy(lesson.inputs)
    with torch.no_grad():
        for t in range(lesson.seq_len):
            pre = inputs[t] @ module.weight_ih_l0.T + module.bias_ih_l0 + hidden[0] @ module.weight_hh_l0.T \
                + module.bias_hh_l0  # (4 * hidden,)
            i, f, g, o = pre.chunk(4)
            np.testing.assert_allclose(lesson.gates["input"][t], torch.sigmoid(i).numpy(), atol=1e-6)
            np.testing.assert_allclose(lesson.gates["forget"][t], torch.sigmoid(f).numpy(), atol=1e-6)
            np.testing.assert_allclose(lesson.gates["candidate"][t], torch.tanh(g).numpy(), atol=1e-6)
            np.testing.assert_allclose(lesson.gates["output"][t], torch.sigmoid(o).numpy(), atol=1e-6)
            np.testing.assert_allclose(lesson.previous_cell[t], state[0].numpy(), atol=1e-6)
            hidden, state = cell(inputs[t:t + 1], (hidden, state))
            np.testing.assert_allclose(lesson.cell[t], state[0].numpy(), atol=1e-6)
    np.testing.assert_allclose(lesson.kept + lesson.written, lesson.cell, atol=1e-6)
    np.testing.assert_allclose(lesson.gates["output"] * np.tanh(lesson.cell), lesson.hidden, atol=1e-6)


def test_tutorial_concatenated_form_equals_torch():
    module = build_lstm(5)
    inputs = torch.randn(6, 3, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        output, _ = module(inputs)
        previous = torch.cat([torch.zeros(1, 4), output[:-1]])
        gates = tutorial_gates(module, inputs, previous)
        cell = torch.zeros(4)
        for t in range(6):
            cell = gates["forget"][t] * cell + gates["input"][t] * gates["candidate"][t]
            torch.testing.assert_close(gates["output"][t] * torch.tanh(cell), output[t], atol=1e-6, rtol=0)


def test_layout_rows_reproduce_torch_for_other_sizes():
    module = seeded_recurrent("lstm", 5, 7, seed=2)
    rows, shapes = weight_layout(module)
    assert shapes == {"weight_ih_l0": (28, 5), "weight_hh_l0": (28, 7), "bias_ih_l0": (28,), "bias_hh_l0": (28,)}
    assert [row.gate for row in rows] == ["input", "forget", "candidate", "output"]
    assert [row.torch_rows for row in rows] == [(0, 7), (7, 14), (14, 21), (21, 28)]
    assert {row.gate: row.tutorial_position for row in rows} == {"forget": 0, "input": 1, "candidate": 2, "output": 3}
    assert all(row.tutorial_shape == (7, 12) and row.torch_input_shape == (7, 5) for row in rows)
    # The table is only right if those rows really are those gates: run one step from the table alone.
    x, hidden, state = torch.randn(5), torch.randn(7), torch.randn(7)
    block = {row.gate: slice(*row.torch_rows) for row in rows}
    with torch.no_grad():
        pre = {name: module.weight_ih_l0[rows_] @ x + module.bias_ih_l0[rows_] + module.weight_hh_l0[rows_] @ hidden
               + module.bias_hh_l0[rows_] for name, rows_ in block.items()}
        new_cell = torch.sigmoid(pre["forget"]) * state + torch.sigmoid(pre["input"]) * torch.tanh(pre["candidate"])
        new_hidden = torch.sigmoid(pre["output"]) * torch.tanh(new_cell)
        _, (h_n, c_n) = module(x[None], (hidden[None], state[None]))
    torch.testing.assert_close(new_cell, c_n[0], atol=1e-6, rtol=0)
    torch.testing.assert_close(new_hidden, h_n[0], atol=1e-6, rtol=0)


def test_seed_and_truncation_and_empty():
    first, other = walkthrough(SENTENCE, 0), walkthrough(SENTENCE, 1)
    assert not np.allclose(first.hidden, other.hidden)
    long = walkthrough(" ".join(f"w{index}" for index in range(30)), 0, LSTMStepConfig(max_tokens=16))
    assert long.seq_len == 16 and long.truncated
    assert not first.truncated
    with pytest.raises(ValueError):
        walkthrough("   ", 0)


def test_forget_bias_moves_only_forget_rows():
    plain, shifted = build_lstm(4), build_lstm(4, forget_bias=1.5)
    difference = (shifted.bias_ih_l0 - plain.bias_ih_l0).detach()
    torch.testing.assert_close(difference[4:8], torch.full((4,), 1.5))
    assert difference[:4].abs().max() == 0 and difference[8:].abs().max() == 0


def test_step_equations_carry_the_numbers(lesson):
    equations = step_equations(lesson, 2)
    assert set(equations) == {"input", "forget", "candidate", "output", "cell", "hidden"}
    assert equations["forget"][-1].endswith(bmatrix(lesson.gates["forget"][1]))
    assert bmatrix(lesson.weights["forget"][0]) in equations["forget"][0]
    assert equations["cell"][-1].endswith(bmatrix(lesson.cell[1]))
    assert equations["hidden"][-1].endswith(bmatrix(lesson.hidden[1]))
    np.testing.assert_allclose(lesson.input_parts["forget"][1] + lesson.hidden_parts["forget"][1]
                               + lesson.weights["forget"][2], lesson.pre_activations["forget"][1], atol=1e-6)
    with pytest.raises(ValueError):
        step_equations(lesson, lesson.seq_len + 1)


def _reference_norm(step_function, start_state, later_inputs) -> float:
    """‖∂ final / ∂ start‖₂ by torch.autograd.functional.jacobian through torch's own *Cell modules."""
    def run(state):
        for x in later_inputs:
            state = step_function(x, state)
        return state
    jacobian = torch.autograd.functional.jacobian(run, start_state)  # (hidden, hidden)
    return float(torch.linalg.matrix_norm(jacobian, ord=2))


def test_cell_path_against_autograd_on_torch_cells():
    sentence, seed, bias = "a b c d e f g h", 7, 1.0
    path = cell_path(sentence, seed, forget_bias=bias)
    lesson_module, rnn = build_lstm(seed, forget_bias=bias), seeded_recurrent("rnn", 3, 4, seed)
    inputs = embed_tokens(split_tokens(sentence), 3, seed)  # (seq_len, input)
    lstm_cell, rnn_cell = nn.LSTMCell(3, 4), nn.RNNCell(3, 4)
    lstm_cell.load_state_dict({k.removesuffix("_l0"): v for k, v in lesson_module.state_dict().items()})
    rnn_cell.load_state_dict({k.removesuffix("_l0"): v for k, v in rnn.state_dict().items()})
    with torch.no_grad():
        output, _ = lesson_module(inputs)
        rnn_output, _ = rnn(inputs)
        pre = inputs @ lesson_module.weight_ih_l0.T + lesson_module.bias_ih_l0 + torch.cat(
            [torch.zeros(1, 4), output[:-1]]) @ lesson_module.weight_hh_l0.T + lesson_module.bias_hh_l0
    forget = torch.sigmoid(pre[:, 4:8])
    output_gate = torch.sigmoid(pre[:, 12:16])
    seq_len = len(inputs)
    expected_product = torch.stack([forget[t + 1:].prod(0) for t in range(seq_len)])  # (seq_len, hidden)
    np.testing.assert_allclose(path.forget_product, expected_product.numpy(), rtol=1e-5, atol=1e-7)
    assert path.forget_product_norm[-1] == pytest.approx(1.0)
    for t in (0, 3, seq_len - 2):
        # h_t = o_t ⊙ tanh(C_t) moves with C_t (o_t does not depend on C_t): every path from C_t to C_T.
        def from_cell(cell_state, t=t):
            state = (output_gate[t] * torch.tanh(cell_state))[None], cell_state[None]
            for x in inputs[t + 1:]:
                state = lstm_cell(x[None], state)
            return state[1][0]
        with torch.no_grad():
            _, (_, c_t) = lesson_module(inputs[: t + 1])
        jacobian = torch.autograd.functional.jacobian(from_cell, c_t[0])
        assert path.cell_jacobian_norm[t] == pytest.approx(float(torch.linalg.matrix_norm(jacobian, ord=2)), rel=1e-4)
        expected_rnn = _reference_norm(lambda x, h: rnn_cell(x[None], h[None])[0], rnn_output[t], inputs[t + 1:])
        assert path.rnn_jacobian_norm[t] == pytest.approx(expected_rnn, rel=1e-4)


@pytest.mark.parametrize("sentence, seed, bias", [
    ("the cat sat on the mat", 3, 0.0), ("a b c d e f g h", 7, 1.0), ("solo", 11, -2.0),
    (" ".join(f"w{index}" for index in range(60)), 0, 3.0), (" ".join(f"w{index}" for index in range(75)), 5, 0.5),
])
def test_cell_path_is_bit_for_bit_the_per_unit_computation(sentence, seed, bias):
    """One traced graph with a backward pass per unit gives exactly what one through_time per unit gave (and a
    separate trace for the forget gates, through_time's norms for the RNN)."""
    config = LSTMStepConfig()
    path = cell_path(sentence, seed, forget_bias=bias)
    tokens, _ = tokens_of(sentence, config.max_path_tokens)
    inputs = embed_tokens(tokens, config.input_size, seed)
    lstm, rnn = build_lstm(seed, config, bias), seeded_recurrent("rnn", config.input_size, config.hidden_size, seed)
    with torch.no_grad():
        forget = trace(lstm, inputs).gate("forget")
    later = torch.cat([forget[1:], forget.new_ones(1, config.hidden_size)])
    forget_product = later.flip(0).cumprod(0).flip(0)
    rows = [through_time(lstm, inputs, loss=lambda traced, unit=unit: traced.c_n[0, unit]).cell[:, 0]
            for unit in range(config.hidden_size)]
    cell_norms = torch.linalg.matrix_norm(torch.stack(rows, dim=1), ord=2)
    np.testing.assert_array_equal(path.forget_product, forget_product.numpy())
    np.testing.assert_array_equal(path.forget_product_norm, forget_product.max(dim=1).values.numpy())
    np.testing.assert_array_equal(path.cell_jacobian_norm, cell_norms.numpy())
    np.testing.assert_array_equal(path.rnn_jacobian_norm, through_time(rnn, inputs).jacobian_norms.numpy())
    assert path.mean_forget == float(forget.mean())


def test_forget_bias_lifts_the_product():
    sentence = " ".join(f"w{index}" for index in range(30))
    low, high = cell_path(sentence, 0, forget_bias=0.0), cell_path(sentence, 0, forget_bias=3.0)
    assert len(low.tokens) == 30
    assert high.mean_forget > low.mean_forget
    assert high.forget_product_norm[0] > 100 * low.forget_product_norm[0]
