"""Predictive distributions per case: weighted samples, kept so that any mixture of them is exact.

A :class:`Predictive` holds, for each of n cases, K weighted atoms (``values`` and ``weights``,
shape (n, K), weights summing to 1 on a row; a row of zero weights = no forecast for that case).
Monte Carlo draws are atoms of equal weight, a point mass is one atom of weight 1, a mixture
concatenates its parts' atoms with the parts' weights multiplied in. Every score in
:mod:`accord.analysis.scoring` is computed on this weighted empirical distribution itself, so a
mixture's CRPS is the CRPS of the mixture, not an approximation of it.

Quantiles are the lower quantiles of the weighted empirical distribution (the smallest atom x with
F(x) >= q); comparisons of an outcome with an atom use a tolerance of 1e-9 of the issue's range,
so an outcome coded exactly at a position (DEU outcomes often are) is at that atom whatever the
last bit of a float.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

TOL = 1e-9  # of the issue range: atoms and outcomes closer than this are the same point


@dataclass(frozen=True)
class Predictive:
    """Weighted atoms per case: values and weights (n, K); lo/hi (n,) the issue's scale."""

    values: np.ndarray
    weights: np.ndarray
    lo: np.ndarray
    hi: np.ndarray

    def __post_init__(self) -> None:
        if self.values.shape != self.weights.shape or self.values.ndim != 2:
            raise ValueError(
                f"values {self.values.shape} and weights {self.weights.shape} must be equal (n, K)"
            )

    @property
    def n(self) -> int:
        """The number of cases (rows)."""
        return self.values.shape[0]

    @property
    def available(self) -> np.ndarray:
        """Cases with a forecast (some positive weight)."""
        return self.weights.sum(axis=1) > 0

    @classmethod
    def from_draws(cls, draws: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> Predictive:
        """Equal-weight atoms from draws (n, D); NaN draws carry no weight (all NaN: no forecast)."""
        draws = np.atleast_2d(np.asarray(draws, dtype=float))
        ok = ~np.isnan(draws)
        count = ok.sum(axis=1, keepdims=True)
        weights = np.where(ok, 1.0 / np.maximum(count, 1), 0.0)
        values = np.clip(np.where(ok, draws, lo[:, None]), lo[:, None], hi[:, None])
        return cls(values, weights, lo, hi)

    @classmethod
    def point(cls, x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> Predictive:
        """A point mass per case at x (NaN: no forecast)."""
        return cls.from_draws(np.asarray(x, dtype=float)[:, None], lo, hi)

    @classmethod
    def atoms(
        cls, values: Sequence[np.ndarray], weights: Sequence[np.ndarray], lo: np.ndarray, hi: np.ndarray
    ) -> Predictive:
        """Ragged atoms per case (e.g. a simulator's branches), padded to one width with zero weights."""
        width = max([len(v) for v in values] + [1])
        vals, ws = np.tile(lo[:, None], (1, width)).astype(float), np.zeros((len(values), width))
        for i, (v, w) in enumerate(zip(values, weights, strict=True)):
            w = np.asarray(w, dtype=float)
            if len(v) and w.sum() > 0:
                vals[i, : len(v)] = np.clip(v, lo[i], hi[i])
                ws[i, : len(v)] = w / w.sum()
        return cls(vals, ws, lo, hi)

    def take(self, index: np.ndarray) -> Predictive:
        """The distributions of the cases at ``index`` (e.g. one cross-validation fold)."""
        return Predictive(self.values[index], self.weights[index], self.lo[index], self.hi[index])

    def sorted(self) -> tuple[np.ndarray, np.ndarray]:
        """Atoms and weights sorted by value per case (stable, so tied atoms keep their order)."""
        order = np.argsort(self.values, axis=1, kind="stable")
        return np.take_along_axis(self.values, order, axis=1), np.take_along_axis(self.weights, order, axis=1)

    def quantile(self, q: float | np.ndarray) -> np.ndarray:
        """Lower q-quantile per case, q one level or one per case (NaN where no forecast)."""
        v, w = self.sorted()
        cum = np.cumsum(w, axis=1)
        k = np.argmax(cum >= np.reshape(q, (-1, 1)) - 1e-12, axis=1)
        out = v[np.arange(self.n), k]
        return np.where(self.available, out, np.nan)

    def median(self) -> np.ndarray:
        """Lower median per case: the quantile that the point scores of a distribution use."""
        return self.quantile(0.5)

    def mean(self) -> np.ndarray:
        """Probability-weighted mean per case (NaN where no forecast)."""
        return np.where(self.available, (self.values * self.weights).sum(axis=1), np.nan)

    def cdf(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """F(y-) and F(y) per case: the mass strictly below y and at or below y."""
        tol = TOL * (self.hi - self.lo)[:, None]
        below = (self.weights * (self.values < y[:, None] - tol)).sum(axis=1)
        upto = (self.weights * (self.values <= y[:, None] + tol)).sum(axis=1)
        return below, upto

    def to_frame(self, model: str, issues: Sequence[str], proposals: Sequence[str]) -> pd.DataFrame:
        """The tidy long table: one row per (model, issue, atom) with positive weight."""
        i, k = np.nonzero(self.weights > 0)
        return pd.DataFrame(
            {
                "model": model,
                "issue": np.asarray(issues, dtype=object)[i],
                "proposal": np.asarray(proposals, dtype=object)[i],
                "atom": k,
                "value": self.values[i, k],
                "weight": self.weights[i, k],
            }
        )


def mixture(parts: Sequence[Predictive], weights: np.ndarray) -> Predictive:
    """Σ_p weights[:, p] · parts[p] per case; a part without a forecast on a case gets no weight there
    (the others are renormalised). weights: (n, P), rows need not be normalised."""
    avail = np.column_stack([p.available for p in parts])
    w = np.where(avail, weights, 0.0)
    total = w.sum(axis=1, keepdims=True)
    w = np.where(total > 0, w / np.where(total > 0, total, 1), 0.0)
    values = np.concatenate([p.values for p in parts], axis=1)
    atom_w = np.concatenate([p.weights * w[:, [j]] for j, p in enumerate(parts)], axis=1)
    first = parts[0]
    return Predictive(values, atom_w, first.lo, first.hi)


def conformal(
    point: np.ndarray, y: np.ndarray, folds: Sequence[np.ndarray], lo: np.ndarray, hi: np.ndarray
) -> Predictive:
    """Split-conformal predictive distributions of a point forecaster that fits nothing.

    For the cases of each held-out fold: the forecast plus every training-fold residual y - f
    (residuals rescaled to each case's range), clipped to the scale. This is the conformal
    predictive system of Vovk et al. (2017, "Nonparametric predictive distributions based on
    conformal prediction", PMLR 60) for a fixed point predictor; its central intervals are the
    conformal bands of :func:`accord.analysis.crossval.band` up to the (n+1) correction.
    """
    n = len(y)
    span = hi - lo
    unit = (y - point) / span
    width = max(n - len(f) for f in folds)
    values, weights = np.tile(lo[:, None], (1, width)).astype(float), np.zeros((n, width))
    for test in folds:
        train = np.setdiff1d(np.arange(n), test)
        r = unit[train][~np.isnan(unit[train])]
        for i in test:
            if np.isnan(point[i]) or r.size == 0:
                continue
            values[i, : r.size] = np.clip(point[i] + r * span[i], lo[i], hi[i])
            weights[i, : r.size] = 1.0 / r.size
    return Predictive(values, weights, lo, hi)
