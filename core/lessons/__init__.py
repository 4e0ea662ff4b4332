"""Lesson computations: each module runs a real torch model on the learner's input and returns plain arrays.

Pages show numbers with the formulas they came from, so the LaTeX helpers every lesson needs live here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def latex_number(value: float, decimals: int = 2) -> str:
    """A number for an equation: fixed decimals, and never ``-0.00`` (it reads as a sign error)."""
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def bmatrix(values: np.ndarray | Sequence[float], decimals: int = 2) -> str:
    r"""``\begin{bmatrix} … \end{bmatrix}`` for a vector (drawn as a column, like x_t in W x_t) or a matrix."""
    array = np.asarray(values, dtype=float)
    if array.ndim == 1:
        array = array[:, None]  # a column vector
    if array.ndim != 2:
        raise ValueError(f"bmatrix takes a vector or a matrix, got shape {array.shape}")
    rows = [" & ".join(latex_number(value, decimals) for value in row) for row in array]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"
