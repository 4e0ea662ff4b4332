"""Readable ticks for log axes: plotly labels minor ticks "4 5 6 7 8 9" without their decade, which reads as noise
on a projector; these helpers pick a few round values and print them plainly."""

from __future__ import annotations

import math


def log_ticks(low: float, high: float) -> list[float]:
    """Tick values for a log axis spanning 10^low … 10^high (the axis ``range`` in log10 units).

    1-2-3-5 per decade over at most two decades, 1-2-5 over at most four, then one tick every decade (or every few
    decades, so that no more than about eight remain).
    """
    span = high - low
    mantissas = (1, 2, 3, 5) if span <= 2 else (1, 2, 5) if span <= 4 else (1,)
    every = max(1, math.ceil(span / 8))
    return [mantissa * 10.0**power for power in range(math.floor(low), math.ceil(high) + 1)
            for mantissa in mantissas if power % every == 0 and low <= math.log10(mantissa * 10.0**power) <= high]


def tick_text(value: float) -> str:
    """0.5, 20, 1e6, 2e-5: plain digits in a readable range, a short power of ten outside it."""
    if 1e-2 <= value < 1e5:
        return f"{value:g}"
    return f"{value:.0e}".replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")
