"""Figure builders of the training page, built from fixed arrays and records."""

import numpy as np
import pytest

from core.figures.train import (CurveLabels, attribution_figure, class_counts_figure, confusion_matrix_figure,
                                length_histogram_figure, plain, probabilities_figure, token_grid,
                                training_curves_figure)

LABELS = CurveLabels("loss", "scores", "epoch", "step loss", "train loss", "val loss", "accuracy", "macro-F1")


def test_user_text_is_escaped_and_categories_stay_categories():
    figure = class_counts_figure(["<b>spam</b>", "0", "1"], [3, 4, 5], "counts", "texts")
    assert list(figure.data[0].x) == ["&lt;b&gt;spam&lt;/b&gt;", "0", "1"]
    assert figure.layout.xaxis.type == "category"  # "0" and "1" must not become a numeric axis
    assert plain("a & <i>b</i>") == "a &amp; &lt;i&gt;b&lt;/i&gt;"


def test_length_histogram_bars_sit_on_their_bins_and_mark_the_cut():
    figure = length_histogram_figure([0, 10, 20, 40], [5, 3, 1], "lengths", "tokens", "texts", cut=25,
                                     cut_label="max")
    bars = figure.data[0]
    np.testing.assert_allclose(bars.x, [5, 15, 30])
    np.testing.assert_allclose(bars.width, [10, 10, 20])
    assert list(bars.customdata) == ["0–10", "10–20", "20–40"]
    assert figure.layout.shapes[0].x0 == 25
    unit = length_histogram_figure([6.5, 7.5, 8.5, 10.5], [2, 1, 4], "lengths", "tokens", "texts")
    assert list(unit.data[0].customdata) == ["7", "8", "9–10"]  # the whole lengths each bar counts
    with pytest.raises(ValueError):
        length_histogram_figure([0, 10], [1, 2], "t", "x", "y")


def test_training_curves_put_steps_and_epochs_on_one_epoch_axis():
    records = [
        {"kind": "start", "total_steps": 8},
        {"kind": "step", "step": 2, "epoch": 1, "loss": 1.2},
        {"kind": "step", "step": 4, "epoch": 1, "loss": 0.9},
        {"kind": "epoch", "epoch": 1, "train_loss": 1.0, "val_loss": 1.1, "val_accuracy": 0.5, "val_macro_f1": 0.4},
        {"kind": "step", "step": 6, "epoch": 2, "loss": 0.7},
        {"kind": "epoch", "epoch": 2, "train_loss": 0.8, "val_loss": 0.9, "val_accuracy": 0.7, "val_macro_f1": 0.6},
    ]
    figure = training_curves_figure(records, steps_per_epoch=4, labels=LABELS)
    traces = {trace.name: trace for trace in figure.data}
    np.testing.assert_allclose(traces["step loss"].x, [0.5, 1.0, 1.5])
    np.testing.assert_allclose(traces["step loss"].y, [1.2, 0.9, 0.7])
    np.testing.assert_allclose(traces["val loss"].x, [1, 2])
    np.testing.assert_allclose(traces["macro-F1"].y, [0.4, 0.6])
    assert traces["accuracy"].xaxis == "x2"  # scores in the right panel
    empty = training_curves_figure([], steps_per_epoch=1, labels=LABELS)
    assert all(len(trace.x) == 0 for trace in empty.data)
    with pytest.raises(ValueError):
        training_curves_figure(records, steps_per_epoch=0, labels=LABELS)


def test_confusion_matrix_colors_by_row_share_and_writes_counts():
    matrix = [[8, 2], [0, 0]]
    figure = confusion_matrix_figure(matrix, ["ham", "spam"], "confusion", "true", "predicted")
    heatmap = figure.data[0]
    np.testing.assert_allclose(heatmap.z, [[0.8, 0.2], [0.0, 0.0]])  # an empty row stays 0, not NaN
    np.testing.assert_array_equal(heatmap.text, matrix)
    with pytest.raises(ValueError):
        confusion_matrix_figure(matrix, ["only one"], "c", "t", "p")


def test_probabilities_highlight_the_predicted_class():
    figure = probabilities_figure({"ham": 0.2, "spam": 0.8}, "spam", "p")
    bars = figure.data[0]
    np.testing.assert_allclose(bars.x, [0.2, 0.8])
    assert bars.marker.color[0] != bars.marker.color[1]
    assert list(bars.text) == ["20.0%", "80.0%"]


def test_token_grid_lays_tokens_out_in_rows():
    tokens, positions = token_grid(["a", "b", "c", "d", "e"], per_row=2)
    assert tokens == [["a", "b"], ["c", "d"], ["e", ""]]
    assert positions == [[0, 1], [2, 3], [4, None]]
    assert token_grid([], 3) == ([["", "", ""]], [[None, None, None]])


def test_attribution_tiles_carry_the_scores_and_a_symmetric_scale():
    tokens = ["<b>", "free", "prize", "09061701461"]
    scores = [0.5, -2.0, 1.0, 0.25]
    figure = attribution_figure(tokens, scores, "why", "attribution", per_row=3)
    heatmap = figure.data[0]
    assert [list(row) for row in heatmap.z] == [[0.5, -2.0, 1.0], [0.25, None, None]]
    assert heatmap.zmin == -2.0 and heatmap.zmax == 2.0 and heatmap.zmid == 0
    assert heatmap.text[0][0] == "&lt;b&gt;"
    assert heatmap.text[1][0] == "09061701…"  # shortened on the tile
    assert heatmap.customdata[1][0][1] == "09061701461"  # whole in the hover
    flat = attribution_figure(["a"], [0.0], "why", "attribution").data[0]
    assert flat.zmax == 1.0  # all-zero scores still get a valid scale
    with pytest.raises(ValueError):
        attribution_figure(["a", "b"], [1.0], "why", "attribution")
