"""The ensemble on backtest cases: its components per case, its grouped cross-validation, its refit.

Everything fitted is fitted on training folds only, grouped by proposal. The conformal component
(the compromise model's forecast plus residuals, :func:`accord.analysis.distributions.conformal`)
uses, for a held-out case, every training residual and, for a training case, the training residuals
of the other proposals (leave one proposal out), so no case ever sees its own outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from ..scenario.arrays import to_arrays
from . import ensemble
from .distributions import Predictive, mixture

CONFORMAL = "weighted-mean+conformal"


def conformal_for(
    point: np.ndarray, y: np.ndarray, groups: np.ndarray, train: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> Predictive:
    """Conformal distributions of ``point`` for every case from the residuals of ``train`` (own proposal
    left out)."""
    span = hi - lo
    unit = (y - point) / span
    r_all, g_all = unit[train], groups[train].astype(str)
    ok = ~np.isnan(r_all)
    r_all, g_all = r_all[ok], g_all[ok]
    n, width = len(y), max(int(ok.sum()), 1)
    values, weights = np.tile(lo[:, None], (1, width)).astype(float), np.zeros((n, width))
    for i in range(n):
        r = r_all[g_all != str(groups[i])]
        if np.isnan(point[i]) or r.size == 0:
            continue
        values[i, : r.size] = np.clip(point[i] + r * span[i], lo[i], hi[i])
        weights[i, : r.size] = 1.0 / r.size
    return Predictive(values, weights, lo, hi)


def structural(cases: Sequence[Any], lo: np.ndarray, hi: np.ndarray) -> tuple[list[Predictive], np.ndarray]:
    """The anchor components (ensemble.ANCHORS) and the features of one-issue cases."""
    rows, feats = [], []
    for c in cases:
        arrays = to_arrays(c.scenario)
        rows.append(ensemble.anchors(arrays, 0))
        feats.append(ensemble.features(c.scenario, arrays, 0))
    parts = []
    for j in range(len(ensemble.ANCHORS)):
        atoms = [r[j] for r in rows]
        parts.append(Predictive.atoms(atoms, [np.ones(len(a)) for a in atoms], lo, hi))
    return parts, np.array(feats)


@dataclass(frozen=True)
class EnsembleRun:
    """The held-out ensemble over a backtest: its distributions, the weights it gave, and the fitted gates."""

    names: list[str]
    predictive: Predictive  # held out
    conformal: Predictive  # the compromise model's held-out conformal distribution
    weights: np.ndarray  # held-out weights (n, K)
    gates: list[ensemble.Gating]
    levels: np.ndarray  # held-out calibrated levels of the 50/80/95% intervals (n, 3)

    def mean_weights(self) -> dict[str, float]:
        """Average held-out weight per component, rounded, leaving out components that got next to none."""
        return {
            n: round(float(w), 3)
            for n, w in zip(self.names, self.weights.mean(axis=0), strict=True)
            if w >= 5e-4
        }

    def penalties(self) -> list[float | None]:
        """The penalty each fold's gate chose (None: a constant gate), to report how much gating was used."""
        return [g.penalty for g in self.gates]


def cross_validate(
    models: dict[str, Predictive],
    point: np.ndarray,
    cases: Sequence[Any],
    y: np.ndarray,
    groups: np.ndarray,
    folds: Sequence[np.ndarray],
    lo: np.ndarray,
    hi: np.ndarray,
) -> EnsembleRun:
    """The ensemble's held-out predictive distributions over the cases (``point``: the compromise model)."""
    anchor_parts, x = structural(cases, lo, hi)
    names = [*models, CONFORMAL, *ensemble.ANCHORS]
    n = len(y)
    per_fold = [conformal_for(point, y, groups, np.setdiff1d(np.arange(n), test), lo, hi) for test in folds]
    with threadpool_limits(1):  # tiny BLAS calls: threads only contend (markedly so on a busy machine)
        weights, gates, levels = ensemble.cross_validated(
            [*models.values(), *anchor_parts], per_fold, len(models), y, x, groups, folds
        )
    conformal = ensemble.held_out(per_fold, folds)
    parts = [*models.values(), conformal, *anchor_parts]
    return EnsembleRun(names, mixture(parts, weights), conformal, weights, gates, levels)


def fit_all(
    models: dict[str, Predictive],
    point: np.ndarray,
    cases: Sequence[Any],
    y: np.ndarray,
    groups: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
) -> dict[str, Any]:
    """The gate fitted on every case (penalty by grouped CV), as the JSON the ``ensemble`` model reads."""
    anchor_parts, x = structural(cases, lo, hi)
    n = len(y)
    conf = conformal_for(point, y, groups, np.arange(n), lo, hi)
    parts = [*models.values(), conf, *anchor_parts]
    with threadpool_limits(1):
        gate = ensemble.choose(ensemble.moments(parts, y), x, groups)
    residuals = (y - point) / (hi - lo)
    return {
        "components": [*models, CONFORMAL, *ensemble.ANCHORS],
        "features": list(ensemble.FEATURES),
        "alpha": gate.alpha.round(6).tolist(),
        "beta": gate.beta.round(6).tolist(),
        "center": gate.center.round(6).tolist(),
        "scale": gate.scale.round(6).tolist(),
        "penalty": gate.penalty,
        "levels": [round(c, 6) for c in gate.levels],
        "residuals": np.sort(residuals[~np.isnan(residuals)]).round(6).tolist(),
        "cases": n,
        "proposals": len(set(groups.astype(str))),
    }
