import numpy as np
import pytest
import torch

from core.lessons import bmatrix, latex_number
from core.lessons.rnn_step import (
    DEFAULT_SENTENCE, RNNStepConfig, biases_latex, build_network, run_lesson, shape_rows, step_equations,
)
from core.sequence_input import embed_tokens


@pytest.fixture(scope="module")
def lesson():
    return run_lesson(DEFAULT_SENTENCE, seed=3)


def test_network_has_the_tutorial_sizes_and_follows_the_seed():
    rnn, readout = build_network(0)
    assert (rnn.input_size, rnn.hidden_size, readout.out_features) == (3, 4, 2)
    again, _ = build_network(0)
    other, _ = build_network(1)
    assert torch.equal(rnn.weight_hh_l0, again.weight_hh_l0)
    assert not torch.equal(rnn.weight_hh_l0, other.weight_hh_l0)
    bound = 1 / 4 ** 0.5  # torch's default init range for hidden_size 4 and for the readout's fan_in 4
    for parameter in [*rnn.parameters(), *readout.parameters()]:
        assert parameter.abs().max() <= bound


def test_hidden_states_and_outputs_equal_torchs_own_modules(lesson):
    rnn, readout = build_network(3)
    inputs = embed_tokens(list(lesson.tokens), 3, seed=3)
    with torch.no_grad():
        expected, h_n = rnn(inputs)
        probabilities = torch.softmax(readout(expected), dim=-1)
    np.testing.assert_allclose(lesson.inputs, inputs.numpy())
    np.testing.assert_allclose(lesson.hidden, expected.numpy(), atol=1e-6)
    np.testing.assert_allclose(lesson.hidden[-1], h_n[0].numpy(), atol=1e-6)
    np.testing.assert_allclose(lesson.outputs, probabilities.numpy(), atol=1e-6)
    np.testing.assert_allclose(lesson.outputs.sum(axis=1), 1.0, atol=1e-6)
    assert lesson.max_abs_diff < 1e-5


def test_every_product_is_the_matrix_times_its_vector(lesson):
    np.testing.assert_array_equal(lesson.previous_hidden[0], np.zeros(4))  # h_0 = 0
    np.testing.assert_array_equal(lesson.previous_hidden[1:], lesson.hidden[:-1])
    for t in range(lesson.seq_len):
        np.testing.assert_allclose(lesson.from_input[t], lesson.weight_input @ lesson.inputs[t], atol=1e-6)
        np.testing.assert_allclose(lesson.from_hidden[t], lesson.weight_hidden @ lesson.previous_hidden[t], atol=1e-6)
        pre = lesson.from_input[t] + lesson.from_hidden[t] + lesson.bias_hidden
        np.testing.assert_allclose(lesson.pre_hidden[t], pre, atol=1e-6)
        np.testing.assert_allclose(lesson.hidden[t], np.tanh(pre), atol=1e-6)
        np.testing.assert_allclose(lesson.logits[t], lesson.weight_output @ lesson.hidden[t] + lesson.bias_output,
                                   atol=1e-6)


def test_bias_is_the_sum_of_torchs_two_biases(lesson):
    rnn, _ = build_network(3)
    np.testing.assert_allclose(lesson.bias_hidden, (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().numpy())
    shown = biases_latex(lesson)  # the page's bias line carries these numbers, b_h first
    assert shown.index(bmatrix(lesson.bias_hidden, 3)) < shown.index(bmatrix(lesson.bias_output, 3))


def test_shapes_table_comes_from_the_modules():
    rnn, readout = build_network(0)
    shapes = {row.name: row.shape for row in shape_rows(rnn, readout)}
    assert shapes == {
        "input": (3,), "previous_hidden": (4,), "weight_input": (4, 3), "weight_hidden": (4, 4),
        "bias_hidden": (4,), "hidden": (4,), "weight_output": (2, 4), "bias_output": (2,), "output": (2,),
    }
    wider, wider_readout = build_network(0, RNNStepConfig(input_size=5, hidden_size=6, output_size=3))
    assert {row.name: row.shape for row in shape_rows(wider, wider_readout)}["weight_input"] == (6, 5)


def test_sentence_and_seed_change_the_numbers(lesson):
    other_sentence = run_lesson("你 爱 北京 天安门", seed=3)
    other_seed = run_lesson(DEFAULT_SENTENCE, seed=4)
    assert not np.allclose(other_sentence.hidden[-1], lesson.hidden[-1])
    np.testing.assert_array_equal(other_sentence.weight_hidden, lesson.weight_hidden)
    assert not np.allclose(other_seed.weight_hidden, lesson.weight_hidden)


def test_long_sentences_are_cut_and_empty_ones_refused():
    long = run_lesson(" ".join(f"w{i}" for i in range(20)), seed=0)
    assert long.seq_len == RNNStepConfig().max_tokens and long.truncated
    assert not run_lesson("我爱北京", seed=0).truncated
    with pytest.raises(ValueError):
        run_lesson("   ", seed=0)


def test_step_equations_carry_that_steps_numbers(lesson):
    equations = step_equations(lesson, 2)
    assert set(equations) == {"from_input", "from_hidden", "sum", "hidden", "logits", "output"}
    assert r"h_{1}" in equations["from_hidden"] and bmatrix(lesson.hidden[0]) in equations["from_hidden"]
    assert equations["hidden"].endswith(bmatrix(lesson.hidden[1]))
    assert bmatrix(lesson.weight_input) in equations["from_input"]
    assert equations["output"].endswith(bmatrix(lesson.outputs[1]))
    first = step_equations(lesson, 1)
    assert bmatrix(np.zeros(4)) in first["from_hidden"]  # h_0 = 0
    for bad in (0, lesson.seq_len + 1):
        with pytest.raises(ValueError):
            step_equations(lesson, bad)


def test_bmatrix_layout_and_rounding():
    assert bmatrix([1.0, -2.5]) == r"\begin{bmatrix}1.00 \\ -2.50\end{bmatrix}"
    assert bmatrix([[1, 2], [3, 4]], 0) == r"\begin{bmatrix}1 & 2 \\ 3 & 4\end{bmatrix}"
    assert latex_number(-0.001) == "0.00"
    with pytest.raises(ValueError):
        bmatrix(np.zeros((2, 2, 2)))
