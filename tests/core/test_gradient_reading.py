"""Lesson 4's verdicts are core's: the regime, the share of units passing no gradient, a step's factor, the pair."""

import math

import numpy as np
import pytest

from core.lessons.gradient_reading import (
    EXPLODING_ABOVE, SATURATION_Z, SCENARIOS, VANISHING_BELOW, anchor_pair, read_chain, step_factor,
)
from core.lessons.gradients import ChainSetup, measure_chain, random_inputs


def chain_of(nonlinearity: str, radius: float, length: int = 60):
    setup = ChainSetup(radius=radius, nonlinearity=nonlinearity)
    return measure_chain(random_inputs(length, setup), setup)


@pytest.mark.parametrize("scenario,regime", [("vanishing", "vanishing"), ("exploding", "exploding")])
def test_the_scenarios_land_in_their_regime(scenario, regime):
    nonlinearity, radius = SCENARIOS[scenario]
    reading = read_chain(chain_of(nonlinearity, radius), nonlinearity)
    assert reading.regime == regime
    first = reading.first_norm
    assert first < VANISHING_BELOW if regime == "vanishing" else first > EXPLODING_ABOVE


def test_a_short_chain_near_radius_one_is_steady():
    chain = chain_of("tanh", 1.0, length=4)
    reading = read_chain(chain, "tanh")
    assert VANISHING_BELOW <= reading.first_norm <= EXPLODING_ABOVE and reading.regime == "steady"
    assert reading.first_norm == float(chain.measured[0])


def test_inactive_shares_are_counted_on_the_runs_own_pre_activations():
    tanh = chain_of("tanh", 3.0)
    reading = read_chain(tanh, "tanh")
    assert reading.inactive_share == pytest.approx(np.mean(np.abs(tanh.pre_activation) > SATURATION_Z))
    assert 0 < reading.inactive_share < 1  # the saturation scenario saturates some units, not all
    assert reading.saturation_slope == pytest.approx(1 - math.tanh(SATURATION_Z) ** 2)
    relu = chain_of("relu", 2.0)
    assert read_chain(relu, "relu").inactive_share == pytest.approx(np.mean(relu.pre_activation <= 0))


def test_step_factor_is_that_steps_jacobian():
    chain = chain_of("tanh", 0.9, length=10)
    factor = step_factor(chain, 4)
    slopes = chain.slope[3]
    assert (factor.step, factor.norm) == (4, float(chain.step_norms[3]))
    assert (factor.lowest_slope, factor.highest_slope) == (float(slopes.min()), float(slopes.max()))


def test_anchor_pair_finds_the_later_word_and_the_one_to_reach():
    tokens = "The cat , which ate , was full".split()
    assert anchor_pair(tokens, [["French", "France"], ["was", "cat"]]) == (6, 1)
    assert anchor_pair(tokens, [["cat", "was"]]) == (len(tokens) - 1, 0)  # in the wrong order: the default pair
