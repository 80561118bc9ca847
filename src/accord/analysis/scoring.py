"""Proper scores of predictive distributions, point scores, and paired bootstrap comparisons.

All distribution scores are negatively oriented (lower is better) and computed on the weighted
atoms of a :class:`~accord.analysis.distributions.Predictive` exactly:

- **CRPS** from ``scoringrules`` (``crps_ensemble`` with member weights, the quantile-decomposition
  estimator, which equals E|X - y| - E|X - X'|/2 of the weighted empirical distribution; Gneiting &
  Raftery 2007, JASA 102:359, section 4.2). On the issue's own scale (DEU: points of 0-100).
- **Log score on a fixed grid**: the scale cut into ``GRID_BINS`` equal bins (DEU: 5 points wide),
  the forecast's probability of the bin the outcome falls in, mixed with a uniform over the bins
  at weight ``FLOOR`` so that a forecast which rules the outcome out costs a finite
  -log(FLOOR / GRID_BINS) = 7.6 nats instead of infinity. Mixing in a fixed distribution keeps the
  score proper (it is the log score of the mixed forecast); binned log ("ignorance") scores are
  how the VIEWS 2023/24 conflict prediction challenge scores distributions beside the CRPS (Hegre
  et al. 2024, arXiv:2407.11045).
- **Coverage** of the central 50/80/95% intervals (lower quantiles at (1-c)/2 and (1+c)/2, ends
  included), or of the central intervals a forecaster reports as those (the ensemble's are at
  conformally calibrated levels, :func:`accord.analysis.ensemble.calibrated_levels`).
- **PIT histogram**, the non-randomised version for discrete and mixed forecasts (Czado, Gneiting
  & Held 2009, Biometrics 65:1254, eq. 2): flat at 1/bins when calibrated.

Point scores (MAE, median absolute error, RMSE, hits within 5 and 10 points) score the model's own
point forecast. Model comparisons are paired and resample proposals, not issues (issues of one
proposal share actors and politics): :func:`paired_bootstrap`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scoringrules as sr
from scipy.stats import norm

from .distributions import Predictive

GRID_BINS = 20
FLOOR = 0.01
LEVELS = (0.5, 0.8, 0.95)
PIT_BINS = 10
BOOTSTRAP = 2000
ALPHA, POWER = 0.05, 0.80


def crps(p: Predictive, y: np.ndarray) -> np.ndarray:
    """CRPS per case (NaN where no forecast), via scoringrules."""
    ok = p.available
    w = np.where(ok[:, None], p.weights, 1.0)  # rows without a forecast get a dummy, then NaN
    out = np.asarray(sr.crps_ensemble(y, p.values, ens_w=w, estimator="qd", backend="numpy"), dtype=float)
    return np.where(ok, out, np.nan)


def grid_bin(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, bins: int = GRID_BINS) -> np.ndarray:
    """Bin index of x on [lo, hi] cut into ``bins`` equal bins; the top edge belongs to the last bin.

    The 1e-9 keeps a value coded exactly on an edge (e.g. 50 on a 0-100 scale) in the upper bin
    whatever the rounding of the division.
    """
    u = (x - lo) / (hi - lo) * bins
    return np.clip(np.floor(u + 1e-9), 0, bins - 1).astype(int)


def log_score(p: Predictive, y: np.ndarray, bins: int = GRID_BINS, floor: float = FLOOR) -> np.ndarray:
    """-log P(bin of y) under the forecast mixed with a uniform over the bins at weight ``floor``."""
    b_atoms = grid_bin(p.values, p.lo[:, None], p.hi[:, None], bins)
    b_y = grid_bin(y, p.lo, p.hi, bins)
    mass = (p.weights * (b_atoms == b_y[:, None])).sum(axis=1)
    out = -np.log((1 - floor) * mass + floor / bins)
    return np.where(p.available, out, np.nan)


def interval(p: Predictive, level: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The central ``level`` interval per case (one level, or one per case), from the lower quantiles
    at its two ends."""
    level = np.asarray(level, dtype=float)
    return p.quantile((1 - level) / 2), p.quantile((1 + level) / 2)


def covered(p: Predictive, y: np.ndarray, level: float | np.ndarray) -> np.ndarray:
    """1.0 where y lies in the central ``level`` interval (ends included, within 1e-9 of the range).

    Every model's coverage is counted this way; what differs is only which central interval a model
    reports as its nominal one (``reported`` in :func:`case_scores`)."""
    lo, hi = interval(p, level)
    tol = 1e-9 * (p.hi - p.lo)
    out = ((lo - tol <= y) & (y <= hi + tol)).astype(float)
    return np.where(p.available, out, np.nan)


