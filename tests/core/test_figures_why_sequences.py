import json

import numpy as np
import pytest

from core.figures.why_sequences import (
    final_states_figure, memory_gap_figure, one_hot_figure, signal_figure, token_vectors_figure,
)


def test_token_vectors_one_column_per_token():
    vectors = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]])  # (T=2, input_size=3)
    fig = token_vectors_figure(["a", "<i>b</i>"], vectors, "title").validated()
    heatmap = fig.data[0]
    np.testing.assert_array_equal(np.asarray(heatmap.z), vectors.T)
    assert list(heatmap.x) == ["1 · a", "2 · &lt;i&gt;b&lt;/i&gt;"]
    assert (heatmap.zmin, heatmap.zmax) == (-3.0, 3.0)
    assert heatmap.hovertemplate.startswith("%{x}: %{y} = ")  # "2 · b: x[1] = …", the row label said once
    with pytest.raises(ValueError):
        token_vectors_figure(["a"], vectors, "title")


def test_signal_figure_keeps_every_sample():
    time = np.arange(5.0)
    values = np.sin(time)
    fig = signal_figure(time, values, "tone", "ms", "amp").validated()
    np.testing.assert_array_equal(fig.data[0].y, values)
    assert fig.layout.xaxis.title.text == "ms"
    with pytest.raises(ValueError):
        signal_figure(time, values[:3], "tone", "ms", "amp")


def test_one_hot_figure_marks_one_letter_per_position():
    sequence = "ACGTTA"
    one_hot = np.array([[base == letter for letter in "ACGT"] for base in sequence], dtype=float)
    fig = one_hot_figure(sequence, "ACGT", one_hot, "dna", "position").validated()
    np.testing.assert_array_equal(np.asarray(fig.data[0].z), one_hot.T)
    assert list(fig.data[1].text) == list(sequence)
    with pytest.raises(ValueError):
        one_hot_figure(sequence, "ACGT", one_hot[:3], "dna", "position")


def test_final_states_one_row_per_sentence():
    states = np.array([[0.1, -0.2], [0.3, 0.4]])
    fig = final_states_figure(["a b", "c"], [2, 1], states, "h_T").validated()
    np.testing.assert_array_equal(np.asarray(fig.data[0].z), states)
    assert list(fig.data[0].y) == ["a b (T = 2)", "c (T = 1)"]
    assert np.asarray(fig.data[0].customdata)[1].tolist() == [0, 1]  # hover: h_T[unit]
    with pytest.raises(ValueError):
        final_states_figure(["a"], [1], states, "h_T")


def test_memory_gap_marks_the_changed_word_and_the_feedforward_gap():
    fig = memory_gap_figure(["a", "b", "c"], ["x", "b", "c"], np.array([0.5, 0.2, 0.1]), 0.0,
                            "title", "rnn", "ff", "gap").validated()
    bars, feedforward = fig.data
    assert list(bars.x) == ["1 · a→x", "2 · b", "3 · c"]
    np.testing.assert_array_equal(bars.y, [0.5, 0.2, 0.1])
    assert list(feedforward.x) == ["ff"] and list(feedforward.y) == [0.0]  # its own column, not under a bar
    assert list(fig.layout.xaxis.categoryarray) == ["1 · a→x", "2 · b", "3 · c", "ff"]
    figure = memory_gap_figure(["<s>"], ["<s>"], np.zeros(1), 0.0, "t", "r", "f", "g").validated()
    spec = json.dumps(figure.to_plotly_json(), default=str)
    assert "<s>" not in spec
    with pytest.raises(ValueError):
        memory_gap_figure(["a"], ["a", "b"], np.zeros(2), 0.0, "t", "r", "f", "g")
