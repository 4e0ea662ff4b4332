"""The architecture figure, built from fixed arrays: one frame per reveal, states filled in computation order."""

import numpy as np
import pytest

from core.figures.architectures import ArchitectureLabels, architecture_figure
from core.figures.player import PlayerLabels
from core.lessons.architectures import ArchitectureRun, Reveal

WORDS = {"input_row": "input", "output_row": "output", "unit": "unit", "probability": "p", "divider": "context",
         "player": PlayerLabels("▶ Play", "▮▮ Pause", "frame ")}

HIDDEN = 2


def _bidirectional_run():
    states = np.arange(4 * 3, dtype=float).reshape(4, 3) / 20 - 0.3  # (2 bands × 2 units, 3 columns)
    reveals = (
        Reveal("forward", 0, 0, False, (1, 2)), Reveal("forward", 1, 0, False, (1, 2)),
        Reveal("forward", 2, 0, False, (1, 2)), Reveal("backward", 2, 1, False, (1, 2)),
        Reveal("backward", 1, 1, False, (1, 2)), Reveal("backward", 0, 1, False, (1, 2)),
        Reveal("concat", 0, -1, True, (1, 4)), Reveal("concat", 1, -1, True, (1, 4)),
        Reveal("concat", 2, -1, True, (1, 4)),
    )
    return ArchitectureRun(
        kind="bidirectional", input_labels=("<b>hi</b>", "there", "you"), states=states, bands=2,
        output_labels=("O", "B-LOC", "O"), output_probability=np.array([0.5, 0.25, 0.75]), reveals=reveals,
        shapes=(("inputs", (1, 3, 8)),), max_abs_diff=0.0, reference="torch.nn.LSTM",
    )


def _labels(run, **extra):
    return ArchitectureLabels(frame_captions=tuple(f"{r.stage} {r.column}" for r in run.reveals),
                              band_names=("forward", "backward")[:run.bands], **{**WORDS, **extra})


def test_frames_fill_states_in_reveal_order():
    run = _bidirectional_run()
    figure = architecture_figure(run, _labels(run)).validated()
    assert [frame.name for frame in figure.frames] == [str(index) for index in range(1, 10)]
    third = np.array(figure.frames[2].data[0].z, dtype=float)  # forward pass done, backward not started
    assert np.all(np.isfinite(third[:HIDDEN])) and np.all(np.isnan(third[HIDDEN:]))
    np.testing.assert_allclose(third[:HIDDEN], run.states[:HIDDEN])
    fourth = np.array(figure.frames[3].data[0].z, dtype=float)  # backward starts at the last position
    assert np.all(np.isfinite(fourth[HIDDEN:, 2])) and np.all(np.isnan(fourth[HIDDEN:, :2]))
    last = np.array(figure.frames[-1].data[0].z, dtype=float)
    np.testing.assert_allclose(last, run.states)
    assert figure.frames[-1].layout.title.text == "concat 2"


def test_outputs_appear_only_when_emitted_and_carry_probabilities():
    run = _bidirectional_run()
    figure = architecture_figure(run, _labels(run)).validated()
    assert len(figure.frames[5].data[1].x) == 0
    seventh = figure.frames[6].data[1]
    assert list(seventh.x) == [0] and list(seventh.text) == ["O"] and list(seventh.customdata) == [0.5]
    final = figure.frames[-1].data[1]
    assert list(final.text) == ["O", "B-LOC", "O"] and list(final.customdata) == [0.5, 0.25, 0.75]


def test_outline_marks_the_band_just_computed():
    run = _bidirectional_run()
    figure = architecture_figure(run, _labels(run)).validated()
    backward = figure.frames[3].data[2]
    assert min(backward.x) == 1.5 and max(backward.x) == 2.5
    assert min(backward.y) == HIDDEN - 0.5 and max(backward.y) == 2 * HIDDEN - 0.5
    both = figure.frames[-1].data[2]
    assert min(both.y) == -0.5 and max(both.y) == 2 * HIDDEN - 0.5


def test_player_band_separator_and_escaped_tokens():
    run = _bidirectional_run()
    figure = architecture_figure(run, _labels(run, player=PlayerLabels("P", "S", "frame "))).validated()
    buttons = figure.layout.updatemenus[0].buttons
    assert [button.label for button in buttons] == ["P", "S"]
    assert len(figure.layout.sliders[0].steps) == len(run.reveals)
    assert any(shape.y0 == HIDDEN - 0.5 for shape in figure.layout.shapes)
    inputs = figure.data[3]
    assert inputs.text[0] == "&lt;b&gt;hi&lt;/b&gt;"
    assert list(figure.layout.yaxis2.ticktext) == ["forward", "backward"]


def test_divider_and_validation():
    run = _bidirectional_run()
    seq2seq = ArchitectureRun(**{**run.__dict__, "bands": 1, "states": run.states[:HIDDEN], "divider": 2,
                                 "reveals": tuple(r for r in run.reveals if r.band == 0)})
    figure = architecture_figure(seq2seq, ArchitectureLabels(frame_captions=("a", "b", "c"), band_names=("h",),
                                                             **{**WORDS, "divider": "context"})).validated()
    assert any(shape.x0 == 1.5 and shape.yref == "paper" for shape in figure.layout.shapes)
    assert figure.layout.annotations[0].text == "context"
    with pytest.raises(ValueError, match="captions"):
        architecture_figure(run, ArchitectureLabels(frame_captions=("only one",), band_names=("f", "b"), **WORDS))
    with pytest.raises(ValueError, match="band names"):
        architecture_figure(run, ArchitectureLabels(frame_captions=tuple("x" * 9), band_names=("f",), **WORDS))
