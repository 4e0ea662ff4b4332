import json

import numpy as np
import pytest

import dataclasses

from core.figures.player import PlayerLabels, add_time_player
from core.figures.unrolled import FADED, OUTPUT_Y, unrolled_figure
from tests.core.figure_labels import UNROLLED

TOKENS = ["我", "爱", "<b>x</b>"]
INPUTS = np.arange(9, dtype=float).reshape(3, 3) / 10 - 0.4  # (3, 3)
HIDDEN = np.array([[0.1, -0.2, 0.3, -0.4], [0.5, -0.6, 0.7, -0.8], [0.9, -0.1, 0.2, -0.3]])  # (3, 4)
OUTPUTS = np.array([[0.25, 0.75], [0.5, 0.5], [0.9, 0.1]])  # (3, 2)


def strip_values(trace) -> np.ndarray:
    return np.array([row[3] for row in trace.customdata])


def test_one_frame_per_step_with_a_player():
    fig = unrolled_figure(TOKENS, INPUTS, HIDDEN, OUTPUTS, step=2,
                          labels=dataclasses.replace(UNROLLED, player=PlayerLabels("Go", "Stop", "t = "))).validated()
    assert [frame.name for frame in fig.frames] == ["1", "2", "3"]
    assert [button.label for button in fig.layout.updatemenus[0].buttons] == ["Go", "Stop"]
    assert fig.layout.sliders[0].active == 1
    assert [tick.label for tick in fig.layout.sliders[0].steps][:2] == ["1 · 我", "2 · 爱"]


def test_strips_hold_the_exact_values_in_step_order():
    fig = unrolled_figure(TOKENS, INPUTS, HIDDEN, OUTPUTS, labels=UNROLLED).validated()
    inputs, hidden, outputs = fig.data[2], fig.data[3], fig.data[4]
    np.testing.assert_array_equal(strip_values(inputs), INPUTS.reshape(-1))
    np.testing.assert_array_equal(strip_values(hidden), HIDDEN.reshape(-1))
    np.testing.assert_array_equal(strip_values(outputs), OUTPUTS.reshape(-1))
    np.testing.assert_array_equal(np.asarray(hidden.marker.color), HIDDEN.reshape(-1))
    assert (hidden.marker.cmin, hidden.marker.cmax) == (-1.0, 1.0)
    assert (outputs.marker.cmin, outputs.marker.cmax) == (0.0, 1.0)  # probabilities on a 0..1 scale
    assert "customdata[3]:.7g" in hidden.hovertemplate  # hover shows full precision


def test_frames_highlight_the_step_fade_the_future_and_print_its_values():
    fig = unrolled_figure(TOKENS, INPUTS, HIDDEN, OUTPUTS, decimals=2, labels=UNROLLED).validated()
    for t, frame in enumerate(fig.frames, start=1):
        highlight, inputs, hidden, outputs, caption = frame.data
        assert min(highlight.x) < t < max(highlight.x) and max(highlight.x) - min(highlight.x) < 1
        expected = [1.0] * (4 * t) + [FADED] * (4 * (3 - t))
        assert list(hidden.marker.opacity) == expected
        assert list(outputs.marker.opacity) == [1.0] * (2 * t) + [FADED] * (2 * (3 - t))
        text = caption.text[0]
        assert ", ".join(f"{value:.2f}" for value in HIDDEN[t - 1]) in text
        assert ", ".join(f"{value:.2f}" for value in OUTPUTS[t - 1]) in text
    assert list(fig.frames[0].traces) == [0, 2, 3, 4, 6]
    assert fig.data[6].text[0] == fig.frames[0].data[4].text[0]  # the first view is frame 1


def test_user_text_is_escaped():
    figure = unrolled_figure(TOKENS, INPUTS, HIDDEN, labels=UNROLLED).validated()
    spec = json.dumps(figure.to_plotly_json(), default=str)
    assert "<b>x</b>" not in spec and "&lt;b&gt;x&lt;/b&gt;" in spec


