"""What a backtest scores: cases with known outcomes, one predictor's forecasts over them, and the
point scores (split from backtest.py, which runs the models and the combinations)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..scenario.schema import Scenario
from .distributions import Predictive

INTERVAL_COLUMNS = ("lo80", "hi80")


class Case(Protocol):
    """One historical forecasting case: what a model is run on and the outcome it is scored against."""

    scenario: Scenario
    outcome: float
    proposal: str
    issue: str


@dataclass(frozen=True)
class Forecasts:
    """One model's forecasts over the cases: NaN where it did not run; bounds where it gives an 80%
    interval."""

    model: str
    forecast: np.ndarray
    lo80: np.ndarray | None = None
    hi80: np.ndarray | None = None
    skipped: int = 0  # cases the model could not run
    reason: str = ""  # why, for the first of them
    predictive: Predictive | None = None  # its predictive distribution per case (accord.analysis.predictive)
    levels: np.ndarray | None = None  # (n, 3): the central levels of its 50/80/95% intervals; None: nominal


def outcomes(cases: Sequence[Case]) -> np.ndarray:
    """The observed outcomes, in case order, as the float array the scores take."""
    return np.array([c.outcome for c in cases], dtype=float)


def groups(cases: Sequence[Case]) -> np.ndarray:
    """Each case's proposal: cases of one proposal are not independent, so folds and bootstraps group by
    it."""
    return np.array([c.proposal for c in cases], dtype=object)


def score(
    forecast: np.ndarray, outcome: np.ndarray, lo80: np.ndarray | None = None, hi80: np.ndarray | None = None
) -> dict[str, float | int | None]:
    """n, MAE, RMSE, share within 10 points and, given bounds, the share of outcomes inside them."""
    ok = ~np.isnan(forecast)
    err = forecast[ok] - outcome[ok]
    n = int(ok.sum())
    if n == 0:
        return {"n": 0, "mae": None, "rmse": None, "within10": None, "coverage80": None}
    out: dict[str, float | int | None] = {
        "n": n,
        "mae": float(np.mean(np.abs(err))),
        "rmse": float(np.sqrt(np.mean(err**2))),
        "within10": float(np.mean(np.abs(err) <= 10)),
        "coverage80": None,
    }
    if lo80 is not None and hi80 is not None:
        y = outcome[ok]
        out["coverage80"] = float(np.mean((lo80[ok] <= y) & (y <= hi80[ok])))
    return out


def midpoint(cases: Sequence[Case]) -> Forecasts:
    """The "always 50" baseline, generalised to the middle of each issue's scale."""
    mids = np.array([(c.scenario.issues[0].min + c.scenario.issues[0].max) / 2 for c in cases], dtype=float)
    return Forecasts("always-50", mids, predictive=Predictive.point(mids, *scale(cases)))


def scale(cases: Sequence[Case]) -> tuple[np.ndarray, np.ndarray]:
    """Each case's issue range (low, high)."""
    return (
        np.array([c.scenario.issues[0].min for c in cases], dtype=float),
        np.array([c.scenario.issues[0].max for c in cases], dtype=float),
    )
