"""`accord forecast` as data: which models run by default, the answer with its uncertainty, and its JSON.

The command line only prints what :func:`forecast` returns (or :func:`forecast_json` of it): the
default models come from the registry (every model tagged ``baseline``, and the negotiation
simulator -- tag ``agents`` -- when the scenario has a negotiation to simulate), and the draws feed
the answer block of :mod:`accord.analysis.summary` with Shapley shares as the pivotal actors (the
shares add up to the move from the status quo to the forecast; accord.analysis.pivotal).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..errors import UnsupportedScenario
from ..jsonable import jsonable
from ..models.base import Model
from ..models.registry import models_tagged
from ..scenario.schema import Issue, Scenario
from .summary import Summary, build_summary


def default_models(scenario: Scenario) -> list[str]:
    """Every baseline, and the simulator when the scenario has a negotiation to simulate.

    The baselines read from the stances alone come first (the compromise model, the median voter),
    then those anchored at the status quo (Nash bargaining, no change), each group by name: the
    columns go from the model that scores best on the DEU backtest to the null forecast."""
    from ..models import get_model

    baselines = sorted(
        models_tagged("baseline"), key=lambda name: ("needs-status-quo" in get_model(name).tags, name)
    )
    negotiators = models_tagged("agents") if scenario.negotiation is not None else []
    return baselines + negotiators


def shapley_pivotal(scenario: Scenario, model: Model, seed: int) -> pd.DataFrame:
    """The pivotal actors the answer block shows: each actor's Shapley share of the move."""
    from .pivotal import pivotal_actors

    return pivotal_actors(scenario, model, seed=seed, method=("shapley",))


def forecast(
    scenario: Scenario,
    names: list[str],
    seed: int = 0,
    draws: int = 500,
    whatif_draws: int = 200,
    chosen: str | None = None,
    mc_kwargs: dict[str, Any] | None = None,
) -> Summary:
    """Point forecasts of ``names`` and, with ``draws``, the answer block with intervals, deal
    probabilities, pivotal actors and what-ifs; UnsupportedScenario when no model can run it."""
    if chosen is not None and chosen not in names:
        names = [*names, chosen]
    summary = build_summary(
        scenario,
        names,
        seed,
        draws,
        whatif_draws,
        chosen,
        mc_kwargs=mc_kwargs,
        pivotal=shapley_pivotal if draws else None,
    )
    if not summary.results:
        raise UnsupportedScenario("; ".join(summary.skipped.values()))
    return summary


def forecast_json(summary: Summary) -> dict[str, Any]:
    """The forecast as JSON: per issue every model's point forecast (the first model's as
    ``forecast``), in the issue's unit where it declares one, and what the draws add."""
    sc, results = summary.scenario, summary.results
    first = next(iter(results))
    issues = []
    for iss in sc.issues:
        by_model = {m: r.forecast_of(iss.id) for m, r in results.items()}
        issues.append(
            {
                "issue": iss.id,
                "name": iss.name,
                "forecast": by_model[first],
                "by_model": by_model,
                "min": iss.min,
                "max": iss.max,
                "status_quo": iss.status_quo,
                **_units_json(iss, by_model),
            }
        )
    out = {
        "scenario": sc.name,
        "model": first,
        "models": list(results),
        "seed": summary.seed,
        "issues": issues,
        "skipped": summary.skipped,
    }
    return {**out, **(_uncertainty_json(summary) if summary.draws else {})}


def _uncertainty_json(summary: Summary) -> dict[str, Any]:
    """What the draws add: intervals and pivotal actors of the chosen model, the answer block."""
    out: dict[str, Any] = {
        "draws": summary.draws,
        "uncertainty_model": summary.chosen,
        "run_id": summary.chosen_mc.run_id if summary.chosen_mc is not None else None,
    }
    if summary.intervals is not None:
        out["intervals"] = summary.intervals[["issue", "median", "p10", "p90"]].to_dict(orient="records")
    if summary.pivotal is not None:
        top = summary.pivotal[summary.pivotal["rank"] <= 3].sort_values(["issue", "rank"])
        out["pivotal"] = top[["issue", "actor", "effect", "rank"]].to_dict(orient="records")
    if summary.deal is not None:
        out["p_agreement"] = summary.deal.p_any
        out["p_full_agreement"] = summary.deal.p_full
    out["answer"] = summary.to_json()
    return jsonable(out)


def _units_json(issue: Issue, by_model: dict[str, float]) -> dict[str, Any]:
    """The forecasts in the issue's declared unit (nothing without a unit)."""
    if issue.unit is None:
        return {}
    out: dict[str, Any] = {"unit": issue.unit.model_dump(mode="json", exclude_none=True)}
    out["in_units"] = {m: issue.in_units(x) for m, x in by_model.items()}
    if issue.unit.per_point is not None:
        out["value_in_units"] = {m: issue.unit.value(x) for m, x in by_model.items()}
    return out


__all__ = ["default_models", "forecast", "forecast_json", "shapley_pivotal"]
