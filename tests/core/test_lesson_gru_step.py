"""Lesson 6's numbers are torch's GRU; both update conventions agree; the LSTM vs GRU table is counted, not typed."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from core.lessons import bmatrix
from core.lessons.cell_comparison import CellComparison, CellTiming, cell_facts, time_cell
from core.lessons.gru_step import build_gru, step_equations, walkthrough
from core.sequence_input import embed_tokens, split_tokens

SENTENCE = "我 爱 北京 天安门 和 长城"


@pytest.fixture(scope="module")
def lesson():
    return walkthrough(SENTENCE, seed=5)


def test_states_match_torch_gru_cell_by_cell(lesson):
    module = build_gru(5)
    cell = nn.GRUCell(3, 4)
    cell.load_state_dict({name.removesuffix("_l0"): value for name, value in module.state_dict().items()})
    inputs = embed_tokens(split_tokens(SENTENCE), 3, 5)  # (seq_len, input)
    np.testing.assert_allclose(lesson.inputs, inputs.numpy())
    hidden = torch.zeros(1, 4)
    with torch.no_grad():
        output, h_n = module(inputs)
        for t in range(lesson.seq_len):
            # torch's documented equations, written out from the stacked r, z, n rows
            r_x, z_x, n_x = (inputs[t] @ module.weight_ih_l0.T + module.bias_ih_l0).chunk(3)
            r_h, z_h, n_h = (hidden[0] @ module.weight_hh_l0.T + module.bias_hh_l0).chunk(3)
            reset, update = torch.sigmoid(r_x + r_h), torch.sigmoid(z_x + z_h)
            new = torch.tanh(n_x + reset * n_h)
            np.testing.assert_allclose(lesson.gates["reset"][t], reset.numpy(), atol=1e-6)
            np.testing.assert_allclose(lesson.gates["update"][t], update.numpy(), atol=1e-6)
            np.testing.assert_allclose(lesson.gates["new"][t], new.numpy(), atol=1e-6)
            np.testing.assert_allclose(lesson.hidden_parts["new"][t], n_h.numpy(), atol=1e-6)
            hidden = cell(inputs[t:t + 1], hidden)
            np.testing.assert_allclose(lesson.hidden[t], hidden[0].numpy(), atol=1e-6)
    np.testing.assert_allclose(lesson.hidden, output.numpy(), atol=1e-6)
    np.testing.assert_allclose(lesson.hidden[-1], h_n[0].numpy(), atol=1e-6)
    assert lesson.max_abs_diff < 1e-5


def test_conventions(lesson):
    # z weights the old state in torch; the tutorial's z' = 1 - z gives the same h exactly.
    np.testing.assert_allclose(lesson.kept + lesson.written, lesson.hidden, atol=1e-6)
    np.testing.assert_allclose(lesson.tutorial_update, 1 - lesson.gates["update"], atol=0)
    np.testing.assert_allclose(lesson.tutorial_hidden, lesson.hidden, atol=1e-6)
    assert lesson.convention_max_abs_diff < 1e-6
    # Resetting before the product is a different model: recompute it independently.
    module = build_gru(5)
    with torch.no_grad():
        w_in, w_hn = module.weight_ih_l0[8:12], module.weight_hh_l0[8:12]
        b_in, b_hn = module.bias_ih_l0[8:12], module.bias_hh_l0[8:12]
        inputs, previous = torch.from_numpy(lesson.inputs), torch.from_numpy(lesson.previous_hidden)
        reset = torch.from_numpy(lesson.gates["reset"])
        expected = torch.tanh(inputs @ w_in.T + b_in + (reset * previous) @ w_hn.T + b_hn)
    np.testing.assert_allclose(lesson.reset_first_new, expected.numpy(), atol=1e-6)
    assert lesson.reset_placement_gap == pytest.approx(float((expected - torch.from_numpy(lesson.gates["new"]))
                                                             .abs().max()), abs=1e-6)
    assert lesson.reset_placement_gap > 1e-3  # b_hn alone makes them differ at t = 1


def test_step_equations(lesson):
    equations = step_equations(lesson, 3)
    assert set(equations) == {"reset", "update", "new", "hidden", "tutorial_hidden"}
    assert len(equations["new"]) == 3
    assert equations["new"][-1].endswith(bmatrix(lesson.gates["new"][2]))
    assert equations["hidden"][-1].endswith(bmatrix(lesson.hidden[2]))
    assert equations["tutorial_hidden"][-1].endswith(bmatrix(lesson.tutorial_hidden[2]))
    assert bmatrix(lesson.weights["reset"][1]) in equations["reset"][1]
    with pytest.raises(ValueError):
        step_equations(lesson, 0)


def test_empty_sentence_is_refused():
    with pytest.raises(ValueError):
        walkthrough("", 0)


@pytest.mark.parametrize("input_size, hidden_size", [(3, 4), (10, 7), (1, 32)])
def test_parameter_counts_from_modules(input_size, hidden_size):
    lstm, gru = cell_facts("lstm", input_size, hidden_size), cell_facts("gru", input_size, hidden_size)
    assert lstm.parameters == sum(p.numel() for p in nn.LSTM(input_size, hidden_size).parameters())
    assert gru.parameters == sum(p.numel() for p in nn.GRU(input_size, hidden_size).parameters())
    assert lstm.formula_parameters == lstm.parameters and gru.formula_parameters == gru.parameters
    assert (lstm.gate_blocks, gru.gate_blocks) == (4, 3)
    assert gru.parameters * 4 == lstm.parameters * 3
    assert (lstm.gates, gru.gates) == (3, 2)
    assert (lstm.states, gru.states) == (2, 1)
    clock = CellTiming(kind="lstm", forward_ms=2.0, backward_ms=5.0, device="cpu")
    comparison = CellComparison(lstm=lstm, gru=gru, lstm_timing=clock,
                                gru_timing=CellTiming(kind="gru", forward_ms=1.5, backward_ms=4.0, device="cpu"))
    assert comparison.parameter_ratio == 0.75  # three gate blocks against four, whatever the sizes
    assert (comparison.forward_ratio, comparison.backward_ratio) == (0.75, 0.8)


def test_timing_is_measured_and_leaves_threads_alone():
    threads = torch.get_num_threads()
    timing = time_cell("gru", 4, 8, batch_size=2, seq_len=3, repeats=2)
    assert torch.get_num_threads() == threads
    assert timing.kind == "gru" and timing.device == "cpu"
    assert 0 < timing.forward_ms < 10_000 and 0 < timing.backward_ms < 10_000
    assert math.isfinite(timing.forward_ms + timing.backward_ms)
