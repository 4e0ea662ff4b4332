"""Lesson 5 figures, built from fixed arrays."""

import numpy as np

from core.figures.player import PlayerLabels
from core.figures.lstm_step import cell_path_figure, lstm_cell_figure, lstm_diagram

NOTES = {"highway": "cell state", "concat": "[h, x]"}
NAMES = ("input_x", "previous_hidden", "previous_cell", "input", "forget", "candidate", "output", "kept",
         "written", "cell", "squashed_cell", "hidden")


def test_every_chip_draws_a_lesson_vector():
    chips = {chip.name for chip in lstm_diagram(NOTES).chips}
    assert chips == set(NAMES)


def test_cell_figure_one_frame_per_token():
    rng = np.random.default_rng(1)
    vectors = {name: rng.uniform(-1, 1, (3, 3 if name == "input_x" else 4)) for name in NAMES}
    figure = lstm_cell_figure(vectors, ["我", "爱", "你"], NOTES, "t = {step} · {token}",
                              PlayerLabels("Play", "Pause", "t = ")).validated()
    assert [frame.name for frame in figure.frames] == ["1", "2", "3"]
    assert figure.frames[1].layout.title.text == "t = 2 · 爱"
    assert len(figure.data[0].x) == 3 + 4 * (len(NAMES) - 1)
    chips = lstm_diagram(NOTES).chips
    offset = sum(3 if chip.name == "input_x" else 4 for chip in chips[: [c.name for c in chips].index("forget")])
    np.testing.assert_allclose(figure.frames[2].data[0].marker.color[offset:offset + 4], vectors["forget"][2])


def test_cell_path_figure_log_axis_and_gaps():
    labels = {"forget_product": "f", "cell_jacobian": "c", "rnn_jacobian": "r", "x_title": "t", "y_title": "y"}
    rnn = np.array([0.0, 1e-3, 1.0])  # an underflowed product must not be drawn as a value
    figure = cell_path_figure(np.array([0.1, 0.5, 1.0]), np.array([0.2, 0.6, 1.0]), rnn, ["a", "b", "c"],
                              labels).validated()
    assert figure.layout.yaxis.type == "log"
    assert [trace.name for trace in figure.data] == ["r", "f", "c"]
    assert np.isnan(figure.data[0].y[0]) and figure.data[0].y[1] == 1e-3
    np.testing.assert_allclose(figure.data[1].y, [0.1, 0.5, 1.0])
    assert list(figure.data[2].x) == ["1·a", "2·b", "3·c"]


def test_the_figure_asks_for_a_width_where_neighbouring_squares_and_their_values_stand_apart():
    """At the width the figure asks for (layout.meta, read by pages/kit/chart.py), two squares of a horizontal chip
    are at least a square apart, and a printed value such as "-.85" (10 px type, ~0.5 em a character) fits its
    square: on a 358 px phone column without that width, they were 11.7 px apart and read ".1045.2634"."""
    from core.figures.cell_diagram import CHIP_FONT_SIZE, MARGIN_WIDTH, SQUARE_GAP, SQUARE_SIZE, chip_positions

    rng = np.random.default_rng(2)
    vectors = {name: rng.uniform(-1, 1, (2, 3 if name == "input_x" else 4)) for name in NAMES}
    figure = lstm_cell_figure(vectors, ["a", "b"], NOTES, "t = {step} · {token}",
                              PlayerLabels("Play", "Pause", "t = ")).validated()
    width = figure.layout.meta["min_width"]
    diagram = lstm_diagram(NOTES)
    pixels_per_unit = (width - MARGIN_WIDTH) / (diagram.x_range[1] - diagram.x_range[0])
    for chip in diagram.chips:
        x, _ = chip_positions(chip, 4)
        if not chip.vertical:
            assert np.diff(x).min() * pixels_per_unit >= SQUARE_SIZE
    assert max(len(text) for text in figure.data[0].text) * 0.5 * CHIP_FONT_SIZE <= SQUARE_SIZE
    assert SQUARE_GAP * 338 / (diagram.x_range[1] - diagram.x_range[0]) < SQUARE_SIZE < width  # a phone needs it
