"""The answer block: the bottom line of a scenario, in words, for the CLI and the report alike.

``build_summary`` runs what the answer needs -- every model once, the Monte Carlo of the chosen
model (intervals) and of the negotiation model (deal probabilities per branch), Shapley shares of
the chosen model (pivotal actors), the scenario's shipped what-if variants on the negotiation model
(paired draws) -- and ``Summary.sections`` turns it into headed lines, each saying which model and
how many draws its numbers come from. The pivotal and interval model defaults to ``weighted-mean``,
the model that scores best out of sample on the DEU III backtest (README, docs/explanation/backtest.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from ..models import build_model, get_model
from ..models.base import Result
from ..scenario.schema import Scenario
from .answer import DealAnswer, deal_answer, point_in_interval, scenario_variants, whatif_effects
from .disagree import disagreements
from .montecarlo import MonteCarloResult, monte_carlo
from .runner import run_each

DEFAULT_CHOSEN = "weighted-mean"
Section = tuple[str, list[str]]


def negotiation_models(names: list[str]) -> list[str]:
    """The models among ``names`` that simulate negotiating parties (tag ``agents``)."""
    return [n for n in names if "agents" in get_model(n).tags]


@dataclass
class Summary:
    """Everything the summary shows: the models' forecasts and, for the chosen model, its deal and
    intervals."""

    scenario: Scenario
    results: dict[str, Result]
    chosen: str | None = None  # the model of the intervals and the pivotal actors
    draws: int = 0
    intervals: pd.DataFrame | None = None
    chosen_mc: MonteCarloResult | None = None
    interval_notes: list[str] = field(default_factory=list)
    deal: DealAnswer | None = None
    deal_mc: MonteCarloResult | None = None
    pivotal: pd.DataFrame | None = None
    whatifs: list[dict[str, Any]] = field(default_factory=list)
    whatif_model: str | None = None
    whatif_draws: int = 0
    skipped: dict[str, str] = field(default_factory=dict)
    seed: int = 0

    @property
    def forecasts(self) -> dict[str, dict[str, float]]:
        """Point forecast per model and issue."""
        return {
            m: dict(zip(r.forecast["issue"], map(float, r.forecast["forecast"]), strict=True))
            for m, r in self.results.items()
        }

    def disagreements(self) -> list[dict[str, Any]]:
        """Issues where the models disagree, and why (accord.analysis.disagree)."""
        return disagreements(self.scenario, self.forecasts)

    def sections(self) -> list[Section]:
        """The titled sections of the summary, leaving out the empty ones."""
        out = [
            self._deal_section(),
            self._terms_section(),
            self._pivotal_section(),
            self._whatif_section(),
            self._disagree_section(),
        ]
        notes = list(self.interval_notes) + [f"{m}: not run ({why})" for m, why in self.skipped.items()]
        if notes:
            out.append(("Notes", notes))
        return [s for s in out if s[1]]

    # -- sections -------------------------------------------------------------------------------

    def _deadline(self) -> str:
        d = self.scenario.deadline
        if d is None:
            return "no deadline"
        r = self.scenario.deadline_round()
        return ", ".join(
            x for x in (d.date.isoformat() if d.date else None, f"round {r}" if r is not None else None) if x
        )

    def _deal_section(self) -> Section:
        title = f"Deal by the deadline ({self._deadline()})"
        if self.deal is None:
            why = (
                "the scenario has no `negotiation`"
                if self.scenario.negotiation is None
                else "no negotiation model was run (add -m agents)"
            )
            return title, [f"Not forecast: {why}; the terms below are where each issue ends up per model."]
        d = self.deal
        lines = [f"[{d.model}, {d.draws} draws]"]
        for b in d.branches:
            line = f"{b.label}: P = {b.p:.2f}"
            if b.when.get("date_median") or b.when.get("round_median") is not None:
                med = b.when.get("date_median", f"round {b.when.get('round_median')}")
                lo = b.when.get("date_p10", f"round {b.when.get('round_p10')}")
                hi = b.when.get("date_p90", f"round {b.when.get('round_p90')}")
                line += f"; likely {med} (80%: {lo} to {hi})"
            lines.append(line)
        if d.failure_causes:
            lines.append(
                "no full agreement because: "
                + ", ".join(f"{c} (P {p:.2f})" for c, p in d.failure_causes.items())
            )
        seeded = d.seeded or {}
        if seeded.get("reason"):
            lines.append(f"seeded run (seed {self.seed}): {seeded['reason']}")
        return title, lines

    def _terms_section(self) -> Section:
        lines = []
        deal_branches = [b for b in (self.deal.branches if self.deal else []) if b.n and b.p >= 0.05]
        for iss in self.scenario.issues:
            parts = []
            for b in deal_branches:
                lo, med, hi = b.terms[iss.id]
                name = {"full": "full deal", "partial": "partial deal", "none": "no deal"}.get(b.key, b.key)
                parts.append(f"{name} (P {b.p:.2f}): {iss.with_units(med)} [80% {lo:.1f}-{hi:.1f}]")
            others = [
                f"{m} {iss.with_units(f[iss.id], short=True)}"
                for m, f in self.forecasts.items()
                if not (self.deal and m == self.deal.model)
            ]
            lead = f"[{self.deal.model}] " if self.deal and deal_branches else ""
            rest = ("; models: " if parts else "models: ") + ", ".join(others) if others else ""
            lines.append(f"{iss.id}: {lead}" + "; ".join(parts) + rest)
        return "Likely terms per issue (scale position, its meaning in units)", lines

    def _reference(self) -> str:
        """Where the Shapley shares start (accord.analysis.pivotal): said as it is, since a scenario
        without a status quo starts them at mid-scale, not at any status quo."""
        known = [i.status_quo is not None for i in self.scenario.issues]
        if all(known):
            return "the status quo"
        return (
            "mid-scale (no status quo set)"
            if not any(known)
            else "the status quo (mid-scale where none is set)"
        )

    def _pivotal_section(self) -> Section:
        if self.pivotal is None or self.pivotal.empty:
            return "Most pivotal actors", []
        sh = self.pivotal[self.pivotal["method"] == "shapley"] if "method" in self.pivotal else self.pivotal
        span = {i.id: i.max - i.min for i in self.scenario.issues}
        weight = sh.assign(share=sh["effect"].abs() / sh["issue"].map(span))
        total = weight.groupby("actor")["share"].sum().sort_values(ascending=False)
        firsts = sh[sh["rank"] == 1].groupby("actor")["issue"].apply(list).to_dict()
        lines = [
            f"[{self.chosen}: Shapley share of the move from {self._reference()} to the forecast, in issue "
            "points; + towards the scale's max end]"
        ]
        for actor in total.index[:3]:
            rows = sh[sh["actor"] == actor].sort_values("effect", key=np.abs, ascending=False).head(3)
            moves = ", ".join(f"{r.issue} {r.effect:+.1f}" for r in rows.itertuples())
            first = firsts.get(actor, [])
            where = (
                f"most pivotal on {len(first)} of {len(span)} issues ({', '.join(first)})" if first else ""
            )
            lines.append(f"{actor}: {moves}" + (f"; {where}" if where else ""))
        return "Most pivotal actors", lines

    def _whatif_section(self) -> Section:
        if not self.whatifs:
            return "What-ifs that move the answer most", []
        lines = [f"[{self.whatif_model}, {self.whatif_draws} draws per variant on the base's draws]"]
        for w in self.whatifs[:3]:
            line = (
                f"{w['variant']}: P(full agreement) {w['base_full']:.2f} -> {w['p_full']:.2f} "
                f"({w['d_full']:+.2f}), "
                f"P(any deal) {w['base_any']:.2f} -> {w['p_any']:.2f} ({w['d_any']:+.2f})"
            )
            moved = _largest_term_shift(self.scenario, w["terms"])
            if moved:
                line += "; " + moved
            lines.append(line)
        return "What-ifs that move the answer most", lines

    def _disagree_section(self) -> Section:
        return "Where the models disagree, and why", [d["line"] for d in self.disagreements()]

    def to_json(self) -> dict[str, Any]:
        """The summary as JSON: its sections plus the structured deal, disagreements and what-ifs."""
        return {
            "sections": [{"title": t, "lines": ls} for t, ls in self.sections()],
            "deal": None
            if self.deal is None
            else {
                "model": self.deal.model,
                "draws": self.deal.draws,
                "p_full": self.deal.p_full,
                "p_any": self.deal.p_any,
                "branches": [b.__dict__ for b in self.deal.branches],
            },
            "disagreements": self.disagreements(),
            "whatifs": self.whatifs,
            "chosen_model": self.chosen,
        }


def _largest_term_shift(scenario: Scenario, terms: dict[str, dict[str, tuple]]) -> str:
    """The issue whose deal-branch median moves most, per branch, in words."""
    best = None
    for iss in scenario.issues:
        for branch, (before, after) in terms.get(iss.id, {}).items():
            if before is None or branch == "none":
                continue
            size = abs(after - before) / (iss.max - iss.min)
            if best is None or size > best[0]:
                best = (size, iss, branch, before, after)
    if best is None or best[0] < 0.02:
        return ""
    _, iss, branch, before, after = best
    return (
        f"{iss.id} in a {branch} deal {iss.with_units(before, short=True)} -> "
        f"{iss.with_units(after, short=True)}"
    )


def build_summary(
    scenario: Scenario,
    names: list[str],
    seed: int = 0,
    draws: int = 500,
    whatif_draws: int = 200,
    chosen: str | None = None,
    mc_kwargs: dict[str, Any] | None = None,
    pivotal: Callable[..., pd.DataFrame] | None = None,
) -> Summary:
    """Run everything the answer block needs (see the module docstring); ``draws`` 0 runs models only."""
    results, skipped = run_each(scenario, names, seed)
    chosen = chosen or (DEFAULT_CHOSEN if DEFAULT_CHOSEN in results else next(iter(results), None))
    summary = Summary(scenario, results, chosen, draws, skipped=skipped, seed=seed)
    if not draws or chosen is None:
        return summary
    how = dict(mc_kwargs or {})
    mc = monte_carlo(scenario, build_model(chosen, scenario), draws, seed, **how)
    summary.intervals, summary.chosen_mc = mc.summary, mc
    summary.interval_notes = interval_notes(scenario, chosen, results[chosen], mc)
    if pivotal is not None:
        summary.pivotal = pivotal(scenario, build_model(chosen, scenario), seed)
    negotiators = negotiation_models(list(results))
    if negotiators:
        model = negotiators[0]
        deal_mc = monte_carlo(scenario, build_model(model, scenario), draws, seed, **how)
        summary.deal_mc = deal_mc
        summary.deal = deal_answer(scenario, deal_mc, results[model].info.get("outcome"))
        summary.interval_notes += interval_notes(scenario, model, results[model], deal_mc)
        variants = scenario_variants(scenario)
        if variants and whatif_draws:
            from .whatif import compare

            comparison = compare(scenario, variants, build_model(model, scenario), whatif_draws, seed, **how)
            summary.whatifs = whatif_effects(comparison, scenario)
            summary.whatif_model, summary.whatif_draws = model, whatif_draws
    return summary


def interval_notes(scenario: Scenario, model: str, result: Result, mc: MonteCarloResult) -> list[str]:
    """A note for each issue whose point forecast lies outside its own 80% interval, saying why."""
    notes = []
    s = mc.summary.set_index("issue")
    for k, iss in enumerate(scenario.issues):
        # pandas-stubs type a .loc cell as any scalar; these columns are floats
        p10, p90 = float(cast(float, s.loc[iss.id, "p10"])), float(cast(float, s.loc[iss.id, "p90"]))
        why = point_in_interval(result.forecast_of(iss.id), mc.forecasts[:, k], p10, p90, iss.max - iss.min)
        if why:
            notes.append(f"{model}, {iss.id}: {why}")
    return notes
