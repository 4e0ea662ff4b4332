"""The backward-pass figure, built from fixed arrays: frames, what each frame shows, and a valid plotly spec."""

import numpy as np
import plotly.graph_objects as go
import pytest

from core.figures.bptt import backward_figure
from tests.core.figure_labels import BACKWARD

SEQ_LEN, HIDDEN = 4, 3


def arrays():
    grad_hidden = np.arange(SEQ_LEN * HIDDEN, dtype=float).reshape(SEQ_LEN, HIDDEN) / 10 - 0.5  # (T, H)
    terms = np.stack([np.full((HIDDEN, HIDDEN), position + 1.0) for position in range(SEQ_LEN)])  # (T, H, H)
    terms[0] = 0.0
    running = np.cumsum(terms[::-1], axis=0)  # backward order
    return grad_hidden, terms, running, running[-1].copy()


def build(tokens=("a", "b", "<b>c</b>", "d"), loss_steps=(3,)):
    grad_hidden, terms, running, weight = arrays()
    figure = backward_figure(list(tokens), grad_hidden, terms, running, weight, loss_steps, BACKWARD).validated()
    return figure, grad_hidden, terms, running


def test_bptt_figure_has_one_frame_per_step_right_to_left():
    fig, *_ = build()
    assert [frame.name for frame in fig.frames] == ["4", "3", "2", "1"]
    steps = fig.layout.sliders[0].steps
    assert [step.label for step in steps] == ["4", "3", "2", "1"]
    assert len(fig.layout.updatemenus[0].buttons) == 2
    go.Figure(fig.to_dict())  # every property validates


def test_bptt_figure_frames_reveal_gradients_and_accumulate():
    fig, grad_hidden, terms, running = build()
    heatmaps = [trace for trace in fig.data if trace.type == "heatmap"]
    assert len(heatmaps) == 4
    np.testing.assert_allclose(heatmaps[-1].z, running[-1])  # autograd's matrix, static
    first, last = fig.frames[0], fig.frames[-1]
    grad_first = np.array(first.data[3].z, dtype=float)  # (H, T)
    assert np.all(np.isnan(grad_first[:, :3])) and np.allclose(grad_first[:, 3], grad_hidden[3])
    np.testing.assert_allclose(np.array(last.data[3].z, dtype=float), grad_hidden.T)
    np.testing.assert_allclose(first.data[4].z, terms[3])
    np.testing.assert_allclose(last.data[4].z, terms[0])
    np.testing.assert_allclose(last.data[5].z, running[-1])  # the running sum ends at autograd's matrix
    norms = np.linalg.norm(grad_hidden, axis=1)
    assert list(last.data[1].text) == [f"{norm:.3f}" for norm in norms]
    assert list(first.data[1].text)[:3] == ["", "", ""]
    assert list(first.data[2].x) == [3.5] and list(last.data[2].x) == []  # arrow points to the next step


def test_bptt_figure_escapes_tokens_and_marks_losses():
    fig, *_ = build(loss_steps=(0, 2))
    token_trace = fig.data[1]
    assert "&lt;b&gt;c&lt;/b&gt;" in token_trace.text and "<b>c</b>" not in token_trace.text
    loss_trace = fig.data[2]
    assert list(loss_trace.x) == [1, 3]


def test_bptt_figure_rejects_mismatched_shapes():
    grad_hidden, terms, running, weight = arrays()
    with pytest.raises(ValueError):
        backward_figure(["a", "b"], grad_hidden, terms, running, weight, (0,), BACKWARD)
    with pytest.raises(ValueError):
        backward_figure(["a", "b", "c", "d"], grad_hidden, terms, running[:2], weight, (0,), BACKWARD)
