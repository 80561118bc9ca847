"""The answer first: will there be a deal by the deadline, with whom, when, on what terms.

Built from the public outputs of a Monte Carlo run of a negotiation model (``agents``): per draw,
whether any agreement was reached (``agreement``), whether every required party signed
(``full_agreement``), its round, and the forecast (the agreed terms, or the no-deal outcome). The
draws fall into branches -- full agreement, a partial deal without some required party, no deal --
and each branch is summarised on its own (probability, date, terms), because the median of a
two-branch outcome describes neither branch (issue 13). Where the engine also reports who signed
in each draw (``extra["signed"]``, a draws x actors boolean matrix; or ``extra["coalition"]``, one
label per draw, "" for none) the deals are split per coalition; where it reports why there was no
full agreement (``extra["failure"]``: a cause per draw, or an index into the engine's ``CAUSES``),
the answer lists the causes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..scenario.schema import Scenario
from .montecarlo import QUANTILES, MonteCarloResult
from .patch import load_patch, shipped_patches

NEAR_POINT = 0.025  # a draw within 2.5% of the range of the point forecast "lands near" it


@dataclass
class Branch:
    """One kind of outcome of the negotiation, with its share of the draws."""

    key: str  # "full", "partial", "none", or a coalition label
    label: str
    p: float
    n: int
    when: dict[str, Any] = field(default_factory=dict)  # round/date p10, median, p90 (deals only)
    terms: dict[str, tuple[float, float, float]] = field(default_factory=dict)  # issue -> (p10, median, p90)
    causes: dict[str, float] = field(default_factory=dict)  # failure cause -> share (no deal, if reported)


@dataclass
class DealAnswer:
    """What the Monte Carlo draws say about the deal: the branch probabilities and, per branch, its terms."""

    model: str
    draws: int
    required: list[str]
    branches: list[Branch]
    seeded: dict[str, Any] | None = None  # the seeded run's outcome (parties, date, reason)
    by_coalition: bool = False
    failure_causes: dict[str, float] = field(default_factory=dict)  # share of draws without a full agreement

    def branch(self, key: str) -> Branch | None:
        """The branch with this key (full, partial, none or a coalition label); None when no draw ended
        there."""
        return next((b for b in self.branches if b.key == key), None)

    @property
    def p_full(self) -> float:
        """P(every required party signs by the deadline)."""
        if not self.by_coalition:
            b = self.branch("full")
            return b.p if b else 0.0
        return sum(
            x.p for x in self.branches if x.key != "none" and set(self.required) <= set(x.key.split("+"))
        )

    @property
    def p_any(self) -> float:
        """P(some agreement, full or partial, by the deadline): one minus the no-deal branch."""
        none = self.branch("none")
        return 1.0 - (none.p if none else 0.0)


def _when(scenario: Scenario, rounds: np.ndarray) -> dict[str, Any]:
    rounds = rounds[~np.isnan(rounds)]
    if not rounds.size:
        return {}
    out: dict[str, Any] = {}
    for name in ("p10", "median", "p90"):
        r = int(round(float(np.quantile(rounds, QUANTILES[name]))))
        out[f"round_{name}"] = r
        date = scenario.date_of(r)
        if date is not None:
            out[f"date_{name}"] = date.isoformat()
    return out


def _terms(issues: Sequence[str], forecasts: np.ndarray) -> dict[str, tuple[float, float, float]]:
    q = np.quantile(forecasts, [0.1, 0.5, 0.9], axis=0)
    return {iss: (float(q[0, k]), float(q[1, k]), float(q[2, k])) for k, iss in enumerate(issues)}


def deal_answer(
    scenario: Scenario, mc: MonteCarloResult, seeded: dict[str, Any] | None = None
) -> DealAnswer | None:
    """Branches of a negotiation model's Monte Carlo, or None for a model without agreement outputs."""
    if "agreement" not in mc.extra:
        return None
    n = len(mc.forecasts)
    agreed = np.asarray(mc.extra["agreement"], dtype=bool)
    full = np.asarray(mc.extra.get("full_agreement", agreed), dtype=bool) & agreed
    rounds = np.asarray(mc.extra.get("agreement_round", np.full(n, np.nan)), dtype=float)
    neg = scenario.negotiation
    required = list(neg.required) if neg and neg.required else scenario.actor_ids
    seeded_without = [
        a for a in required if seeded and seeded.get("agreement") and a not in seeded.get("parties", [])
    ]
    masks: list[tuple[str, str, np.ndarray]] = []
    labels = coalition_labels(scenario, mc.extra)
    if labels is not None:
        for label, _ in Counter(labels[agreed]).most_common():
            members = label.split("+")
            missing = [a for a in required if a not in members]
            text = f"{', '.join(members)} sign" + (
                f" without {', '.join(missing)}" if missing else " (all required)"
            )
            masks.append((label, text, agreed & (labels == label)))
    else:
        masks.append(("full", f"full agreement ({', '.join(required)} all sign)", full))
        partial = "partial deal (not every required party signs)"
        if seeded and seeded_without:  # (seeded_without is empty without a seeded run)
            partial += (
                f"; who signs, in the seeded run: {', '.join(seeded['parties'])}, without "
                f"{', '.join(seeded_without)} (per-draw signatories are not reported by this engine)"
            )
        masks.append(("partial", partial, agreed & ~full))
    masks.append(("none", "no deal by the deadline", ~agreed))
    branches = []
    for key, label, mask in masks:
        b = Branch(key, label, float(mask.mean()) if n else 0.0, int(mask.sum()))
        if b.n:
            b.terms = _terms(mc.issues, mc.forecasts[mask])
            if key != "none":
                b.when = _when(scenario, rounds[mask])
        branches.append(b)
    answer = DealAnswer(mc.meta.get("model", "?"), n, required, branches, seeded, labels is not None)
    if "failure" in mc.extra:
        causes = failure_names(mc.extra["failure"])
        not_full = causes != ""
        if labels is not None:
            not_full &= ~np.array([set(required) <= set(x.split("+")) for x in labels])
        else:
            not_full &= ~full
        if not_full.any():
            answer.failure_causes = {c: k / n for c, k in Counter(causes[not_full]).most_common()}
    return answer


