"""Lesson 7's numbers: the gradient check, CustomLSTM vs nn.LSTM, timing, and the classifier's parameter count."""

import ast
import re
import time

import numpy as np
import pytest
import torch
from torch import nn

from core.classifier.model import ClassifierConfig, TextClassifier, count_parameters
from core.lessons import code
from core.lessons import timing
from core.custom_lstm import CustomLSTM
from core.lessons.code import (MAX_REPLAY_STEPS, PASS_THRESHOLD, LSTMSizes, custom_agreement, custom_lstm_source,
                               gradient_check, loop_replay, numpy_lstm_sources, speed_comparison,
                               text_classifier, torch_lstm_sources)
from core.lessons.timing import fastest_seconds, timing_conditions
from core.numpy_cells import NumpyLSTMCell
from core.parameter_count import lstm_layer_counts, parameter_table
from core.seeding import generator, seeded_module


def _function_names(source: str) -> list[str]:
    return [node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)]


def test_listings_are_the_functions_that_run():
    numpy_source, torch_source = numpy_lstm_sources(), torch_lstm_sources()
    assert _function_names(numpy_source["forward"]) == ["step"]
    assert _function_names(numpy_source["backward"]) == ["step_backward"]
    assert "forget_gate * cell_prev + input_gate * candidate" in numpy_source["forward"]
    assert _function_names(torch_source["forward"]) == ["forward"] and "lstm_cell" in torch_source["forward"]
    assert "torch.autograd.grad" in torch_source["backward"]
    assert _function_names(custom_lstm_source()) == ["forward"]
    assert "lstm_cell(layer_input" in custom_lstm_source()
    # The cell's public forward/backward delegate to the listed functions, so the listing is what executes.
    assert "self.step(" in code.inspect.getsource(NumpyLSTMCell.forward)
    assert "self.step_backward(" in code.inspect.getsource(NumpyLSTMCell.backward)


@pytest.mark.parametrize("batch_size,input_size,hidden_size,seed", [(4, 3, 5, 0), (1, 7, 2, 3), (6, 16, 24, 11)])
def test_gradient_check_passes_at_machine_precision(batch_size, input_size, hidden_size, seed):
    check = gradient_check(batch_size, input_size, hidden_size, seed)
    assert check.names == ("hidden", "cell", "weight", "bias", "input", "hidden_prev", "cell_prev")
    assert check.worst < 1e-12 and check.passed and all(check.passes)
    shapes = dict(zip(check.names, check.shapes))
    assert shapes["weight"] == (4 * hidden_size, input_size + hidden_size)
    assert shapes["bias"] == (4 * hidden_size,)
    assert shapes["input"] == (batch_size, input_size)
    assert shapes["cell_prev"] == (batch_size, hidden_size)


def test_gradient_check_catches_a_wrong_backward_line(monkeypatch):
    correct = NumpyLSTMCell.step_backward

    def forgets_the_forget_gate(self, d_hidden, d_cell_next, cache):
        d_x, d_hidden_prev, d_cell_prev, grad_weight, grad_bias = correct(self, d_hidden, d_cell_next, cache)
        return d_x, d_hidden_prev, d_cell_prev / cache.forget_gate, grad_weight, grad_bias  # dc_prev = dc, no ⊙ f

    monkeypatch.setattr(NumpyLSTMCell, "step_backward", forgets_the_forget_gate)
    check = gradient_check(3, 4, 5, 0)
    errors = dict(zip(check.names, check.relative_errors))
    assert errors["cell_prev"] > 0.1
    assert errors["weight"] < 1e-12 and errors["input"] < 1e-12
    assert not check.passed and dict(zip(check.names, check.passes)) == {
        name: name != "cell_prev" and error < PASS_THRESHOLD for name, error in errors.items()}


def test_gradient_check_rejects_bad_sizes():
    with pytest.raises(ValueError, match="hidden_size"):
        gradient_check(2, 3, 0, 0)
    with pytest.raises(ValueError, match="batch_size"):
        gradient_check(1000, 3, 4, 0)


@pytest.mark.parametrize("num_layers", [1, 2])
def test_custom_lstm_agrees_with_nn_lstm(num_layers):
    gaps = custom_agreement(LSTMSizes(seq_len=7, batch_size=3, input_size=5, hidden_size=6, num_layers=num_layers),
                            seed=1)
    assert 0 <= gaps.worst < 1e-5
    assert gaps.worst == max(gaps.output, gaps.hidden, gaps.cell, gaps.input_gradient)


def test_speed_comparison_times_both_and_restores_threads():
    threads_before = torch.get_num_threads()
    speed = speed_comparison(LSTMSizes(seq_len=5, batch_size=2, input_size=4, hidden_size=8), repeats=2)
    assert torch.get_num_threads() == threads_before
    assert speed.device == "cpu" and speed.threads == timing.TIMING_THREADS
    assert speed.custom_seconds > 0 and speed.fused_seconds > 0
    assert speed.ratio == pytest.approx(speed.custom_seconds / speed.fused_seconds)
    assert speed.repeats >= 2


