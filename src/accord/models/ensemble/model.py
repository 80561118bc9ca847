"""The distributional ensemble as a model: a fitted mixture of the other models and structural points.

Per issue it builds every component the weights file names (each model's predictive distribution
as in :mod:`accord.analysis.predictive`, the compromise model's conformal distribution from the
file's residuals, point masses at the status quo, the agenda actors' and the two largest camps'
positions, and a uniform over the scale), weighs them by the fitted gate of
:mod:`accord.analysis.ensemble` on the issue's pre-decision features, and forecasts the mixture's
median with its 50/80/95% intervals: the central intervals at the levels the fit calibrated
(:func:`accord.analysis.ensemble.calibrated_levels`; the nominal ones over-cover, the mixture having
atoms). The shipped weights (``weights.json`` beside this module) were
fitted on the DEU III development split (EU legislation; Arregui & Perarnaud 2021, CC BY 4.0) by
``accord ensemble-fit``; refit them on any DEU-format file the same way. EU legislative bargaining
is not a peace process: on other kinds of negotiation the weights are a prior, not a finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...scenario.arrays import ScenarioArrays
from ...scenario.schema import Scenario
from ..base import Model, Output, forecast_frame, history_frame
from ..params import PositiveInt
from ..registry import make_model, register
from .core import component, load_weights

SHIPPED = Path(__file__).with_name("weights.json")
LEVELS = ("50", "80", "95")  # the intervals' labels; the file's ``levels`` say which central ones they are


@register
class Ensemble(Model):
    """Mixture of the models' predictive distributions and structural point masses, fitted weights."""

    name: ClassVar[str] = "ensemble"
    tags: ClassVar[frozenset[str]] = frozenset({"stochastic", "multi-issue", "fitted"})
    summary: ClassVar[str] = (
        "distributional ensemble of the models and structural points (weights fitted on DEU III)"
    )
    extra_tables: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "weights": ("issue", "component", "weight"),
        "predictive": ("issue", "atom", "value", "weight"),
    }

    def __init__(self, weights: str = "", draws: PositiveInt = 64) -> None:
        self.weights = str(weights)
        self.draws = draws
        self._spec = load_weights(self.weights or SHIPPED)

    @classmethod
    def params_from_settings(cls, settings: Mapping[str, Any]) -> dict[str, Any]:
        """Scenario settings minus ``features`` (facts about the issues, read at run time)."""
        return {k: v for k, v in settings.items() if k != "features"}

    def run_once(self, scenario: Scenario, arrays: ScenarioArrays, rng: np.random.Generator) -> Output:
        """The fitted mixture of the components per issue: its median and 50/80/95% intervals."""
        from ...analysis import ensemble
        from ...analysis.distributions import Predictive, mixture
        from ...analysis.ensemble_fit import CONFORMAL
        from ...analysis.montecarlo import NoiseSpec

        m = arrays.n_issues
        lo, hi = arrays.lo.astype(float), arrays.hi.astype(float)
        spec = self._spec
        models = [c for c in spec["components"] if c != CONFORMAL and c not in ensemble.ANCHORS]
        parts: dict[str, Predictive] = {}
        point = None
        for name, child in zip(models, rng.spawn(len(models)), strict=True):
            if name == "always-50":
                parts[name] = Predictive.point((lo + hi) / 2, lo, hi)
                continue
            parts[name], forecast = component(
                make_model(name), scenario, arrays, self.draws, NoiseSpec(), child
            )
            if name == "weighted-mean":
                point = forecast
        if point is None:
            _, point = component(make_model("weighted-mean"), scenario, arrays, 1, NoiseSpec(), rng)
        residuals = np.asarray(spec["residuals"], dtype=float)
        conformal = np.clip(
            point[:, None] + residuals[None, :] * (hi - lo)[:, None], lo[:, None], hi[:, None]
        )
        parts[CONFORMAL] = Predictive.from_draws(
            np.where(np.isnan(point)[:, None], np.nan, conformal), lo, hi
        )
        rows = [ensemble.anchors(arrays, i) for i in range(m)]
        for j, name in enumerate(ensemble.ANCHORS):
            atoms = [r[j] for r in rows]
            parts[name] = Predictive.atoms(atoms, [np.ones(len(a)) for a in atoms], lo, hi)
        comps = [parts[c] for c in spec["components"]]
        x = np.array([ensemble.features(scenario, arrays, i) for i in range(m)])
        gate = ensemble.Gating(
            np.asarray(spec["alpha"], float),
            np.asarray(spec["beta"], float),
            np.asarray(spec["center"], float),
            np.asarray(spec["scale"], float),
            spec.get("penalty"),
        )
        mask = np.column_stack([p.available for p in comps])
        w = gate.weights(x, mask)
        mix = mixture(comps, w)
        columns = {"mean": mix.mean()}
        for label, level in zip(LEVELS, spec["levels"], strict=True):
            columns[f"lo{label}"], columns[f"hi{label}"] = (
                mix.quantile((1 - level) / 2),
                mix.quantile((1 + level) / 2),
            )
        table = forecast_frame(arrays, mix.median(), **columns)
        weights = pd.DataFrame(
            [
                (arrays.issues[i], c, float(w[i, j]))
                for i in range(m)
                for j, c in enumerate(spec["components"])
                if w[i, j] > 0
            ],
            columns=list(self.extra_tables["weights"]),
        )
        dist = mix.to_frame(self.name, arrays.issues, [scenario.name] * m).drop(columns=["model", "proposal"])
        return Output(
            history_frame(arrays, arrays.position[None]),
            table,
            tables={"weights": weights, "predictive": dist},
            info={"ensemble": {"fitted_on": spec.get("fitted_on", ""), "cases": spec.get("cases")}},
        )
