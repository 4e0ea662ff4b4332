"""Prose follows the numbers: the readings that pick a chart's sentences agree with the chart's own values."""

import tomllib
from pathlib import Path

import numpy as np
import pytest

from core.lessons.gradients import ChainSetup, measure_chain, random_inputs
from core.lessons.cell_path import cell_path
from core.lessons.cell_path_reading import read_cell_path
from core.lessons.gradient_reading import read_chain

TEXT_ROOT = Path(__file__).resolve().parents[2] / "assets" / "text"
LONG = "the cat that my sister adopted from the shelter last winter already ate a whole bowl of food and was full"


@pytest.fixture(scope="module")
def paths():
    return {bias: cell_path(LONG, 0, bias) for bias in (0.0, 4.0)}


def test_default_gates_are_in_the_middle_and_the_direct_path_vanishes(paths):
    reading = read_cell_path(paths[0.0])
    assert reading.forget_level == "middle" and 0.35 <= paths[0.0].mean_forget < 0.8
    assert reading.direct_product < 1e-3 and not reading.all_paths_above_one


def test_a_large_forget_bias_reads_as_slow_decay_and_explains_all_paths_above_one(paths):
    path = paths[4.0]
    reading = read_cell_path(path)
    assert reading.forget_level == "high" and path.mean_forget > 0.9
    assert reading.all_paths_above_one == bool(path.cell_jacobian_norm[0] > 1)
    assert reading.all_paths_above_one  # the 4.25-style case the old prose left unexplained
    assert reading.spread_level == ("close" if path.direct_path_spread <= 10 else "far")


@pytest.mark.parametrize("radius, nonlinearity, kind, saturation", [
    (0.9, "tanh", "vanishing", ""), (3.0, "tanh", "exploding", "tames"), (2.0, "relu", "exploding", ""),
])
def test_the_gradient_scenarios_read_as_their_numbers(radius, nonlinearity, kind, saturation):
    setup = ChainSetup(radius=radius, nonlinearity=nonlinearity)
    chain = measure_chain(random_inputs(60, setup), setup)
    reading = read_chain(chain, nonlinearity)
    first = float(chain.measured[0])
    assert reading.regime == kind == ("vanishing" if first < 1e-3 else "exploding" if first > 1e3 else "steady")
    if nonlinearity == "tanh":
        assert reading.inactive_share == pytest.approx(float((np.abs(chain.pre_activation) > 2).mean()))
    assert reading.saturation == saturation
    assert reading.linear_prediction == pytest.approx(chain.spectral_radius ** (len(chain.measured) - 1), rel=1e-6)
    if saturation == "tames":
        assert first < reading.linear_prediction / 100


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_reading_has_its_sentence(lang):
    with open(TEXT_ROOT / lang / "lstm_step.toml", "rb") as handle:
        path_texts = tomllib.load(handle)["path_reading"]
    assert {"numbers", "low", "middle", "high", "learn", "close", "far", "above_one"} <= set(path_texts)
    with open(TEXT_ROOT / lang / "gradients.toml", "rb") as handle:
        gradient_texts = tomllib.load(handle)
    for key in ("regime_vanishing", "regime_exploding", "regime_steady", "regime_saturation_tames",
                "regime_saturation_kills"):
        assert gradient_texts[key].strip()
    assert "singular values must" not in gradient_texts["exploding"]["text"]
