"""The backtest's table: every predictor's point and distribution scores and its paired difference
to the compromise model, with a bootstrap interval and the smallest difference the data can detect.

The reference is the compromise model (the capability x salience weighted mean) with its conformal
predictive distribution (:data:`accord.analysis.ensemble_fit.CONFORMAL`): point scores are compared
with the weighted mean's forecast, distribution scores with that distribution, which is the
strongest honest distribution the compromise model has (its own input-noise Monte Carlo is far too
narrow to be a fair reference). Differences are paired per issue and resampled by proposal
(:func:`accord.analysis.scoring.paired_bootstrap`); negative = better than the compromise model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import scoring
from .distributions import Predictive

COMPARED = ("mae", "crps", "log_score")


def per_case(
    forecast: np.ndarray, dist: Predictive | None, y: np.ndarray, reported: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Per-case scores of one model (absolute error, and CRPS etc. with a distribution) for paired
    comparison; ``reported``: the levels of its intervals (:func:`accord.analysis.scoring.case_scores`)."""
    out = {"mae": scoring.point_errors(forecast, y)}
    if dist is not None:
        out.update(scoring.case_scores(dist, y, reported))
    return out


def score_row(
    forecast: np.ndarray, dist: Predictive | None, y: np.ndarray, reported: np.ndarray | None = None
) -> dict[str, Any]:
    """Point scores of ``forecast``; with a distribution, its CRPS, log score, coverages, PIT and the
    mean predicted mass of its 80% interval (above 0.8 where atoms sit on the interval's ends, unless
    the interval's level was calibrated: ``reported``, as in :func:`per_case`)."""
    row: dict[str, Any] = scoring.point_scores(forecast, y)
    if dist is not None:
        row.update(scoring.distribution_scores(dist, y, reported))
        at80 = 0.8 if reported is None else reported[:, scoring.LEVELS.index(0.8)]
        lo, hi = scoring.interval(dist, at80)
        tol = 1e-9 * (dist.hi - dist.lo)[:, None]
        inside = (dist.values >= lo[:, None] - tol) & (dist.values <= hi[:, None] + tol)
        mass = (dist.weights * inside).sum(axis=1)[dist.available]
        row["mass80"] = float(mass.mean()) if mass.size else None
    return row


def compare(
    rows: Sequence[dict[str, Any]],
    cases: Sequence[dict[str, np.ndarray]],
    reference: int,
    groups: np.ndarray,
    rng: np.random.Generator,
) -> dict[str, float | None]:
    """Add ``vs_reference`` (per metric: diff, 95% interval, se, detectable difference) to every row
    but the reference; returns the median detectable difference per metric over the rows."""
    ref = cases[reference]
    mdes: dict[str, list[float]] = {m: [] for m in COMPARED}
    for k, (row, per) in enumerate(zip(rows, cases, strict=True)):
        if k == reference:
            continue
        out = {}
        for metric in COMPARED:
            if metric in per and metric in ref:
                result = scoring.paired_bootstrap(per[metric] - ref[metric], groups, rng)
                if result is not None:
                    out[metric] = {
                        key: round(v, 4) if isinstance(v, float) else v for key, v in result.items()
                    }
                    mdes[metric].append(result["mde"])
        if out:
            row["vs_reference"] = out
    return {m: (float(np.median(v)) if v else None) for m, v in mdes.items()}
