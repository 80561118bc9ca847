"""Static baselines: the compromise model (weighted mean), the weighted median and the status quo.

These are the null forecasters every elaborate model must beat (tag ``baseline``, with the Nash
bargaining solution). On EU data the compromise model
is as accurate as expected-utility and procedural models (Thomson, Stokman, Achen & Koenig, *The
European Union Decides*, 2006). Weights are capability x salience; actors without a stance on an
issue have zero weight there.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..errors import UnsupportedScenario
from ..scenario.arrays import ScenarioArrays
from .base import StaticModel
from .registry import register


def influence(arrays: ScenarioArrays) -> np.ndarray:
    """Capability x salience, shape (..., actors, issues); zero where an actor has no stance."""
    w = arrays.capability[..., :, None] * arrays.salience
    return np.where(arrays.present, w, 0.0)


def weighted_mean(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Σ w x / Σ w over the actor axis (-2); NaN positions carry zero weight."""
    total = weight.sum(axis=-2)
    num = np.where(weight > 0, weight * np.nan_to_num(position), 0.0).sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / total


def weighted_median(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """The smallest position whose cumulative weight reaches half the total (Black's median voter).

    With BDM's linear intensity votes this is also the Condorcet winner among the positions.
    """
    pos = np.where(weight > 0, position, np.inf)
    order = np.argsort(pos, axis=-2, kind="stable")
    sorted_pos = np.take_along_axis(pos, order, axis=-2)
    cum = np.cumsum(np.take_along_axis(weight, order, axis=-2), axis=-2)
    half = 0.5 * cum[..., -1:, :]
    # A relative tolerance keeps an exact half (e.g. two equal weights) from being missed by rounding.
    first = np.argmax(cum >= half * (1 - 1e-12), axis=-2)
    return np.take_along_axis(sorted_pos, first[..., None, :], axis=-2)[..., 0, :]


def _require_weight(arrays: ScenarioArrays, name: str) -> None:
    total = influence(arrays).sum(axis=-2)
    if np.any(total <= 0):
        bad = [arrays.issues[i] for i in np.nonzero(np.any(np.atleast_2d(total <= 0), axis=0))[0]]
        raise UnsupportedScenario(
            f"model {name!r}: no actor has positive capability x salience on issue(s) {', '.join(bad)}"
        )


@register
class WeightedMean(StaticModel):
    """Capability x salience weighted mean: the compromise model (van den Bos; Achen 2006)."""

    name: ClassVar[str] = "weighted-mean"
    tags: ClassVar[frozenset[str]] = frozenset({"static", "batch", "baseline"})
    summary: ClassVar[str] = "compromise model: capability x salience weighted mean"

    def __init__(self) -> None:
        pass

    def forecast_batch(self, arrays: ScenarioArrays, rng: np.random.Generator | None = None) -> np.ndarray:
        """Capability-times-salience weighted mean of the positions, per issue."""
        _require_weight(arrays, self.name)
        return weighted_mean(arrays.position, influence(arrays))


@register
class WeightedMedian(StaticModel):
    """Capability x salience weighted median (the median voter, BDM's Condorcet winner)."""

    name: ClassVar[str] = "weighted-median"
    tags: ClassVar[frozenset[str]] = frozenset({"static", "batch", "baseline"})
    summary: ClassVar[str] = "median voter: capability x salience weighted median"

    def __init__(self) -> None:
        pass

    def forecast_batch(self, arrays: ScenarioArrays, rng: np.random.Generator | None = None) -> np.ndarray:
        """Capability-times-salience weighted median of the positions, per issue (the median voter)."""
        _require_weight(arrays, self.name)
        return weighted_median(arrays.position, influence(arrays))


@register
class StatusQuo(StaticModel):
    """Nothing changes: the forecast is the status quo (the reversion point)."""

    name: ClassVar[str] = "status-quo"
    tags: ClassVar[frozenset[str]] = frozenset({"static", "batch", "needs-status-quo", "baseline"})
    summary: ClassVar[str] = "no change: the status quo"

    def __init__(self) -> None:
        pass

    def forecast_batch(self, arrays: ScenarioArrays, rng: np.random.Generator | None = None) -> np.ndarray:
        """The status quo of every issue, unchanged (the no-change baseline)."""
        if np.any(np.isnan(arrays.status_quo)):
            raise UnsupportedScenario(f"model {self.name!r} needs a status quo on every issue")
        shape = arrays.position.shape[:-2] + (arrays.n_issues,)
        return np.broadcast_to(arrays.status_quo, shape).copy()
