"""The shared gate pictures and cell diagrams carry exactly the arrays they are given, one frame per step."""

import numpy as np
import pytest

from core.figures.cell_diagram import Chip, Diagram, Node, Wire, chip_positions, diagram_figure, short_number
from core.figures.gates import (
    frame_texts, gate_bars_figure, gate_colorscale, gate_heatmaps_figure, value_range,
)
from core.figures.player import PlayerLabels
from core.figures.style import GATE_COLORS

PLAYER = PlayerLabels("Play", "Pause", "t = ")
RNG = np.random.default_rng(0)


def tiny_diagram() -> Diagram:
    return Diagram(
        nodes=(Node(1, 1, "σ", GATE_COLORS["forget"]), Node(2, 1, "×", GATE_COLORS["cell"], circle=True)),
        wires=(Wire(((0, 1), (3, 1)), GATE_COLORS["cell"]),),
        chips=(Chip("forget", 1, 2, "f", GATE_COLORS["forget"]),
               Chip("cell", 2.5, 2, "C", GATE_COLORS["cell"], vertical=True, label_at=(3, 2))),
        x_range=(0, 4), y_range=(0, 3), notes=((2, 0.5, "note"),),
    )


def test_diagram_frames_show_each_step():
    vectors = {"forget": RNG.uniform(0, 1, (5, 4)), "cell": RNG.normal(size=(5, 3))}
    names = [str(step) for step in range(1, 6)]
    figure = diagram_figure(tiny_diagram(), vectors, names, [f"title {name}" for name in names], PLAYER).validated()
    assert [frame.name for frame in figure.frames] == names
    for step, frame in enumerate(figure.frames):
        colors = np.asarray(frame.data[0].marker.color)
        np.testing.assert_allclose(colors, np.concatenate([vectors["forget"][step], vectors["cell"][step]]))
        assert frame.layout.title.text == f"title {step + 1}"
        assert frame.data[0].customdata[0][2] == pytest.approx(vectors["forget"][step][0])
    np.testing.assert_allclose(figure.data[0].marker.color, figure.frames[0].data[0].marker.color)
    assert len(figure.layout.shapes) == 3  # one wire, two nodes
    assert list(figure.layout.sliders[0].steps[2].args[0]) == ["3"]
    texts = [annotation.text for annotation in figure.layout.annotations]
    assert "σ" in texts and "<b>f</b>" in texts and "<i>note</i>" in texts


def test_chip_positions():
    x, y = chip_positions(Chip("a", 1, 2, "a", "#000000"), 3)
    np.testing.assert_allclose(x, [1, 1.5, 2])
    np.testing.assert_allclose(y, [2, 2, 2])
    x, y = chip_positions(Chip("a", 1, 2, "a", "#000000", vertical=True), 2)
    np.testing.assert_allclose(y, [2, 1.5])


def test_gate_bars_frames_and_ranges():
    gates = {"forget": RNG.uniform(0, 1, (3, 4)), "cell": RNG.normal(scale=2, size=(3, 4))}
    figure = gate_bars_figure(gates, {"forget": "f", "cell": "C"}, ["1", "2", "3"], "unit", PLAYER).validated()
    assert len(figure.data) == 2 and len(figure.frames) == 3
    np.testing.assert_allclose(figure.frames[2].data[1].y, gates["cell"][2])
    assert figure.data[0].marker.color == GATE_COLORS["forget"]
    assert tuple(figure.layout.yaxis.range) == (0.0, 1.0)
    assert figure.layout.yaxis2.range[1] >= np.abs(gates["cell"]).max()


def test_players_open_at_the_chosen_step_with_labelled_ticks():
    gates = {"forget": RNG.uniform(0, 1, (3, 4))}
    bars = gate_bars_figure(gates, {"forget": "f"}, ["1", "2", "3"], "unit", PLAYER, step=2,
                            step_labels=["1 · a", "2 · b", "3 · c"]).validated()
    np.testing.assert_allclose(bars.data[0].y, gates["forget"][1])  # what shows before Play is step 2
    assert list(bars.data[0].x) == ["unit 0", "unit 1", "unit 2", "unit 3"]  # units count from 0, like torch
    assert bars.layout.sliders[0].active == 1
    assert [tick.label for tick in bars.layout.sliders[0].steps] == ["1 · a", "2 · b", "3 · c"]
    assert list(bars.layout.sliders[0].steps[1].args[0]) == ["2"]  # the labels do not rename the frames
    vectors = {"forget": RNG.uniform(0, 1, (3, 4)), "cell": RNG.normal(size=(3, 4))}
    diagram = diagram_figure(tiny_diagram(), vectors, ["1", "2", "3"], ["one", "two", "three"], PLAYER,
                             step=3).validated()
    assert diagram.layout.title.text == "three" and diagram.layout.sliders[0].active == 2
    shown = np.concatenate([vectors["forget"][2], vectors["cell"][2]])
    np.testing.assert_allclose(diagram.data[0].marker.color, shown)
    with pytest.raises(ValueError):
        gate_bars_figure(gates, {"forget": "f"}, ["1", "2", "3"], "unit", PLAYER, step=4)
    with pytest.raises(ValueError):
        gate_bars_figure(gates, {"forget": "f"}, ["1", "2", "3"], "unit", PLAYER, step_labels=["only one"])


def test_frame_texts_escape_user_tokens():
    names, titles, labels = frame_texts(["我", "<b>"], "t = {step} · {token}")
    assert names == ["1", "2"] and titles[1] == "t = 2 · &lt;b&gt;" and labels == ["1 · 我", "2 · &lt;b&gt;"]


def test_heatmaps_are_time_by_unit():
    gates = {"update": RNG.uniform(0, 1, (6, 4)), "hidden": RNG.uniform(-1, 1, (6, 4))}
    figure = gate_heatmaps_figure(gates, {"update": "z", "hidden": "h"}, list("abcdef"), "unit").validated()
    np.testing.assert_allclose(np.asarray(figure.data[0].z), gates["update"].T)
    assert list(figure.data[0].x) == [f"{step + 1}·{token}" for step, token in enumerate("abcdef")]
    assert figure.data[0].colorscale[-1][1] == GATE_COLORS["update"]
    assert gate_colorscale("reset")[-1][1] == GATE_COLORS["reset"]


def test_small_helpers():
    assert value_range("forget", np.zeros(1)) == (0.0, 1.0)
    assert value_range("new", np.zeros(1)) == (-1.0, 1.0)
    assert value_range("cell", np.array([3.0]))[1] == pytest.approx(3.15)
    assert [short_number(value) for value in (0.871, -0.05, 1.3, 10.5, -1.0)] == [".87", "-.05", "1.30", "10.50",
                                                                                  "-1.00"]
    assert short_number(-0.001) == ".00" == short_number(0.004)


def test_token_gate_bars_name_frames_by_step_and_label_ticks_with_tokens():
    from core.figures.gates import token_gate_bars_figure

    values = {"forget": np.linspace(0, 1, 6).reshape(3, 2), "hidden": np.zeros((3, 2))}
    figure = token_gate_bars_figure(values, {"forget": "f", "hidden": "h"}, ["我", "爱", "<b>"], "t={step} {token}",
                                    "unit", PlayerLabels("play", "pause", "t = "), step=2).validated()
    assert [frame.name for frame in figure.frames] == ["1", "2", "3"]
    ticks = [step.label for step in figure.layout.sliders[0].steps]
    assert ticks == ["1 · 我", "2 · 爱", "3 · &lt;b&gt;"]
    assert list(figure.data[0].y) == list(values["forget"][1])  # opened at step 2