def test_cell_state_adds_a_strip_and_a_row_of_arrows():
    plain = unrolled_figure(TOKENS, INPUTS, HIDDEN, labels=UNROLLED).validated()
    lstm = unrolled_figure(TOKENS, INPUTS, HIDDEN, cell_state=HIDDEN * 3, labels=UNROLLED).validated()
    assert len(lstm.data) == len(plain.data) + 1
    assert len(lstm.layout.annotations) == len(plain.layout.annotations) + 3
    cell = lstm.data[4]
    assert cell.marker.cmax == pytest.approx(np.abs(HIDDEN * 3).max())  # beyond ±1: its own range
    assert len(lstm.frames[0].data) == len(plain.frames[0].data) + 1


def test_without_outputs_nothing_points_above_the_boxes():
    with_outputs = unrolled_figure(TOKENS, INPUTS, HIDDEN, OUTPUTS, labels=UNROLLED).validated()
    plain = unrolled_figure(TOKENS, INPUTS, HIDDEN, labels=UNROLLED).validated()
    arrows = [note for note in plain.layout.annotations if note.showarrow]
    assert len(arrows) == 2 * len(TOKENS)  # x_t → box and h_{t-1} → h_t only
    assert len([note for note in with_outputs.layout.annotations if note.showarrow]) == 3 * len(TOKENS)
    assert max(plain.data[0].y) < OUTPUT_Y  # the step's highlight stops just above the boxes
    assert plain.layout.yaxis.range[1] < with_outputs.layout.yaxis.range[1]
    assert plain.layout.height < with_outputs.layout.height


def test_custom_captions_and_bad_shapes():
    fig = unrolled_figure(TOKENS, INPUTS, HIDDEN, captions=["a", "b", "c"], step=3, labels=UNROLLED).validated()
    assert [frame.data[-1].text[0] for frame in fig.frames] == ["a", "b", "c"]
    with pytest.raises(ValueError):
        unrolled_figure(TOKENS, INPUTS[:2], HIDDEN, labels=UNROLLED)
    with pytest.raises(ValueError):
        unrolled_figure(TOKENS, INPUTS, HIDDEN, step=4, labels=UNROLLED)
    with pytest.raises(ValueError):
        unrolled_figure([], np.zeros((0, 3)), np.zeros((0, 4)), labels=UNROLLED)
    with pytest.raises(ValueError):
        add_time_player(fig, ["1", "2", "3"], UNROLLED.player, tick_labels=["only one"])


def test_a_long_sentence_asks_for_a_width_where_the_squares_and_tokens_stand_apart():
    """Squares are sized to stay apart on a phone (298 px of plot) while they can; a 12-token sentence asks for a
    wider chart instead (pages scroll it sideways), at which the squares of the widest strip are a pixel apart and
    no token is wider than its step."""
    from core.figures.unrolled import MARGIN_WIDTH, PHONE_PLOT_WIDTH, STRIP_WIDTH, token_width

    short = unrolled_figure(TOKENS, INPUTS, HIDDEN, OUTPUTS, labels=UNROLLED).validated()
    short_size = short.data[3].marker.size
    assert short.layout.meta["min_width"] <= 390  # fits a phone as it is
    assert PHONE_PLOT_WIDTH / (3 + 1.2) * STRIP_WIDTH / 3 >= short_size + 1
    tokens = "the cat sat on the mat and the dog ate my hat".split()
    rng = np.random.default_rng(0)
    long = unrolled_figure(tokens, rng.normal(size=(12, 3)), rng.normal(size=(12, 4)), labels=UNROLLED).validated()
    width, size = long.layout.meta["min_width"], long.data[3].marker.size
    per_step = (width - MARGIN_WIDTH) / (12 + 1.2)
    assert width > 390 and per_step * STRIP_WIDTH / 3 >= size + 1
    assert all(token_width(token) < per_step for token in tokens)
