"""Lesson 9: the cheat sheet data and the measured LSTM-vs-Transformer comparison."""

import pytest
import torch
from torch import nn

from core.lessons.summary import CHEAT_SHEET, build_models, compare_with_transformer


def test_cheat_sheet_names_are_unique_and_every_formula_is_latex():
    names = [name for _, formulas in CHEAT_SHEET for name, _ in formulas]
    assert len(names) == len(set(names))
    assert [section for section, _ in CHEAT_SHEET] == ["rnn", "bptt", "lstm", "gru"]
    for _, formulas in CHEAT_SHEET:
        for _, latex in formulas:
            assert "=" in latex or r"\le" in latex
            assert latex.count("{") == latex.count("}")


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
