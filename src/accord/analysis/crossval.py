"""Honest out-of-sample combinations of models: grouped cross-validation, stacking, conformal bands.

Everything fitted here (which model to trust, the weights of a combination, the width of the 80%
band) is fitted on training folds and scored on the held-out fold only. Folds are grouped (e.g.
by legislative proposal) so issues of one proposal never sit on both sides: they share actors,
positions and politics, and splitting them would leak. Combination weights minimise the absolute
error (the MAE being scored) on the simplex, i.e. a convex combination of the models' forecasts,
solved exactly as a linear programme. The 80% band is split-conformal in spirit: the 10th and 90th
percentiles of the training residuals, added to the held-out forecast and clipped to the scale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

COVERAGE = 0.8


def group_kfold(groups: np.ndarray, k: int = 10) -> list[np.ndarray]:
    """Test indices of k folds; each group whole in one fold, folds balanced by size.

    Largest groups first, each into the currently smallest fold (ties: lowest fold, then group
    name), so the split is deterministic and needs no random state.
    """
    names, inverse, sizes = np.unique(groups.astype(str), return_inverse=True, return_counts=True)
    k = max(1, min(k, len(names)))
    load = np.zeros(k, dtype=int)
    fold_of = np.empty(len(names), dtype=int)
    for g in np.lexsort((names, -sizes)):
        f = int(np.argmin(load))
        fold_of[g] = f
        load[f] += sizes[g]
    return [np.nonzero(fold_of[inverse] == f)[0] for f in range(k)]


def lad_simplex(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Weights w >= 0 with sum 1 minimising sum |y - x w|: the MAE-optimal convex combination."""
    n, p = x.shape
    if p == 1:
        return np.ones(1)
    cost = np.concatenate([np.zeros(p), np.ones(2 * n)])
    eq = np.hstack([x, np.eye(n), -np.eye(n)])
    eq = np.vstack([eq, np.concatenate([np.ones(p), np.zeros(2 * n)])])
    res = linprog(cost, A_eq=eq, b_eq=np.append(y, 1.0), bounds=(0, None), method="highs")
    if not res.success:  # cannot happen for a feasible simplex; fall back on the best single model
        return np.eye(p)[int(np.argmin(np.abs(y[:, None] - x).mean(axis=0)))]
    w = np.clip(res.x[:p], 0, None)
    return w / w.sum()


def select_best(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The one model with the lowest training MAE, as a weight vector."""
    return np.eye(x.shape[1])[int(np.argmin(np.abs(y[:, None] - x).mean(axis=0)))]


@dataclass(frozen=True)
class Combination:
    """A CV-fitted predictor: its name, the models it may combine and how weights are fitted."""

    name: str
    columns: list[str]
    fit: Callable[[np.ndarray, np.ndarray], np.ndarray]


def feature_matrix(base: dict[str, np.ndarray], fallback: str) -> tuple[list[str], np.ndarray]:
    """Each model's forecasts as a column; where a model could not run, the fallback model's forecast.

    Models that ran on no case are left out. The fill makes, e.g., "status quo" usable on every
    issue as "status quo where there is one, else the weighted mean".
    """
    fill = base[fallback]
    names = [m for m, f in base.items() if np.any(~np.isnan(f))]
    return names, np.column_stack([np.where(np.isnan(base[m]), fill, base[m]) for m in names])


def cross_validate(
    combo: Combination,
    names: list[str],
    x: np.ndarray,
    y: np.ndarray,
    folds: list[np.ndarray],
    lo: np.ndarray,
    hi: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Held-out forecasts, 80% band (low, high), and the weights per fold (folds x columns)."""
    cols = [names.index(c) for c in combo.columns if c in names]
    sub = x[:, cols]
    n = len(y)
    pred, lo80, hi80 = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    weights = np.zeros((len(folds), len(names)))
    for f, test in enumerate(folds):
        train = np.setdiff1d(np.arange(n), test)
        w = combo.fit(sub[train], y[train])
        weights[f, cols] = w
        q_lo, q_hi = band(y[train] - sub[train] @ w)
        pred[test] = sub[test] @ w
        lo80[test] = np.clip(pred[test] + q_lo, lo[test], hi[test])
        hi80[test] = np.clip(pred[test] + q_hi, lo[test], hi[test])
    return pred, lo80, hi80, weights


def band(residuals: np.ndarray, coverage: float = COVERAGE) -> tuple[float, float]:
    """Residual order statistics bracketing ``coverage``, with the conformal (n+1) correction.

    The upper end is the ceil((n+1)(1-a/2))-th smallest residual, the lower the floor((n+1)a/2)-th
    (a = 1 - coverage), so a new exchangeable residual falls between them with probability at least
    ``coverage`` less the tails' rounding; beyond the sample, the extreme residual is used.
    """
    r = np.sort(np.asarray(residuals, dtype=float))
    n = len(r)
    tail = (1 - coverage) / 2
    # The 1e-9 keeps rounding (e.g. 20 x 0.0999...) from moving an exact order statistic.
    upper = min(n, int(np.ceil((n + 1) * (1 - tail) - 1e-9)))
    lower = max(1, int(np.floor((n + 1) * tail + 1e-9)))
    return float(r[lower - 1]), float(r[upper - 1])
