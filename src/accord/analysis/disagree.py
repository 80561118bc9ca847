"""Where the models disagree, and why, in one line per issue.

The models answer different questions: the compromise model splits differences; the weighted
median is the position no weighted majority can beat (Black 1958); the Nash solution needs an
outcome every actor prefers to the status quo and stays there otherwise (Nash 1950); the dynamic
models (EUM, SMP, exchange) let actors who care less about an issue give way on it to those who
care more (Bueno de Mesquita 1994; Stokman & van Oosten 1994); the simulator returns the terms of
the deal it reaches, or the no-deal outcome. The explanation names the inputs behind each group
of models: the actors that the gap runs between, with their positions and saliences.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..scenario.schema import Scenario

THRESHOLD = 0.2  # a spread of 20% of the range or more counts as disagreement
DYNAMIC = ("eum", "smp", "exchange")


def _split(values: dict[str, float]) -> tuple[list[str], list[str]]:
    """Models below and above the largest gap between neighbouring forecasts."""
    order = sorted(values, key=lambda m: (values[m], m))
    gaps = [values[order[k + 1]] - values[order[k]] for k in range(len(order) - 1)]
    cut = int(np.argmax(gaps)) + 1
    return order[:cut], order[cut:]


def _relative_salience(scenario: Scenario, actor: str, issue: str) -> float:
    row = scenario.stances.get(actor, {})
    mean = np.mean([st.salience for st in row.values()]) if row else 0.0
    return float(row[issue].salience / mean) if issue in row and mean > 0 else 0.0


def _reason(scenario: Scenario, issue: str, models: list[str], x: float, towards_max: bool) -> str:
    iss = next(i for i in scenario.issues if i.id == issue)
    stances = {a: row[issue] for a, row in scenario.stances.items() if issue in row}
    parts = []
    if "status-quo" in models or "nash" in models:
        sq = iss.status_quo
        if sq is not None and "nash" in models and abs(x - sq) <= 1e-6 * (iss.max - iss.min) + 1e-9:
            caps = {a.id: a.capability for a in scenario.actors}
            w = np.array([caps[a] * st.salience for a, st in stances.items()])
            mean = (
                float(np.average([st.position for st in stances.values()], weights=w)) if w.sum() > 0 else sq
            )
            blockers = [
                a
                for a, st in stances.items()
                if abs(st.position - sq) <= 0.05 * (iss.max - iss.min) or (st.position - sq) * (mean - sq) < 0
            ]
            verb = "stands" if len(blockers) == 1 else "stand"
            who = f" ({', '.join(blockers)} {verb} at or beyond it)" if blockers else ""
            parts.append(
                f"nash stays at the status quo {sq:g}: no outcome leaves every party better off{who}"
            )
        if "status-quo" in models and sq is not None:
            parts.append(f"status-quo keeps {sq:g}")
    if "weighted-median" in models:
        at = [a for a, st in stances.items() if abs(st.position - x) < 1e-6]
        parts.append(
            "weighted-median sits at " + (f"{', '.join(at)}'s position" if at else "the median weight")
        )
    if "weighted-mean" in models:
        caps = {a.id: a.capability for a in scenario.actors}
        pulling = [a for a in stances if (stances[a].position > x) == towards_max] or list(stances)
        far = max(pulling, key=lambda a: caps[a] * stances[a].salience * abs(stances[a].position - x))
        parts.append(
            f"weighted-mean splits the differences ({far} at {stances[far].position:g} pulls it most)"
        )
    dyn = [m for m in models if m in DYNAMIC]
    if dyn:
        side = [
            a for a, st in stances.items() if (st.position > x) == towards_max or abs(st.position - x) < 1e-9
        ]
        other = [a for a in stances if a not in side]
        caps = {a.id: a.capability for a in scenario.actors}
        if side and other:
            winner = max(side, key=lambda a: caps[a] * _relative_salience(scenario, a, issue))
            giver = min(other, key=lambda a: _relative_salience(scenario, a, issue))
            won, g = stances[winner], stances[giver]
            less = ", less than on its other issues" if _relative_salience(scenario, giver, issue) < 1 else ""
            parts.append(
                f"{', '.join(dyn)} let {giver} (at {g.position:g}, salience {g.salience:g}{less}) give way "
                f"to {winner} (at {won.position:g}, salience {won.salience:g})"
            )
        else:
            parts.append(f"{', '.join(dyn)} follow the actors' bargaining")
    if "agents" in models:
        parts.append(
            "agents returns the terms of the deal the simulated parties strike (or the no-deal outcome)"
        )
    return "; ".join(parts)


def _span(lo: float, hi: float) -> str:
    return f"{lo:.0f}" if round(lo) == round(hi) else f"{lo:.0f}-{hi:.0f}"


def disagreements(
    scenario: Scenario, forecasts: dict[str, dict[str, float]], threshold: float = THRESHOLD
) -> list[dict[str, Any]]:
    """Issues on which the models' forecasts spread over ``threshold`` of the range: the two groups
    of models either side of the largest gap, their ranges, and why (the inputs behind each)."""
    out = []
    for iss in scenario.issues:
        values = {m: f[iss.id] for m, f in forecasts.items() if iss.id in f and np.isfinite(f[iss.id])}
        if len(values) < 2:
            continue
        span = iss.max - iss.min
        spread = max(values.values()) - min(values.values())
        if spread < threshold * span:
            continue
        low, high = _split(values)
        lo_x = float(np.median([values[m] for m in low]))
        hi_x = float(np.median([values[m] for m in high]))
        # The smaller group is the one that departs from the rest; its reason is the line's "why".
        # The smaller group is the one that departs from the rest; its reason is the line's "why"
        # (with groups of equal size, both reasons).
        small, rest, x, up = (high, low, hi_x, True) if len(high) < len(low) else (low, high, lo_x, False)
        rng = {
            k: (min(values[m] for m in g), max(values[m] for m in g))
            for k, g in (("small", small), ("rest", rest))
        }
        why = _reason(scenario, iss.id, small, x, towards_max=up)
        if len(high) == len(low):
            why += "; whereas " + _reason(
                scenario, iss.id, rest, hi_x if rest is high else lo_x, rest is high
            )
        out.append(
            {
                "issue": iss.id,
                "spread": spread,
                "models": small,
                "range": rng["small"],
                "others": rest,
                "others_range": rng["rest"],
                "why": why,
                "line": f"{iss.id}: {', '.join(small)} {_span(*rng['small'])} "
                f"vs the other models {_span(*rng['rest'])}: " + why,
            }
        )
    return sorted(out, key=lambda d: -d["spread"])
