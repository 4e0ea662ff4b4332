"""Which sentences a chart's numbers support: prose next to a chart is chosen from these, never fixed in advance.

Each reading turns one lesson result into a few facts and categories; the page picks the matching sentences from its
texts and fills in the numbers, so moving a control can never leave a sentence that contradicts the chart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.lessons.gradients import JacobianChain
from core.lessons.lstm_step import CellPath

LOW_FORGET, HIGH_FORGET = 0.35, 0.8  # mean f below: wiped almost every step; above: a slow direct path
VANISHED, EXPLODED = 1e-3, 1e3  # ‖∂/∂‖ at the first step beyond which the gradient counts as gone / blown up
CLOSE_SPREAD = 10.0  # the direct-path estimate within this factor of every path counts as "most of the story"
SATURATED_SLOPE_AT = 2.0  # |a| beyond which tanh′ < 0.071: the unit passes almost no gradient
SATURATION_MATTERS = 0.25  # share of saturated pre-activations from which saturation shapes the chain


@dataclass(frozen=True)
class PathReading:
    """What lesson 5's cell-path chart shows at t = 1."""

    mean_forget: float
    forget_level: str  # "low" / "middle" / "high" by LOW_FORGET and HIGH_FORGET
    direct_product: float  # ∏ f along the direct path from t = 1 (largest unit)
    all_paths: float  # measured ‖∂C_T/∂C_1‖₂
    rnn: float  # the plain RNN's ‖∂h_T/∂h_1‖₂
    spread: float  # largest factor between the measured curve and ∏ f
    spread_level: str  # "close" (within CLOSE_SPREAD) or "far"
    all_paths_above_one: bool  # every path together exceeds 1 although every f < 1


def read_cell_path(path: CellPath) -> PathReading:
    spread = path.direct_path_spread
    mean = path.mean_forget
    return PathReading(
        mean_forget=mean,
        forget_level="low" if mean < LOW_FORGET else "high" if mean >= HIGH_FORGET else "middle",
        direct_product=float(path.forget_product_norm[0]), all_paths=float(path.cell_jacobian_norm[0]),
        rnn=float(path.rnn_jacobian_norm[0]), spread=spread,
        spread_level="close" if spread <= CLOSE_SPREAD else "far",
        all_paths_above_one=bool(path.cell_jacobian_norm[0] > 1.0),
    )


@dataclass(frozen=True)
class ChainRegime:
    """What lesson 4's chain chart shows at t = 1, and whether saturation explains it."""

    kind: str  # "vanishing" / "exploding" / "steady"
    first: float  # ‖∂h_T/∂h_1‖₂
    linear_prediction: float  # ρ^(T-1): what the chain would do if every slope were 1
    saturated_share: float  # share of pre-activations with |a| > SATURATED_SLOPE_AT (tanh) or a ≤ 0 (relu)
    saturation: str  # "" (no role), "tames" (exploding, but far below ρⁿ) or "kills" (vanishing although ρ ≥ 1)


def read_chain(chain: JacobianChain, nonlinearity: str) -> ChainRegime:
    first = float(chain.measured[0])
    kind = "vanishing" if first < VANISHED else "exploding" if first > EXPLODED else "steady"
    pre = chain.pre_activation
    share = float((np.abs(pre) > SATURATED_SLOPE_AT).mean() if nonlinearity == "tanh" else (pre <= 0).mean())
    prediction = float(chain.radius_rate[0])
    saturation = ""
    if share >= SATURATION_MATTERS and nonlinearity == "tanh":
        if kind == "exploding" and first < prediction / 100:
            saturation = "tames"
        elif kind == "vanishing" and chain.spectral_radius >= 1.0:
            saturation = "kills"
    return ChainRegime(kind=kind, first=first, linear_prediction=prediction, saturated_share=share,
                       saturation=saturation)
