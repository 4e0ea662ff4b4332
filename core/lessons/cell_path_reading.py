"""What lesson 5 says about its measured cell path, decided here rather than in the page.

The reading turns the chart's numbers into a few categories; the page picks the matching sentences from its texts and
fills in the numbers, so moving the forget-bias slider never leaves a sentence that contradicts the chart.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.lessons.cell_path import CellPath

LOW_FORGET, HIGH_FORGET = 0.35, 0.8  # mean f below: wiped almost every step; above: a slow direct path
CLOSE_SPREAD = 10.0  # the direct-path estimate within this factor of every path counts as "most of the story"


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