def coalition_labels(scenario: Scenario, extra: dict[str, np.ndarray]) -> np.ndarray | None:
    """Per draw, who signed ("USA+AFG+NAT", "" for no deal), where the engine reports it."""
    if "signed" in extra:
        signed = np.asarray(extra["signed"], dtype=bool)
        if signed.ndim == 2 and signed.shape[1] == len(scenario.actors):
            actors = np.array(scenario.actor_ids, dtype=object)
            return np.array(["+".join(actors[row]) for row in signed], dtype=object)
    if "coalition" in extra:
        return np.asarray(extra["coalition"]).astype(str).astype(object)
    return None


def failure_names(failure: np.ndarray) -> np.ndarray:
    """Failure causes as names ("" for a full agreement): the engine's labels, or its indices into
    ``accord.models.agents.explain.CAUSES`` (-1 for a full agreement)."""
    failure = np.asarray(failure)
    if failure.dtype.kind in "iu":
        try:
            from ..models.agents.explain import CAUSES as known

            causes: tuple[str, ...] = known
        except ImportError:
            causes = ()
        return np.array(
            ["" if k < 0 else (causes[k] if k < len(causes) else f"cause {k}") for k in failure], dtype=object
        )
    return failure.astype(str).astype(object)


def point_in_interval(point: float, draws: np.ndarray, lo: float, hi: float, span: float) -> str | None:
    """None when the point forecast lies in its own interval; else why it does not."""
    tol = 1e-9 * max(span, 1.0)
    if lo - tol <= point <= hi + tol:
        return None
    near = float(np.mean(np.abs(draws - point) <= NEAR_POINT * span)) if draws.size else 0.0
    side = "below" if point < lo else "above"
    if near < 0.1:
        return (
            f"the point forecast {point:.1f} lies {side} its 80% interval {lo:.1f}-{hi:.1f}: only "
            f"{near:.0%} of the "
            f"{draws.size} perturbed draws land near it, so the model's outcome jumps under small changes "
            "of the "
            "inputs and the unperturbed run is one branch of several"
        )
    return (
        f"the point forecast {point:.1f} lies {side} its 80% interval {lo:.1f}-{hi:.1f} although {near:.0%} "
        "of the "
        f"{draws.size} draws land near it: the noise pushes the outcome one way more often than the other"
    )


