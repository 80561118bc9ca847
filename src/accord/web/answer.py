"""The dashboard's answer panel and its variants: the same answer as `accord forecast`, with figures.

The answer block is :func:`accord.analysis.summary.build_summary`, exactly what the CLI and the report
open with: the deal probabilities per coalition with their dates, the terms per branch in the issues'
units, the pivotal actors of the chosen model, the what-ifs that move the answer most and where the
models disagree. The figures are the report's (accord.report.figures), so the three faces show one
answer drawn one way. Variants travel as patches (accord.analysis.patch), the format of the shipped
what-ifs, so that a variant saved in the browser is a small, readable change and never a stale copy.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..analysis.answer import deal_curves
from ..analysis.patch import apply_patch, load_patch, shipped_patches
from ..analysis.pivotal import pivotal_actors
from ..analysis.summary import Summary, build_summary
from ..errors import ScenarioError, UnsupportedScenario
from ..jsonable import jsonable
from ..models import build_model
from ..models.base import Model
from ..report import figures
from ..scenario.examples import example_names
from ..scenario.schema import Scenario
from .reply import Reply, figure_json, json_reply, parse_scenario


def _pivotal(scenario: Scenario, model: Model, seed: int):
    """Shapley shares only, as `accord forecast` computes them (the other methods are the report's)."""
    return pivotal_actors(scenario, model, seed=seed, method=("shapley",))


def answer_figures(summary: Summary) -> dict[str, dict]:
    """The forecast with the intervals of every model that drew them, P(agreement) per coalition with
    the event timeline, and the pivotal actors."""
    sc = summary.scenario
    intervals = {}
    if summary.intervals is not None and summary.chosen:
        intervals[summary.chosen] = summary.intervals
    if summary.deal is not None and summary.deal_mc is not None:
        intervals[summary.deal.model] = summary.deal_mc.summary
    forecasts = {m: r.forecast for m, r in summary.results.items()}
    out = {"forecast": figures.forecast_figure(sc, forecasts, intervals)}
    mc = summary.deal_mc
    rounds = getattr(mc, "agreement_rounds", None)
    if summary.deal is not None and mc is not None and rounds is not None and "agreement" in mc.extra:
        rounds = np.asarray(rounds, dtype=float)
        events = summary.results[summary.deal.model].tables.get("events")
        out["agreement"] = figures.agreement_figure(sc, rounds, events, deal_curves(sc, mc.extra, rounds))
    if summary.pivotal is not None and not summary.pivotal.empty:
        out["pivotal"] = figures.pivotal_figure(summary.pivotal)
    return {k: figure_json(f) for k, f in out.items()}


def forecast(
    scenario: dict[str, Any], models: list[str], chosen: str, seed: int, draws: int, whatif_draws: int
) -> Reply:
    """The answer block for a scenario: ``chosen`` gives the intervals and pivotal actors, the models
    tagged ``agents`` among ``models`` the deal probabilities and the what-ifs."""
    sc = parse_scenario(scenario)
    names = list(dict.fromkeys([chosen, *models]))
    for name in names:
        build_model(name, sc)  # an unknown model or a bad parameter fails before any draw
    summary = build_summary(sc, names, seed, draws, whatif_draws, chosen, pivotal=_pivotal)
    if not summary.results:
        raise UnsupportedScenario("; ".join(summary.skipped.values()))
    intervals = {}
    if summary.intervals is not None and summary.chosen:
        intervals[summary.chosen] = summary.intervals.to_dict(orient="records")
    payload = {
        "answer": summary.to_json(),
        "models": list(summary.results),
        "skipped": summary.skipped,
        "draws": draws,
        "intervals": intervals,
        "figures": answer_figures(summary),
    }
    return json_reply(jsonable(payload))


def variants(name: str) -> Reply:
    """The shipped what-if patches written for the example ``name`` (every one when none names it)."""
    if name not in example_names():
        return json_reply({"detail": f"no shipped example {name[:80]!r}"}, 404)
    out = []
    for patch_name in shipped_patches():
        patch = load_patch(patch_name)
        if patch.scenario in (None, name):
            out.append(patch.model_dump(mode="json", exclude_none=True))
    return json_reply({"variants": out})


def patched(scenario: dict[str, Any], patch: dict[str, Any]) -> Reply:
    """A scenario with a patch applied, validated in full (errors name the patch's field)."""
    sc = parse_scenario(scenario)
    try:
        result = apply_patch(sc, {"name": "dashboard", **patch})
    except ScenarioError as exc:
        exc.where = ("body", "patch")  # type: ignore[attr-defined]
        raise
    return json_reply({"scenario": result.model_dump(mode="json", exclude_none=True)})
