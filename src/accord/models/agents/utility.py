"""Utilities of points on the issue space, and the offer that gives an agent a target utility.

An agent's utility of a point x is ``1 - D(x) ** risk`` where ``D`` is the salience-weighted mean
distance from its ideal point, each issue's distance measured as a share of that issue's range, so
``D`` and the utility both lie in [0, 1]. ``risk`` is the risk attitude: 1 is risk-neutral (linear
additive utilities), above 1 risk-averse (losses grow faster far from the ideal, like a quadratic
loss), below 1 risk-acceptant. Issues an agent takes no stance on carry zero weight.

Every function broadcasts over leading axes, so the same code serves one negotiation, a block of
rounds, thousands of Monte Carlo draws, or a block of rounds of thousands of draws.
"""

from __future__ import annotations

import numpy as np


def unit_weights(salience: np.ndarray, span: np.ndarray) -> np.ndarray:
    """Utility weight per unit of each issue's scale: the salience share over the issue's range,
    zero where the agent takes no stance (salience 0). Computed once per state so the per-round
    distances are a subtraction, an absolute value, a product and a sum."""
    whole = salience.sum(axis=-1, keepdims=True)
    return salience / (np.where(whole > 0, whole, np.inf) * span)


def total(x: np.ndarray) -> np.ndarray:
    """Sum over the last axis (booleans are counted).

    A short last axis (a few issues or parties) is summed slice by slice: NumPy's reduction over a
    short contiguous axis is about ten times slower than the same additions done element-wise.
    """
    if x.shape[-1] > 8 or x.size < 1024:  # small arrays: one call beats a few
        return x.sum(axis=-1)
    out = x[..., 0].astype(np.intp if x.dtype == bool else x.dtype)
    for k in range(1, x.shape[-1]):
        out += x[..., k]
    return out


def distance(ideal: np.ndarray, unit: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Salience-weighted normalised distance ``D`` over the last axis (issues).

    ``ideal`` must be finite wherever ``unit`` is positive (fill no-stance issues before calling).
    """
    gap = np.subtract(points, ideal)
    np.abs(gap, out=gap)
    gap *= unit
    return total(gap)


def utility_of_distance(dist: np.ndarray, risk: np.ndarray | None) -> np.ndarray:
    """``1 - D ** risk``; ``risk`` None means every agent is risk-neutral (no power taken)."""
    dist = np.minimum(dist, 1.0)
    return 1.0 - (dist if risk is None else dist**risk)


def utility(ideal: np.ndarray, unit: np.ndarray, risk: np.ndarray | None, points: np.ndarray) -> np.ndarray:
    """``1 - D ** risk``; ``risk`` broadcasts against the result (one value per agent)."""
    return utility_of_distance(distance(ideal, unit, points), risk)


def offer_toward(
    ideal: np.ndarray,
    reference: np.ndarray,
    unit: np.ndarray,
    risk: np.ndarray | None,
    target: np.ndarray,
) -> np.ndarray:
    """The point on the segment from the ideal toward ``reference`` whose utility is ``target``.

    Along that segment every issue's distance grows in proportion, so ``D(ideal + λ (ref - ideal))
    = λ D(ref)`` and the step has a closed form: ``λ = (1 - target) ** (1 / risk) / D(ref)``,
    clipped to [0, 1] (an agent never offers beyond what it hears from the others; λ = 0 when the
    reference is its ideal). Shapes: ideal, reference, unit (S, agents, issues); risk (agents,) or
    None (risk-neutral); target (..., S, agents) in [0, 1] with any leading axes (a block of
    rounds), which the offers keep.
    """
    reach = distance(ideal, unit, reference)
    need = 1.0 - target
    if risk is not None:
        need = need ** (1.0 / risk)
    lam = np.minimum(need / np.where(reach > 0, reach, np.inf), 1.0)
    return ideal + lam[..., None] * (reference - ideal)
