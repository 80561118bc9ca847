"""The asymmetric Nash bargaining solution on one issue: the pure function behind model ``nash``.

See :mod:`accord.models.nash.model` for the equations and their sources.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from ...errors import UnsupportedScenario


def nash_bargain_1d(
    x: np.ndarray, c: np.ndarray, s: np.ndarray, d: float | None, lo: float, hi: float, kappa: float
) -> float:
    """Asymmetric NBS on one issue for actors with ideal x, bargaining power c, salience s.

    ``d`` None means each actor's disagreement utility is its worst point on [lo, hi].
    """
    keep = (s > 0) & (c > 0) & ~np.isnan(x)
    x, c, s = x[keep], c[keep], s[keep]
    if x.size == 0:
        raise UnsupportedScenario("no actor has positive capability and salience on this issue")
    radius = np.maximum(np.abs(x - lo), np.abs(x - hi)) if d is None else np.abs(x - d)
    left, right = max(lo, float(np.max(x - radius))), min(hi, float(np.min(x + radius)))
    if d is not None and not left < right:
        return float(d)
    u_d = -s * radius**kappa

    def slope(y: float) -> float:
        # d/dy Σ c log(U(y) − U(d)); decreasing because the objective is concave on the interval.
        gap = y - x
        gain = -s * np.abs(gap) ** kappa - u_d
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = c * -s * kappa * np.abs(gap) ** (kappa - 1) * np.sign(gap) / gain
        return float(np.sum(np.nan_to_num(terms, nan=0.0)))

    # The end points are excluded: some actor's gain may be zero there.
    eps = 1e-12 * (hi - lo)
    a, b = left + eps, right - eps
    if slope(a) <= 0:
        return a
    if slope(b) >= 0:
        return b
    return float(brentq(slope, a, b, xtol=1e-13 * (hi - lo)))
