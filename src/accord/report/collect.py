"""Gather everything a report shows: model runs, Monte Carlo intervals, pivotal actors.

Analyses are optional at this layer: a model that cannot run the scenario, or an analysis that is
not installed or fails on it, becomes a note saying why its section is not available instead of
stopping the report.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import AccordError
from ..models import build_model, get_model, list_models
from ..models.base import Result
from ..scenario.schema import Scenario

AGENTS_TAG = "agents"


@dataclass
class ReportData:
    """The inputs of every report section; ``missing`` says why a section has nothing to show."""

    scenario: Scenario
    seed: int
    draws: int
    results: dict[str, Result] = field(default_factory=dict)
    intervals: dict[str, pd.DataFrame] = field(default_factory=dict)
    montecarlo: dict[str, Any] = field(default_factory=dict)
    pivotal: pd.DataFrame | None = None
    pivotal_model: str | None = None
    skipped: dict[str, str] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    summary: Any = None  # accord.analysis.summary.Summary: the answer block the report opens with
    interval_notes: list[str] = field(default_factory=list)  # points outside their own interval, and why
    trust: Any = None  # accord.analysis.calibration.Trust: the backtest record behind "how far to trust this"

    @property
    def agents_model(self) -> str | None:
        """The first model run that simulates negotiating parties (it has an agreement curve)."""
        return next((m for m in self.results if AGENTS_TAG in get_model(m).tags), None)


def default_models() -> list[str]:
    """The models a report runs by default: every registered model."""
    return list(list_models())


def _analysis(module: str, function: str):
    """An analysis function, or None while that analysis is not part of this installation."""
    try:
        return getattr(importlib.import_module(f"accord.analysis.{module}"), function)
    except (ImportError, AttributeError):
        return None


def collect(
    scenario: Scenario,
    models: list[str] | None = None,
    draws: int = 100,
    seed: int = 0,
    answer_draws: int | None = None,
    whatif_draws: int = 200,
    chosen: str | None = None,
    record: dict[str, Any] | None = None,
) -> ReportData:
    """Run each model once and build the answer block (``answer_draws`` draws of the chosen model and
    of the negotiation model, the shipped what-ifs); then Monte Carlo per model (``draws``) and the
    pivotal actors of the chosen model (default weighted-mean; see accord.analysis.summary). The
    calibration section reads ``record`` (a checked backtest record), or the shipped one."""
    from ..analysis import calibration
    from ..analysis.summary import build_summary

    data = ReportData(scenario=scenario, seed=seed, draws=draws)
    n_answer = draws if answer_draws is None else answer_draws
    summary = build_summary(
        scenario,
        list(models or default_models()),
        seed,
        n_answer,
        whatif_draws,
        chosen,
        pivotal=_pivotal_all if n_answer else None,
    )
    data.summary = summary
    data.results, data.skipped = dict(summary.results), dict(summary.skipped)
    shown = [m for m in (summary.chosen, data.agents_model) if m]
    data.trust = calibration.trust(record or calibration.shipped_record(), shown, shipped=record is None)
    if not data.results:
        data.missing["forecast"] = "no model could run this scenario"
        return data
    _add_montecarlo(data)
    _add_interval_notes(data)
    _add_pivotal(data)
    return data


def _add_interval_notes(data: ReportData) -> None:
    from ..analysis.summary import interval_notes

    for name, mc in data.montecarlo.items():
        data.interval_notes += interval_notes(data.scenario, name, data.results[name], mc)


def _pivotal_all(scenario: Scenario, model: Any, seed: int) -> pd.DataFrame:
    from ..analysis.pivotal import pivotal_actors

    return pivotal_actors(scenario, model, seed=seed)


def _add_montecarlo(data: ReportData) -> None:
    monte_carlo = _analysis("montecarlo", "monte_carlo")
    reason = None
    if data.draws <= 0:
        reason = "Monte Carlo was switched off (--draws 0)"
    elif monte_carlo is None:
        reason = "Monte Carlo analysis (accord.analysis.montecarlo) is not available"
    if data.agents_model is None:
        data.missing["agreement"] = "no agents model was run (it needs the agents model, e.g. --model agents)"
    if reason:
        data.missing["intervals"] = reason
        data.missing.setdefault("agreement", reason)
        return
    reuse = {}
    if data.summary is not None:
        if data.summary.intervals is not None and data.summary.chosen_mc is not None:
            reuse[data.summary.chosen] = data.summary.chosen_mc
        if data.summary.deal_mc is not None and data.summary.deal is not None:
            reuse[data.summary.deal.model] = data.summary.deal_mc
    for name in data.results:
        if name in reuse:
            data.montecarlo[name] = reuse[name]
            data.intervals[name] = reuse[name].summary
            continue
        try:
            mc = monte_carlo(
                data.scenario, build_model(name, data.scenario), draws=data.draws, seed=data.seed
            )
        except AccordError as exc:
            data.skipped[f"{name} (Monte Carlo)"] = str(exc)
            continue
        data.montecarlo[name] = mc
        data.intervals[name] = mc.summary
    agents = data.agents_model
    if agents is not None and agreement_rounds(data) is None:
        data.missing["agreement"] = f"the {agents} model's Monte Carlo gave no agreement rounds"


def _agreement_rounds(mc: Any) -> np.ndarray | None:
    rounds = getattr(mc, "agreement_rounds", None)
    return None if rounds is None else np.asarray(rounds, dtype=float)


def agreement_rounds(data: ReportData) -> np.ndarray | None:
    """Per-draw agreement rounds of the agent model, when the report ran its Monte Carlo."""
    agents = data.agents_model
    return _agreement_rounds(data.montecarlo[agents]) if agents in data.montecarlo else None


def _add_pivotal(data: ReportData) -> None:
    """Pivotal actors of the chosen model (the answer block's), not of whichever model sorts first."""
    name = (
        data.summary.chosen
        if data.summary is not None and data.summary.chosen in data.results
        else next(iter(data.results))
    )
    if data.summary is not None and data.summary.pivotal is not None:
        data.pivotal, data.pivotal_model = data.summary.pivotal, name
        return
    pivotal_actors = _analysis("pivotal", "pivotal_actors")
    if pivotal_actors is None:
        data.missing["pivotal"] = "pivotal-actor analysis (accord.analysis.pivotal) is not available"
        return
    try:
        data.pivotal = pivotal_actors(data.scenario, build_model(name, data.scenario), seed=data.seed)
        data.pivotal_model = name
    except AccordError as exc:
        data.missing["pivotal"] = f"{name}: {exc}"
