"""The ensemble's pure parts: reading a fitted weights file and one component's predictive distribution.

The mixture itself is :class:`accord.models.ensemble.model.Ensemble`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import ParameterError, UnsupportedScenario
from ...scenario.schema import Scenario
from ..base import Model

REQUIRED_KEYS = ("components", "features", "alpha", "beta", "center", "scale", "residuals", "levels")


def load_weights(path: str | Path) -> dict[str, Any]:
    """A weights file written by ``accord ensemble-fit``, checked."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ParameterError(
            f"ensemble: cannot read weights file {path}: {exc}; allowed: a JSON file "
            "written by "
            "`accord ensemble-fit`"
        ) from None
    missing = [k for k in REQUIRED_KEYS if not isinstance(data, dict) or k not in data]
    if missing:
        raise ParameterError(
            f"ensemble: weights file {path} lacks {', '.join(missing)}; allowed: a JSON "
            "file "
            "written by `accord ensemble-fit`"
        )
    k = len(data["components"])
    if len(data["alpha"]) != k or len(data["beta"]) != k:
        raise ParameterError(
            f"ensemble: weights file {path}: alpha and beta need one entry per component ({k})"
        )
    levels = data["levels"]
    if not (isinstance(levels, list) and len(levels) == 3 and all(_level(v) for v in levels)):
        raise ParameterError(
            f"ensemble: weights file {path}: levels is {levels!r}; allowed: the central levels (each in "
            "[0, 1]) of the 50, 80 and 95% intervals, as `accord ensemble-fit` calibrates them"
        )
    return data


def _level(v: Any) -> bool:
    """A central interval level: a number in [0, 1] (not a bool)."""
    return isinstance(v, int | float) and not isinstance(v, bool) and 0.0 <= v <= 1.0


def component(
    model: Model, scenario: Scenario, arrays: Any, draws: int, noise: Any, rng: np.random.Generator
) -> tuple[Any, np.ndarray]:
    """One model's predictive distribution per issue and its point forecast (NaN where it cannot run)."""
    from ...analysis import predictive
    from ...analysis.distributions import Predictive
    from ...analysis.montecarlo import perturb

    lo, hi = arrays.lo.astype(float), arrays.hi.astype(float)
    nan = np.full(arrays.n_issues, np.nan)
    try:
        result = model.run(scenario, rng)
    except UnsupportedScenario:
        return Predictive.point(nan, lo, hi), nan
    forecast = result.forecast.set_index("issue").loc[list(arrays.issues), "forecast"].to_numpy(dtype=float)
    how = predictive.kind(model)
    if how == "static":
        return Predictive.from_draws(
            predictive.static_draws(model, arrays, draws, noise, rng), lo, hi
        ), forecast
    if how == "stochastic":
        out = model.run_batch(scenario, perturb(arrays, predictive.STOCHASTIC_DRAWS, noise, rng), rng)
        return Predictive.from_draws(np.asarray(out.forecast, dtype=float).T, lo, hi), forecast
    stated = [predictive.branches(result, issue) for issue in arrays.issues]
    values = [s[0] if s is not None else forecast[i : i + 1] for i, s in enumerate(stated)]
    weights = [s[1] if s is not None else np.ones(1) for s in stated]
    return Predictive.atoms(values, weights, lo, hi), forecast
