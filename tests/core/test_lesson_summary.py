"""Lesson 9: the cheat sheet data and the measured LSTM-vs-Transformer comparison."""

import re

import pytest
import torch
from torch import nn

from core.lessons.summary import CHEAT_SHEET, build_models, compare_with_transformer
from core.seeding import generator, seeded_module


# The cheat sheet's LaTeX, read as Python: each step formula is evaluated on a real torch cell's weights and must give
# the cell's own output (a formula with a swapped gate, a missing bias or a wrong product fails).
LATEX_TO_PYTHON = (  # longest first
    (r"\hat{y}_t", "y_t"), (r"\tilde{C}_t", "C_tilde"), (r"h_{t-1}", "h_prev"), (r"C_{t-1}", "C_prev"), (r"\mathrm{softmax}", "softmax"),
    (r"\sigma", "sigmoid"), (r"\tanh", "tanh"), (r"\odot", "*"), (r"\!", ""), (r"\big", ""), (r"\,", " "),
)


def as_python(latex: str) -> tuple[str, str]:
    """(assigned name, Python expression) of a formula ``lhs = rhs`` written in the cheat sheet's notation."""
    lhs, rhs = (side.strip() for side in latex.split("=", 1))
    for old, new in LATEX_TO_PYTHON:
        lhs, rhs = lhs.replace(old, new), rhs.replace(old, new)
    rhs = re.sub(r"\[([^\]]+), ([^\]]+)\]", r"cat(\1, \2)", rhs)  # [h_{t-1}, x_t]: one stacked vector
    rhs = re.sub(r"([A-Za-z])_\{(\w+)\}", r"\1_\2", rhs)  # W_{ir} -> W_ir
    name, rhs = re.sub(r"([A-Za-z])_t\b", r"\1", lhs), re.sub(r"([A-Za-z])_t\b", r"\1", rhs)  # x_t -> x
    rhs = re.sub(r"(W_\w+)\s+(?=[\w(])", r"\1 @ ", rhs)  # W x: a matrix times a vector
    return name, rhs


def evaluate(section: str, values: dict) -> dict:
    """Run a section's step formulas in order (derivatives are skipped), each result feeding the next."""
    functions = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "softmax": lambda z: torch.softmax(z, -1),
                 "cat": lambda *parts: torch.cat(parts)}
    values = dict(values)
    for latex in dict(CHEAT_SHEET)[section]:
        if latex[1].startswith(r"\frac"):
            continue
        # "ŷ_t = softmax(s_t), \quad s_t = W h_t + b": the definition after \quad feeds the one before it
        for formula in reversed(latex[1].split(r", \quad")):
            name, expression = as_python(formula)
            values[name] = eval(expression, functions, values)  # noqa: S307 - our own constant formulas
    return values


def torch_blocks(cell: nn.RNNCellBase, count: int) -> tuple[list, list, list]:
    """Per gate (torch's stacking order): W_i· (H, D), W_h· (H, H), b_i· + (b_h·) split as torch keeps them."""
    split = lambda tensor: list(tensor.detach().chunk(count))  # noqa: E731
    biases = [a + b for a, b in zip(split(cell.bias_ih), split(cell.bias_hh))]
    return split(cell.weight_ih), split(cell.weight_hh), biases


def test_cheat_sheet_rnn_formulas_are_torchs_rnn_and_readout():
    rnn, readout = seeded_module(lambda: nn.RNNCell(3, 4), 1), seeded_module(lambda: nn.Linear(4, 2), 2)
    x, h_prev = torch.randn(3, generator=generator(3)), torch.randn(4, generator=generator(4))
    values = evaluate("rnn", {"x": x, "h_prev": h_prev, "W_xh": rnn.weight_ih.detach(), "W_hh": rnn.weight_hh.detach(),
                              "b_h": (rnn.bias_ih + rnn.bias_hh).detach(), "W_hy": readout.weight.detach(),
                              "b_y": readout.bias.detach()})
    with torch.no_grad():
        hidden = rnn(x[None], h_prev[None])[0]
        torch.testing.assert_close(values["h"], hidden)
        torch.testing.assert_close(values["y"], torch.softmax(readout(hidden), -1))