def test_fastest_seconds_keeps_the_minimum_of_at_least_repeats_rounds():
    calls = {"slow": 0, "quick": 0}

    def slow():
        calls["slow"] += 1
        time.sleep(0.004)

    def quick():
        calls["quick"] += 1

    best, rounds = fastest_seconds({"slow": slow, "quick": quick}, repeats=3, device=torch.device("cpu"),
                                   budget_seconds=0.0)
    assert rounds == 3 and calls == {"slow": 4, "quick": 4}  # one warm-up each, then the rounds
    assert best["slow"] >= 0.004 > best["quick"]


def test_timing_conditions_use_one_cpu_thread_then_restore():
    before = torch.get_num_threads()
    with timing_conditions(torch.device("cpu")) as threads:
        assert threads == torch.get_num_threads() == timing.TIMING_THREADS
    assert torch.get_num_threads() == before


def test_text_classifier_has_the_tutorial_count():
    model = text_classifier()
    table = parameter_table(model)
    assert table.total == 3_650_053 == count_parameters(model.config)
    assert table.group_totals() == {"embedding": 1_280_000, "rnn.l0": 790_528, "rnn.l1": 1_576_960, "classifier": 2_565}
    assert table.names == tuple(name for name, _ in model.named_parameters())
    assert dict(zip(table.names, table.shapes))["rnn.weight_ih_l1_reverse"] == (1024, 512)
    layers = lstm_layer_counts(model.rnn)
    assert [layer.count for layer in layers] == [790_528, 1_576_960]
    for layer in layers:  # the written-out formula multiplies to the count it prints
        directions, gates, hidden, inputs, hidden_again, two, total = map(int, re.findall(
            r"\d+", layer.latex.replace("{,}", "").split(":", 1)[1]))
        assert directions * gates * hidden * (inputs + hidden_again + two) == total == layer.count


def test_counted_build_matches_the_app_classifier():
    real = TextClassifier(ClassifierConfig(vocab_size=50, num_classes=3, bidirectional=True, num_layers=2,
                                           embed_size=6, hidden_size=4, pooling="last"))
    counted = text_classifier(vocab_size=50, embed_size=6, hidden_size=4, num_layers=2, num_classes=3)
    assert parameter_table(counted) == parameter_table(real)
    assert parameter_table(real).total == sum(parameter.numel() for parameter in real.parameters())


def test_parameter_table_groups_a_bare_module_under_its_root():
    table = parameter_table(nn.LSTM(3, 4, num_layers=2), root="lstm")
    assert table.group_totals() == {"lstm.l0": 4 * 4 * (3 + 4 + 2), "lstm.l1": 4 * 4 * (4 + 4 + 2)}
    assert np.sum(table.counts) == table.total


def test_loop_replay_records_the_calls_in_loop_order_with_nn_lstm_values():
    sizes = LSTMSizes(seq_len=5, batch_size=3, input_size=4, hidden_size=6, num_layers=2)
    replay = loop_replay(sizes, seed=2)
    assert replay.calls == tuple((step, layer) for step in range(5) for layer in range(2))  # t outer, layer inner
    fused = seeded_module(lambda: nn.LSTM(4, 6, 2), 2).double()  # rebuild the same module and input independently
    x = torch.randn(5, 3, 4, dtype=torch.float64, generator=generator(2))
    with torch.no_grad():
        output, (hidden, _) = fused(x)  # (5, 3, 6), (2, 3, 6)
    np.testing.assert_allclose(replay.hidden_norms[:, 1], output[:, 0].norm(dim=-1).numpy(), rtol=1e-12)
    np.testing.assert_allclose(replay.hidden_norms[-1], hidden[:, 0].norm(dim=-1).numpy(), rtol=1e-12)
    assert replay.gaps.shape == (5, 2) and replay.gaps.max() < 1e-12 and replay.seq_len == 5


def test_loop_replay_keeps_the_first_steps_and_catches_a_wrong_copy(monkeypatch):
    replay = loop_replay(LSTMSizes(seq_len=30, num_layers=1))
    assert replay.hidden_norms.shape == (MAX_REPLAY_STEPS, 1) and replay.seq_len == 30
    copy = CustomLSTM.from_lstm.__func__

    def wrong_copy(cls, module):
        custom = copy(cls, module)
        with torch.no_grad():
            custom.cells[0].bias_hh[0] += 0.5  # one input-gate bias off
        return custom

    monkeypatch.setattr(CustomLSTM, "from_lstm", classmethod(wrong_copy))
    assert loop_replay(LSTMSizes(seq_len=4)).gaps.max() > 1e-3
