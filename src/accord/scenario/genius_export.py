"""Write an accord scenario as a GENIUS folder (a domain file and one utility profile per party).

NegMAS reads such a folder as it is (``negmas.inout.Scenario.from_genius_folder``), and GENIUS 10
loads the files in its domain repository, so the ANAC agents can play accord's scenarios.

accord's utility of a point is linear additive (models/agents/utility.py): with normalised
saliences w_k, ``u(x) = 1 - sum_k w_k |x_k - ideal_k| / range_k = sum_k w_k e_k(x_k)`` with the
per-issue evaluator ``e_k(x) = 1 - |x - ideal_k| / range_k``. That is what the profiles hold: the
weights are the normalised saliences and each evaluator is ``e_k``. GENIUS issues are discrete or
linear, so an issue on a continuous scale is written as discrete levels: ``levels`` evenly spaced
points plus every party's ideal (so each evaluator reaches exactly 1, as GENIUS's normalisation by
the largest evaluation expects). A scenario read from GENIUS keeps its files' exact values, weights
and evaluators under ``models["genius"]``; they are written back as long as the party's stance still
agrees with them (same best value, same salience), so a round trip changes nothing.

A party that is not risk-neutral (``risk`` other than 1) has a utility ``1 - D ** risk`` that is
not additive; it is refused with a message naming the parameter.
"""

from __future__ import annotations

import math
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ScenarioError
from ..files import atomic_write_text
from .genius import KEY
from .genius_levels import best_level, levels_of, linear_ends
from .schema import Scenario

LEVELS = 11
TOL = 1e-9  # relative: a stance "still agrees" with a kept weight or best value up to rounding


def _fmt(x: float) -> str:
    """Whole numbers without a decimal point (GENIUS parses integer bounds as Java ints), others exactly."""
    x = float(x)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def _levels(scenario: Scenario, k: int, levels: int) -> np.ndarray:
    iss = scenario.issues[k]
    points = list(np.linspace(iss.min, iss.max, levels))
    for row in scenario.stances.values():
        st = row.get(iss.id)
        if st is not None:
            points.append(st.position)
    points.sort()
    span = iss.max - iss.min
    out = [points[0]]
    for p in points[1:]:
        if p - out[-1] > TOL * span:
            out.append(p)
    return np.array(out)


def _issue_plan(scenario: Scenario, levels: int) -> list[dict[str, Any]]:
    """Each issue as written: the kept GENIUS issue, or discrete levels of its scale."""
    kept = scenario.models.get(KEY, {}).get("issues", {})
    plan = []
    for k, iss in enumerate(scenario.issues):
        g = kept.get(iss.id)
        kept_levels = levels_of(g) if g and g.get("type") == "discrete" and g.get("values") else None
        if kept_levels and (iss.min, iss.max) == (kept_levels[0], kept_levels[-1]):
            plan.append(
                {
                    "name": g["name"],
                    "type": "discrete",
                    "values": list(g["values"]),
                    "points": np.array(kept_levels),
                }
            )
        elif g and g.get("type") in ("integer", "real") and _ends_only(scenario, iss.id, iss.min, iss.max):
            plan.append({"name": g["name"], "type": g["type"], "min": iss.min, "max": iss.max})
        else:
            points = _levels(scenario, k, levels)
            plan.append(
                {"name": iss.id, "type": "discrete", "values": [_fmt(p) for p in points], "points": points}
            )
        plan[-1]["id"] = iss.id
    names = [p["name"] for p in plan]
    for p in plan:  # GENIUS matches issues by name: make names unique
        if names.count(p["name"]) > 1:
            p["name"] = p["id"]
    return plan


def _ends_only(scenario: Scenario, iid: str, lo: float, hi: float) -> bool:
    return all(row[iid].position in (lo, hi) for row in scenario.stances.values() if iid in row)


def _profile(scenario: Scenario, actor: Any, plan: list[dict[str, Any]]) -> dict[str, Any]:
    """Weights, evaluators, reservation and discount of one party, as written."""
    if actor.params.get("risk", 1.0) != 1.0:
        raise ScenarioError(
            "a party that is not risk-neutral has no linear additive profile",
            location=f"actors.{actor.id}.params.risk",
            value=actor.params["risk"],
            allowed="1",
        )
    row = scenario.stances.get(actor.id, {})
    kept = scenario.models.get(KEY, {}).get("profiles", {}).get(actor.id, {})
    total = sum(st.salience for st in row.values())
    if total <= 0:
        raise ScenarioError(
            "a party with no salience on any issue has no profile",
            location=f"stances.{actor.id}",
            allowed="a salience above 0 on some issue",
        )
    weights, evaluators = {}, {}
    kw = kept.get("weights", {})
    kw_total = sum(kw.values())
    for p, iss in zip(plan, scenario.issues, strict=True):  # one plan entry per issue
        st = row.get(iss.id)
        w = st.salience / total if st else 0.0
        g_name = scenario.models.get(KEY, {}).get("issues", {}).get(iss.id, {}).get("name")
        if g_name in kw and kw_total > 0 and math.isclose(kw[g_name] / kw_total, w, rel_tol=TOL, abs_tol=TOL):
            w = kw[g_name]
        weights[p["name"]] = w
        ev = kept.get("evaluators", {}).get(g_name)
        if ev is not None and (st is None or _fits(p, ev, st.position)):  # no stance: any evaluator, weight 0
            evaluators[p["name"]] = ev
        elif p["type"] == "discrete":
            ideal = st.position if st else p["points"][0]
            span = iss.max - iss.min
            evaluators[p["name"]] = (
                [1.0 - abs(x - ideal) / span for x in p["points"]] if st else [1.0] * len(p["points"])
            )
        else:
            up = st is not None and st.position == iss.max
            evaluators[p["name"]] = {
                "utilityLowestValue": 0.0 if up else 1.0,
                "utilityHighestValue": 1.0 if up else 0.0,
            }
    out: dict[str, Any] = {"weights": weights, "evaluators": evaluators}
    for key in ("reservation", "discount"):
        value = actor.params.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isnan(value):
            out[key] = float(value)
    if "reservation" not in out and KEY not in scenario.models:
        out["reservation"] = _no_deal_utility(scenario, actor.id, weights, plan)
    return out