def test_cheat_sheet_lstm_formulas_in_the_tutorials_stacked_form_are_torchs_lstm():
    cell = seeded_module(lambda: nn.LSTMCell(3, 4), 5)
    x, h_prev, c_prev = (torch.randn(size, generator=generator(seed)) for size, seed in ((3, 6), (4, 7), (4, 8)))
    inputs, hiddens, biases = torch_blocks(cell, 4)
    values = {"x": x, "h_prev": h_prev, "C_prev": c_prev}
    for index, letter in enumerate("ifCo"):  # torch stacks i, f, g (the candidate C̃), o
        values[f"W_{letter}"] = torch.cat([hiddens[index], inputs[index]], dim=1)  # W · [h_{t-1}, x_t]
        values[f"b_{letter}"] = biases[index]
    values = evaluate("lstm", values)
    with torch.no_grad():
        hidden, state = cell(x[None], (h_prev[None], c_prev[None]))
    torch.testing.assert_close(values["C"], state[0])
    torch.testing.assert_close(values["h"], hidden[0])


def test_cheat_sheet_gru_formulas_are_torchs_gru():
    cell = seeded_module(lambda: nn.GRUCell(3, 4), 9)
    x, h_prev = torch.randn(3, generator=generator(10)), torch.randn(4, generator=generator(11))
    values = {"x": x, "h_prev": h_prev}
    for index, gate in enumerate("rzn"):  # torch stacks r, z, n
        values[f"W_x{gate}"], values[f"W_h{gate}"] = cell.weight_ih.detach().chunk(3)[index], \
            cell.weight_hh.detach().chunk(3)[index]
        values[f"b_x{gate}"], values[f"b_h{gate}"] = cell.bias_ih.detach().chunk(3)[index], \
            cell.bias_hh.detach().chunk(3)[index]
    values = evaluate("gru", values)
    with torch.no_grad():
        torch.testing.assert_close(values["h"], cell(x[None], h_prev[None])[0])


def test_cheat_sheet_sections_names_and_the_gradient_formulas_use_the_rnns_symbols():
    names = [name for _, formulas in CHEAT_SHEET for name, _ in formulas]
    assert len(names) == len(set(names))
    assert [section for section, _ in CHEAT_SHEET] == ["rnn", "bptt", "lstm", "gru"]

    def symbols(latex: str) -> set[str]:  # subscripted symbols, commands (\sum_{t=1}, \frac …) left out
        return set(re.findall(r"[A-Za-z]_\{[^}]+\}|[A-Za-z]_[A-Za-z0-9]", re.sub(r"\\[A-Za-z]+", " ", latex)))

    defined = set().union(*(symbols(latex) for _, latex in dict(CHEAT_SHEET)["rnn"]))
    for name, latex in dict(CHEAT_SHEET)["bptt"]:
        assert symbols(latex) <= defined | {"h_T", "h_k"}, name  # only the RNN's symbols, at steps T and k
        assert "W_{hh}" in latex, name  # every gradient formula is about the recurrent matrix


def test_parameter_counts_match_the_closed_forms():
    width, heads, feedforward = 32, 4, 128
    comparison = compare_with_transformer(width=width, heads=heads, feedforward=feedforward, batch_size=2,
                                          seq_lens=(4, 8), repeats=1)
    assert comparison.lstm.total == 4 * width * (width + width + 2)
    attention = 3 * width * width + 3 * width + width * width + width
    feed_forward = width * feedforward + feedforward + feedforward * width + width
    assert comparison.transformer.total == attention + feed_forward + 4 * width
    lstm, transformer = build_models(width, heads, feedforward)
    assert comparison.transformer.total == sum(p.numel() for p in transformer.parameters())
    assert comparison.lstm.names == tuple(name for name, _ in lstm.named_parameters())


def test_timings_steps_and_agreement():
    threads = torch.get_num_threads()
    comparison = compare_with_transformer(width=16, heads=2, feedforward=32, batch_size=2, seq_lens=(4, 8, 16),
                                          repeats=2)
    assert torch.get_num_threads() == threads
    assert comparison.seq_lens == (4, 8, 16)
    assert len(comparison.lstm_seconds) == len(comparison.transformer_seconds) == len(comparison.rounds) == 3
    assert all(seconds > 0 for seconds in comparison.lstm_seconds + comparison.transformer_seconds)
    assert all(rounds >= 2 for rounds in comparison.rounds)
    assert comparison.lstm_sequential_steps == (4, 8, 16)
    assert comparison.transformer_sequential_steps == (1, 1, 1)
    assert comparison.attention_scores == (2 * 16, 2 * 64, 2 * 256)
    assert comparison.max_abs_diff < 1e-5 and comparison.threads == 1


def test_models_are_the_torch_modules_named():
    lstm, transformer = build_models(8, 2, 16)
    assert isinstance(lstm, nn.LSTM) and isinstance(transformer, nn.TransformerEncoderLayer)
    assert not lstm.training and not transformer.training
    with pytest.raises(ValueError, match="divisible"):
        build_models(10, 4, 16)