def scenario_variants(scenario: Scenario) -> list[str]:
    """The shipped what-if variants written for this scenario (their ``scenario:`` field)."""
    return [name for name, path in shipped_patches().items() if load_patch(path).scenario == scenario.name]


def whatif_effects(comparison: Any, scenario: Scenario) -> list[dict[str, Any]]:
    """Per variant: P(full), P(any) and their paired change from the base, per-branch term shifts,
    ranked by how much the variant moves the answer (the deal probabilities first)."""
    base = comparison.extra["base"]
    b_any = np.asarray(base["agreement"], dtype=bool)
    b_full = np.asarray(base.get("full_agreement", b_any), dtype=bool) & b_any
    span = np.array([i.max - i.min for i in scenario.issues])
    rows = []
    for name in comparison.names[1:]:
        ex = comparison.extra[name]
        v_any = np.asarray(ex["agreement"], dtype=bool)
        v_full = np.asarray(ex.get("full_agreement", v_any), dtype=bool) & v_any
        f, f0 = comparison.forecasts[name], comparison.forecasts["base"]
        shifts = {}
        for k, iss in enumerate(comparison.issues):
            per = {}
            for label, m, m0 in (
                ("full", v_full, b_full),
                ("partial", v_any & ~v_full, b_any & ~b_full),
                ("none", ~v_any, ~b_any),
            ):
                if m.any():
                    per[label] = (
                        float(np.median(f0[m0, k])) if m0.any() else None,
                        float(np.median(f[m, k])),
                    )
            shifts[iss] = per
        moved = float(np.mean(np.abs(np.median(f, axis=0) - np.median(f0, axis=0)) / span))
        rows.append(
            {
                "variant": name,
                "p_full": float(v_full.mean()),
                "p_any": float(v_any.mean()),
                "d_full": float(v_full.mean() - b_full.mean()),
                "d_any": float(v_any.mean() - b_any.mean()),
                "terms": shifts,
                "score": abs(v_full.mean() - b_full.mean()) + abs(v_any.mean() - b_any.mean()) + moved,
                "base_full": float(b_full.mean()),
                "base_any": float(b_any.mean()),
            }
        )
    return sorted(rows, key=lambda r: -r["score"])


def deal_curves(
    scenario: Scenario, extra: dict[str, np.ndarray], rounds: np.ndarray
) -> dict[str, np.ndarray]:
    """One curve of agreement rounds per kind of deal beside "any": each coalition when the engine reports
    who signed, else the full agreement and the partial deal, so a climb to 100% is not read as a peace
    deal. Label -> per-draw rounds, NaN where the draw's deal is of another kind (or none)."""
    agreed = np.asarray(extra["agreement"], dtype=bool)
    labels = coalition_labels(scenario, extra)
    if labels is not None:
        return {
            f"P({label.replace('+', ', ')} sign by then)": np.where(
                agreed & (labels == label), rounds, np.nan
            )
            for label in dict.fromkeys(labels[agreed])
        }
    full = np.asarray(extra.get("full_agreement", agreed), dtype=bool) & agreed
    return {
        "P(full agreement by then)": np.where(full, rounds, np.nan),
        "P(partial deal by then)": np.where(agreed & ~full, rounds, np.nan),
    }