def pit_histogram(p: Predictive, y: np.ndarray, bins: int = PIT_BINS) -> np.ndarray:
    """Share of PIT mass per bin of [0, 1]: the mean over cases of the PIT's uniform spread on
    [F(y-), F(y)]."""
    ok = p.available
    below, upto = p.cdf(y)
    a, b = below[ok][:, None], upto[ok][:, None]
    u = np.linspace(0, 1, bins + 1)[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = np.where(u >= b, 1.0, np.where(u <= a, 0.0, (u - a) / (b - a)))
    if not ok.any():
        return np.full(bins, np.nan)
    spread[:, 0], spread[:, -1] = 0.0, 1.0  # a PIT of exactly 0 (or 1) belongs to the first (last) bin
    return np.diff(spread.mean(axis=0))


def point_errors(forecast: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Absolute error per case."""
    return np.abs(forecast - y)


def point_scores(forecast: np.ndarray, y: np.ndarray) -> dict[str, float | int | None]:
    """n, MAE, median absolute error, RMSE and hit rates within 5 and 10 points (inclusive)."""
    err = point_errors(forecast, y)
    err = err[~np.isnan(err)]
    if err.size == 0:
        return {"n": 0, "mae": None, "medae": None, "rmse": None, "within5": None, "within10": None}
    return {
        "n": int(err.size),
        "mae": float(err.mean()),
        "medae": float(np.median(err)),
        "rmse": float(np.sqrt(np.mean(err**2))),
        "within5": float(np.mean(err <= 5 + 1e-9)),
        "within10": float(np.mean(err <= 10 + 1e-9)),
    }


def case_scores(p: Predictive, y: np.ndarray, reported: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Per-case CRPS and log score (for paired comparisons) and interval hits.

    ``reported`` (n, len(LEVELS)): the central level whose interval a forecaster reports as each
    nominal one (the ensemble's conformally calibrated levels); None = the nominal levels."""
    out = {"crps": crps(p, y), "log_score": log_score(p, y)}
    for j, level in enumerate(LEVELS):
        out[f"coverage{round(100 * level)}"] = covered(p, y, level if reported is None else reported[:, j])
    return out


def distribution_scores(p: Predictive, y: np.ndarray, reported: np.ndarray | None = None) -> dict[str, Any]:
    """Mean CRPS, log score, coverages (of the ``reported`` intervals, see :func:`case_scores`) and
    the PIT histogram over the cases with a forecast."""
    per = case_scores(p, y, reported)
    out: dict[str, Any] = {k: _mean(v) for k, v in per.items()}
    out["pit"] = [round(float(v), 4) for v in pit_histogram(p, y)] if p.available.any() else None
    return out


def _mean(v: np.ndarray) -> float | None:
    v = v[~np.isnan(v)]
    return float(v.mean()) if v.size else None


def cluster_sums(diff: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-group sums and counts of the finite differences."""
    ok = ~np.isnan(diff)
    _, inverse = np.unique(groups[ok].astype(str), return_inverse=True)
    return np.bincount(inverse, weights=diff[ok]), np.bincount(inverse).astype(float)


def resampled_means(sums: np.ndarray, counts: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Mean difference per bootstrap resample; draws (B, groups) = how often each group is drawn."""
    return (draws @ sums) / (draws @ counts)


def paired_bootstrap(
    diff: np.ndarray,
    groups: np.ndarray,
    rng: np.random.Generator,
    resamples: int = BOOTSTRAP,
    level: float = 0.95,
) -> dict[str, float] | None:
    """Mean paired difference, its percentile bootstrap interval and the smallest detectable difference.

    Proposals are resampled with replacement (a cluster bootstrap: Cameron, Gelbach & Miller 2008,
    Rev. Econ. Stat. 90:414), and each resample's statistic is the mean over the issues it holds.
    The detectable difference is the minimum detectable effect (z_{1-a/2} + z_power) x SE at a = 5%
    two-sided and 80% power (Bloom 1995, Evaluation Review 19:547), SE the bootstrap standard error:
    a true difference smaller than that is more likely than not to pass unnoticed on data this size.
    """
    sums, counts = cluster_sums(diff, groups)
    if counts.size < 2:
        return None
    g = counts.size
    draws = rng.multinomial(g, np.full(g, 1.0 / g), size=resamples).astype(float)
    stats = resampled_means(sums, counts, draws)
    se = float(stats.std(ddof=1))
    tail = (1 - level) / 2
    lo, hi = np.quantile(stats, [tail, 1 - tail])
    return {
        "diff": float(sums.sum() / counts.sum()),
        "lo": float(lo),
        "hi": float(hi),
        "se": se,
        "mde": float((norm.ppf(1 - ALPHA / 2) + norm.ppf(POWER)) * se),
        "groups": int(g),
    }
