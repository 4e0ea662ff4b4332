"""What lesson 4 says about a measured Jacobian chain, decided here rather than in the page.

Every verdict and share the page prints (the regime, the saturated or dead share of units, one step's factor, the
word pair a sentence opens on) is a field of a frozen result, so tests check it against the chain itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.lessons.gradients import JacobianChain, find_token

VANISHING_BELOW = 1e-3  # ‖∂h_T/∂h_1‖ under this: the first word's signal is lost
EXPLODING_ABOVE = 1e3  # ‖∂h_T/∂h_1‖ over this: one step's update is dominated by the far past
SATURATION_Z = 2.0  # |a| beyond which tanh counts as saturated: tanh'(2) = 1 − tanh²(2) ≈ 0.07
SATURATION_MATTERS = 0.25  # share of saturated pre-activations from which saturation shapes the chain

# The lesson's scenario buttons: (nonlinearity, spectral radius) worth seeing.
SCENARIOS = {"vanishing": ("tanh", 0.9), "saturated": ("tanh", 3.0), "exploding": ("relu", 2.0)}


@dataclass(frozen=True)
class ChainReading:
    """The lesson's reading of one chain."""

    regime: str  # "vanishing", "exploding" or "steady", from ‖∂h_T/∂h_1‖
    first_norm: float  # ‖∂h_T/∂h_1‖, the number the regime is read from
    inactive_share: float  # tanh: share of a_t with |a| > SATURATION_Z; relu: share with a ≤ 0 (no gradient)
    saturation_slope: float  # tanh'(SATURATION_Z), the largest slope a saturated unit can pass on
    linear_prediction: float  # ρ^(T−1): what the chain would do if every slope were 1
    saturation: str  # tanh only: "tames" (exploding, yet 100× below ρⁿ), "kills" (vanishing although ρ ≥ 1), or ""


@dataclass(frozen=True)
class StepFactor:
    """One step's Jacobian diag(φ'(a_t)) W_hh, summarised."""

    step: int  # 1-based t
    norm: float  # ‖diag(φ'(a_t)) W_hh‖₂
    lowest_slope: float  # min_j φ'(a_{t,j})
    highest_slope: float  # max_j φ'(a_{t,j})


def read_chain(chain: JacobianChain, nonlinearity: str) -> ChainReading:
    """The regime (vanishing below ``VANISHING_BELOW``, exploding above ``EXPLODING_ABOVE``), the share of units
    that pass (almost) no gradient, and whether tanh saturation rather than W_hh explains the regime (the
    "Saturation" scenario's banner says exploding: its chain still grows, but far below ρⁿ)."""
    first = float(chain.measured[0])
    regime = "vanishing" if first < VANISHING_BELOW else "exploding" if first > EXPLODING_ABOVE else "steady"
    pre_activation = np.asarray(chain.pre_activation)
    if nonlinearity == "tanh":
        inactive = float((np.abs(pre_activation) > SATURATION_Z).mean())
    else:
        inactive = float((pre_activation <= 0).mean())
    prediction = float(chain.radius_rate[0])
    saturation = ""
    if nonlinearity == "tanh" and inactive >= SATURATION_MATTERS:
        if regime == "exploding" and first < prediction / 100:
            saturation = "tames"
        elif regime == "vanishing" and chain.spectral_radius >= 1.0:
            saturation = "kills"
    return ChainReading(regime=regime, first_norm=first, inactive_share=inactive,
                        saturation_slope=1 - math.tanh(SATURATION_Z) ** 2, linear_prediction=prediction,
                        saturation=saturation)


def step_factor(chain: JacobianChain, step: int) -> StepFactor:
    """The factor step ``step`` (1-based) multiplies into the chain."""
    slopes = np.asarray(chain.slope[step - 1])
    return StepFactor(step=step, norm=float(chain.step_norms[step - 1]), lowest_slope=float(slopes.min()),
                      highest_slope=float(slopes.max()))


def anchor_pair(tokens: Sequence[str], anchors: Sequence[Sequence[str]]) -> tuple[int, int]:
    """(loss position, position to reach), 0-based, from the first (later word, earlier word) anchor found in
    ``tokens`` in that order; else (last, first)."""
    for start_word, reach_word in anchors:
        start, reach = find_token(list(tokens), start_word, -1), find_token(list(tokens), reach_word, -1)
        if 0 <= reach < start:
            return start, reach
    return len(tokens) - 1, 0