def _fits(p: dict[str, Any], ev: Any, position: float) -> bool:
    """Whether a kept evaluator still has the party's stance as its best value."""
    if p["type"] == "discrete":
        return isinstance(ev, list) and len(ev) == len(p["values"]) and best_level(p, ev) == position
    return (
        isinstance(ev, dict)
        and best_level(p, ev) == position
        and linear_ends(p, ev)[0] != linear_ends(p, ev)[1]
    )


def _no_deal_utility(
    scenario: Scenario, aid: str, weights: dict[str, float], plan: list[dict[str, Any]]
) -> float:
    """What no agreement is worth to the party in accord's terms: its utility of the no-deal point."""
    from ..models.agents.setup import no_deal_point  # models import the scenario package, not the reverse

    point = no_deal_point(scenario)
    total = sum(weights.values())
    u = 0.0
    for p, iss, x in zip(plan, scenario.issues, point, strict=True):
        st = scenario.stances[aid].get(iss.id)
        if st is not None:
            u += weights[p["name"]] / total * (1.0 - abs(x - st.position) / (iss.max - iss.min))
    return round(u, 12)


def _objective(parent: ET.Element) -> ET.Element:
    return ET.SubElement(
        parent, "objective", index="0", description="", name="root", type="objective", etype="objective"
    )


def _issue_el(parent: ET.Element, p: dict[str, Any], k: int) -> ET.Element:
    el = ET.SubElement(
        parent, "issue", name=p["name"], index=str(k), etype=p["type"], type=p["type"], vtype=p["type"]
    )
    if p["type"] == "integer":
        el.set("lowerbound", _fmt(p["min"]))
        el.set("upperbound", _fmt(p["max"]))
    return el


def domain_xml(plan: list[dict[str, Any]]) -> str:
    """The GENIUS domain file (the issues and their values or bounds) of an issue plan."""
    root = ET.Element("negotiation_template")
    space = ET.SubElement(root, "utility_space", number_of_issues=str(len(plan)))
    obj = _objective(space)
    for k, p in enumerate(plan, start=1):
        el = _issue_el(obj, p, k)
        if p["type"] == "discrete":
            for j, v in enumerate(p["values"], start=1):
                ET.SubElement(el, "item", index=str(j), value=v, cost="0", description="")
        elif p["type"] == "real":
            ET.SubElement(el, "range", lowerbound=_fmt(p["min"]), upperbound=_fmt(p["max"]))
    return _text(root)


def profile_xml(plan: list[dict[str, Any]], prof: dict[str, Any]) -> str:
    """One party's GENIUS utility profile file: weights, evaluators, reservation and discount."""
    root = ET.Element("utility_space")
    obj = _objective(root)
    for k, p in enumerate(plan, start=1):
        el = _issue_el(obj, p, k)
        ev = prof["evaluators"][p["name"]]
        if p["type"] == "discrete":
            # a kept evaluator of a party without a stance is not length-checked (_profile): zip as before
            for j, (v, e) in enumerate(zip(p["values"], ev, strict=False), start=1):
                ET.SubElement(el, "item", index=str(j), value=v, evaluation=_fmt(e))
        else:
            if p["type"] == "real":
                ET.SubElement(el, "range", lowerbound=_fmt(p["min"]), upperbound=_fmt(p["max"]))
            if p["type"] == "real" and "parameter0" not in ev:
                lo, hi = linear_ends(p, ev)
                slope = (hi - lo) / (p["max"] - p["min"])
                ev = {"parameter0": lo - slope * p["min"], "parameter1": slope}
            ET.SubElement(el, "evaluator", {"ftype": "linear", **{a: _fmt(v) for a, v in ev.items()}})
    for k, p in enumerate(plan, start=1):
        ET.SubElement(obj, "weight", index=str(k), value=_fmt(prof["weights"][p["name"]]))
    if "discount" in prof:
        ET.SubElement(root, "discount_factor", value=_fmt(prof["discount"]))
    if "reservation" in prof:
        ET.SubElement(root, "reservation", value=_fmt(prof["reservation"]))
    return _text(root)


def _text(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_folder(scenario: Scenario, folder: str | os.PathLike[str], levels: int = LEVELS) -> list[Path]:
    """Write the domain (``<scenario name>.xml``) and one profile per party (``<actor id>.xml``)."""
    folder = Path(folder)
    plan = _issue_plan(scenario, levels)
    kept = scenario.models.get(KEY, {})
    domain = kept.get("domain", scenario.name)
    names = {
        a.id: Path(kept.get("profiles", {}).get(a.id, {}).get("file", f"{a.id}.xml")).name
        for a in scenario.actors
        if a.id in scenario.stances
    }
    if f"{domain}.xml" in names.values():
        domain = f"{domain}-domain"
    texts = {f"{domain}.xml": domain_xml(plan)}
    for a in scenario.actors:
        if a.id in names:
            texts[names[a.id]] = profile_xml(plan, _profile(scenario, a, plan))
    return [atomic_write_text(folder / name, text) for name, text in texts.items()]
