"""Utilities of points on the issue space, and the offer that gives an agent a target utility.

An agent's utility of a point x is ``1 - D(x) ** risk`` where ``D`` is the salience-weighted mean
distance from its ideal point, each issue's distance measured as a share of that issue's range, so
``D`` and the utility both lie in [0, 1]. ``risk`` is the risk attitude: 1 is risk-neutral (linear
additive utilities), above 1 risk-averse (losses grow faster far from the ideal, like a quadratic
loss), below 1 risk-acceptant. Issues an agent takes no stance on carry zero weight.

Every function broadcasts over leading axes, so the same code serves one negotiation, a block of
rounds, or thousands of Monte Carlo draws.
"""

from __future__ import annotations

import numpy as np


def distance(ideal: np.ndarray, weight: np.ndarray, span: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Salience-weighted normalised distance ``D`` over the last axis (issues).

    ``ideal`` must have no NaN where ``weight`` is positive; NaN positions elsewhere count as zero.
    """
    gap = np.abs(points - ideal) / span
    return np.where(weight > 0, weight * gap, 0.0).sum(axis=-1)


def utility_of_distance(dist: np.ndarray, risk: np.ndarray) -> np.ndarray:
    return 1.0 - np.clip(dist, 0.0, 1.0) ** risk


def utility(ideal: np.ndarray, weight: np.ndarray, span: np.ndarray, risk: np.ndarray, points: np.ndarray) -> np.ndarray:
    """``1 - D ** risk``; ``risk`` broadcasts against the result (one value per agent)."""
    return utility_of_distance(distance(ideal, weight, span, points), risk)


def offer_toward(
    ideal: np.ndarray,
    reference: np.ndarray,
    weight: np.ndarray,
    span: np.ndarray,
    risk: np.ndarray,
    target: np.ndarray,
) -> np.ndarray:
    """The point on the segment from the ideal toward ``reference`` whose utility is ``target``.

    Along that segment every issue's distance grows in proportion, so ``D(ideal + λ (ref - ideal))
    = λ D(ref)`` and the step has a closed form: ``λ = (1 - target) ** (1 / risk) / D(ref)``,
    clipped to [0, 1] (an agent never offers beyond what it hears from the others). Shapes: ideal,
    reference, weight (..., agents, issues); risk (agents,); target (..., agents).
    """
    reach = distance(ideal, weight, span, reference)
    need = np.clip(1.0 - target, 0.0, 1.0) ** (1.0 / risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = np.where(reach > 0, np.clip(need / reach, 0.0, 1.0), 0.0)
    return ideal + lam[..., None] * (reference - ideal)
