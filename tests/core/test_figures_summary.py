"""The summary's timing chart built from fixed numbers."""

import pytest

from core.figures.style import CELL_COLORS
from core.figures.summary import TRANSFORMER_COLOR, timing_figure


def test_timing_figure_draws_two_lines_in_milliseconds_on_log_axes():
    figure = timing_figure([16, 64, 256], [0.001, 0.004, 0.016], [0.002, 0.003, 0.030], "LSTM", "Transformer",
                           "T", "ms").validated()
    lstm, transformer = figure.data
    assert (lstm.name, transformer.name) == ("LSTM", "Transformer")
    assert list(lstm.x) == [16, 64, 256]
    assert list(lstm.y) == pytest.approx([1.0, 4.0, 16.0])
    assert list(transformer.y) == pytest.approx([2.0, 3.0, 30.0])
    assert lstm.line.color == CELL_COLORS["lstm"] and transformer.line.color == TRANSFORMER_COLOR
    assert figure.layout.xaxis.type == figure.layout.yaxis.type == "log"
    with pytest.raises(ValueError):
        timing_figure([16], [0.1, 0.2], [0.1], "a", "b", "x", "y")
