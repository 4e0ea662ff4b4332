r"""The tutorial's ``W · [h_{t-1}, x_t]`` (formulas) against its code's ``[x_t, h_{t-1}]``: the same gate, as long as
the matrix's columns follow the vector's order.

For one gate with input weights W_x (H, D), hidden weights W_h (H, H) and bias b (H,)::

    [W_h | W_x] · [h; x] + b  =  [W_x | W_h] · [x; h] + b  =  W_x x + W_h h + b      (H,)

Feeding ``[x; h]`` to the ``[h, x]`` matrix is a different (wrong) function: the columns meant for h multiply x.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ORDER_EQUATION = (r"[\,W_{hf} \mid W_{xf}\,] \begin{bmatrix} h_{t-1} \\ x_t \end{bmatrix} = "
                  r"[\,W_{xf} \mid W_{hf}\,] \begin{bmatrix} x_t \\ h_{t-1} \end{bmatrix}")


@dataclass(frozen=True)
class ConcatOrder:
    separate: np.ndarray      # (H,) W_x x + W_h h + b: torch's two matrices
    hidden_first: np.ndarray  # (H,) [W_h | W_x] [h; x] + b: the tutorial's formulas
    input_first: np.ndarray   # (H,) [W_x | W_h] [x; h] + b: the tutorial's code
    mismatched: np.ndarray    # (H,) [W_h | W_x] [x; h] + b: one order for the matrix, the other for the vector

    @property
    def orders_gap(self) -> float:
        """Largest gap between both consistent orders and torch's separate form (zero up to rounding)."""
        return float(max(np.abs(self.hidden_first - self.separate).max(),
                         np.abs(self.input_first - self.separate).max()))

    @property
    def mismatch_gap(self) -> float:
        """Largest error when the orders are mixed up: both vectors have D + H entries, so nothing refuses it."""
        return float(np.abs(self.mismatched - self.separate).max())


def concat_orders(weight_input: np.ndarray, weight_hidden: np.ndarray, bias: np.ndarray, x: np.ndarray,
                  h: np.ndarray) -> ConcatOrder:
    """One gate's pre-activation in every order. ``weight_input`` (H, D), ``weight_hidden`` (H, H), ``bias`` (H,),
    ``x`` (D,), ``h`` (H,)."""
    weights = [np.asarray(array, dtype=np.float64) for array in (weight_input, weight_hidden, bias, x, h)]
    weight_input, weight_hidden, bias, x, h = weights
    hidden_first_matrix = np.concatenate([weight_hidden, weight_input], axis=1)  # (H, H + D)
    input_first_matrix = np.concatenate([weight_input, weight_hidden], axis=1)  # (H, D + H)
    x_then_h = np.concatenate([x, h])  # (D + H,)
    return ConcatOrder(
        separate=weight_input @ x + weight_hidden @ h + bias,
        hidden_first=hidden_first_matrix @ np.concatenate([h, x]) + bias,
        input_first=input_first_matrix @ x_then_h + bias,
        mismatched=hidden_first_matrix @ x_then_h + bias,
    )
