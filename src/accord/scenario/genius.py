"""GENIUS negotiation domains and linear additive utility profiles, in and out.

GENIUS (Lin et al. 2014, "Genius: an integrated environment for supporting the design of generic
automated negotiators", Computational Intelligence 30(1)) and NegMAS keep a negotiation as a folder
of XML files: one *domain* file (root ``negotiation_template``) listing the issues under a root
``objective``, and one *utility profile* per party (root ``utility_space``) giving each issue a
``weight`` and an *evaluator*, plus an optional ``reservation`` value and ``discount_factor``:

- a ``discrete`` issue lists ``item`` values; the profile gives each an ``evaluation`` (GENIUS
  divides by the issue's largest evaluation, so only ratios matter);
- an ``integer`` issue has ``lowerbound``/``upperbound``; its evaluator is linear, given either as
  ``utilityLowestValue``/``utilityHighestValue`` (GENIUS 6 onwards) or ``slope``/``offset``;
- a ``real`` issue has a ``range``; its ``linear`` evaluator is ``parameter1 * x + parameter0``.

The format is documented with GENIUS (its user guide, "Creating a domain and preference profile")
and in NegMAS's ``negmas.inout`` module; the element and attribute names here were checked against
the files NegMAS 0.16 writes and reads. Anything else (constraint or hyper-rectangle "nonlinear"
spaces, nested objectives, non-linear evaluator functions) is refused with a message naming the
construct: accord's utilities are linear additive (see models/agents/utility.py).

In accord each profile becomes an actor (capability 1) whose stance on an issue is its best value
(the first of equally good ones) and whose salience is its weight's share x 100 (an issue of
weight 0 is one it takes no stance on); a discrete issue whose values are increasing numbers
keeps them as its scale (so an exported accord scale comes back as it was), any other becomes the
levels 0 .. k-1 labelled by its values; ``reservation`` and ``discount`` become agent parameters.
The exact values, weights and evaluators are kept under ``scenario.models["genius"]`` so that a
round trip GENIUS -> accord -> GENIUS gives back every weight and evaluation (reading: read_folder;
writing: export.py).
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from ..errors import ScenarioError
from .genius_levels import best_level, levels_of, numeric_levels
from .schema import Scenario
from .validate import scenario_from_data

KEY = "genius"
KINDS = ("discrete", "integer", "real")
INTEGER_FORMS = (("utilityLowestValue", "utilityHighestValue"), ("slope", "offset"))
REAL_FORM = ("parameter0", "parameter1")


def parse_xml(text: str, file: str) -> ET.Element:
    """The root of an XML text; malformed XML gives one ScenarioError naming the line and column."""
    try:
        return ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        line, col = exc.position
        raise ScenarioError(
            f"not well-formed XML ({str(exc).split(':')[0]})",
            file=file,
            location=f"line {line}, column {col + 1}",
        ) from None


def is_genius(root: ET.Element) -> bool:
    """Whether an XML root is a GENIUS domain or profile (not, say, a KTAB scenario)."""
    return root.tag in ("negotiation_template", "utility_space")


def _number(el: ET.Element, attr: str, file: str, where: str) -> float:
    raw = el.get(attr)
    try:
        value = float("" if raw is None else raw)  # a missing attribute is not a number either
    except (TypeError, ValueError):
        raise ScenarioError(
            "not a number", file=file, location=f"{where}@{attr}", value=raw, allowed="a finite number"
        ) from None
    if not math.isfinite(value):
        raise ScenarioError(
            "not a finite number", file=file, location=f"{where}@{attr}", value=raw, allowed="a finite number"
        )
    return value


def _objective(root: ET.Element, file: str) -> ET.Element:
    space = root if root.tag == "utility_space" else root.find("utility_space")
    if space is None:
        raise ScenarioError(
            "no utility_space element",
            file=file,
            location=root.tag,
            allowed="negotiation_template > utility_space > objective > issue",
        )
    if space.get("type", "").lower() in ("nonlinear", "constraint", "hyperrectangle"):
        raise ScenarioError(
            "a nonlinear utility space is not supported",
            file=file,
            location="utility_space@type",
            value=space.get("type"),
            allowed="a linear additive profile (issue weights and evaluators)",
        )
    for tag in ("ufun", "hyperRectangle", "constraint"):
        if space.find(f".//{tag}") is not None:
            raise ScenarioError(
                f"the nonlinear construct <{tag}> is not supported",
                file=file,
                location=f"utility_space > {tag}",
                allowed="a linear additive profile (issue weights and evaluators)",
            )
    objective = space.find("objective")
    if objective is None:
        raise ScenarioError(
            "no root objective",
            file=file,
            location="utility_space",
            allowed="utility_space > objective > issue ...",
        )
    if objective.find("objective") is not None:
        raise ScenarioError(
            "nested objectives (an objective tree) are not supported",
            file=file,
            location="utility_space > objective > objective",
            allowed="issues directly under the root objective",
        )
    return objective


def _kind(el: ET.Element, file: str, where: str) -> str:
    kind = (el.get("etype") or el.get("type") or "").lower()
    if kind not in KINDS:
        raise ScenarioError(
            "unsupported issue type",
            file=file,
            location=f"{where}@etype",
            value=kind or None,
            allowed=", ".join(KINDS),
        )
    return kind


def read_domain(root: ET.Element, file: str) -> list[dict[str, Any]]:
    """The issues of a domain file in order: name, GENIUS index, kind and values or bounds."""
    issues: list[dict[str, Any]] = []
    for k, el in enumerate(_objective(root, file).findall("issue"), start=1):
        name = (el.get("name") or "").strip()
        where = f"issue[{k}] ({name})"
        if not name:
            raise ScenarioError("an issue without a name", file=file, location=f"issue[{k}]@name")
        kind = _kind(el, file, where)
        issue: dict[str, Any] = {"name": name, "index": el.get("index", str(k)), "type": kind}
        if kind == "discrete":
            values = [item.get("value") for item in el.findall("item")]
            if len(values) < 2 or any(v is None for v in values):
                raise ScenarioError(
                    "a discrete issue needs two or more items, each with a value",
                    file=file,
                    location=where,
                    value=len(values),
                    allowed="<item value=...> x 2 or more",
                )
            if len(set(values)) < len(values):
                raise ScenarioError(
                    "repeated item value",
                    file=file,
                    location=where,
                    value=next(v for v in values if values.count(v) > 1),
                    allowed="distinct values",
                )
            issue["values"] = values
        else:
            bounds = el if kind == "integer" else el.find("range")
            if bounds is None:
                raise ScenarioError(
                    "a real issue needs a <range>",
                    file=file,
                    location=where,
                    allowed='<range lowerbound="..." upperbound="..."/>',
                )
            lo, hi = (_number(bounds, a, file, where) for a in ("lowerbound", "upperbound"))
            if not hi > lo:
                raise ScenarioError(
                    "upperbound must exceed lowerbound",
                    file=file,
                    location=where,
                    value=(lo, hi),
                    allowed="lowerbound < upperbound",
                )
            issue["min"], issue["max"] = lo, hi
        issues.append(issue)
    if not issues:
        raise ScenarioError(
            "the domain has no issues", file=file, location="objective", allowed="one or more <issue>"
        )
    if len({i["name"] for i in issues}) < len(issues):
        raise ScenarioError(
            "repeated issue name", file=file, location="objective", allowed="distinct issue names"
        )
    return issues


def read_profile(root: ET.Element, domain: list[dict[str, Any]], file: str) -> dict[str, Any]:
    """One party's weights, evaluators, reservation value and discount factor, checked against the domain."""
    objective = _objective(root, file)
    by_index = {i["index"]: i for i in domain}
    by_name = {i["name"]: i for i in domain}
    weights: dict[str, float] = {}
    for el in objective.findall("weight"):
        issue = by_index.get(el.get("index", ""))
        if issue is None:
            raise ScenarioError(
                "a weight for no issue of the domain",
                file=file,
                location="weight@index",
                value=el.get("index"),
                allowed=", ".join(by_index),
            )
        weights[issue["name"]] = _number(el, "value", file, f"weight[{el.get('index')}]")
        if weights[issue["name"]] < 0:
            raise ScenarioError(
                "a negative weight",
                file=file,
                location=f"weight[{el.get('index')}]@value",
                value=weights[issue["name"]],
                allowed="0 or more",
            )
    evaluators: dict[str, Any] = {}
    for k, el in enumerate(objective.findall("issue"), start=1):
        issue = by_name.get(el.get("name", "")) or by_index.get(el.get("index", ""))
        where = f"issue[{k}] ({el.get('name')})"
        if issue is None:
            raise ScenarioError(
                "an issue the domain does not have",
                file=file,
                location=where,
                value=el.get("name"),
                allowed=", ".join(by_name),
            )
        evaluators[issue["name"]] = _evaluator(el, issue, file, where)
    missing = [i["name"] for i in domain if i["name"] not in evaluators or i["name"] not in weights]
    if missing:
        raise ScenarioError(
            "issues without a weight or an evaluator",
            file=file,
            location="objective",
            value=missing,
            allowed="a <weight> and an <issue> evaluator for every issue",
        )
    if sum(weights.values()) <= 0:
        raise ScenarioError(
            "every weight is 0", file=file, location="weight", allowed="weights summing to more than 0"
        )
    profile: dict[str, Any] = {"weights": weights, "evaluators": evaluators}
    space = root if root.tag == "utility_space" else root.find("utility_space")
    for tag, key in (("reservation", "reservation"), ("discount_factor", "discount")):
        found = space.find(tag) if space is not None else None
        if found is not None:
            value = _number(found, "value", file, tag)
            if not 0 <= value <= 1:
                raise ScenarioError(
                    "out of range", file=file, location=f"{tag}@value", value=value, allowed="0 to 1"
                )
            profile[key] = value
    return profile


def _evaluator(el: ET.Element, issue: dict[str, Any], file: str, where: str) -> Any:
    """A discrete issue's evaluations (in the domain's value order), or a linear evaluator's numbers."""
    if issue["type"] == "discrete":
        given: dict[str, float] = {}
        for item in el.findall("item"):
            value = item.get("value")
            if value is None or value not in issue["values"]:
                raise ScenarioError(
                    "an item the domain does not list",
                    file=file,
                    location=where,
                    value=value,
                    allowed=", ".join(issue["values"]),
                )
            given[value] = _number(item, "evaluation", file, f"{where} item {value!r}")
            if given[value] < 0:
                raise ScenarioError(
                    "a negative evaluation",
                    file=file,
                    location=f"{where} item {value!r}",
                    value=given[value],
                    allowed="0 or more",
                )
        missing = [v for v in issue["values"] if v not in given]
        if missing:
            raise ScenarioError(
                "items without an evaluation",
                file=file,
                location=where,
                value=missing,
                allowed="an evaluation for every item",
            )
        if max(given.values()) <= 0:
            raise ScenarioError(
                "every evaluation is 0", file=file, location=where, allowed="some evaluation above 0"
            )
        return [given[v] for v in issue["values"]]
    ev = el.find("evaluator")
    if ev is None:
        raise ScenarioError(
            "no evaluator", file=file, location=where, allowed='<evaluator ftype="linear" ...>'
        )
    ftype = ev.get("ftype", "linear")
    if ftype != "linear":
        raise ScenarioError(
            f"the nonlinear evaluator function {ftype!r} is not supported",
            file=file,
            location=f"{where} > evaluator@ftype",
            value=ftype,
            allowed="linear",
        )
    forms = INTEGER_FORMS if issue["type"] == "integer" else (REAL_FORM,)
    for form in forms:
        if all(ev.get(a) is not None for a in form):
            return {a: _number(ev, a, file, f"{where} > evaluator") for a in form}
    raise ScenarioError(
        "a linear evaluator without its numbers",
        file=file,
        location=f"{where} > evaluator",
        allowed=" or ".join("/".join(f) for f in forms),
    )


def _actor_id(stem: str, taken: set[str]) -> str:
    base = re.sub(r"\s+", "_", stem.strip())[:60] or "party"
    name, k = base, 2
    while name in taken:
        name, k = f"{base}_{k}", k + 1
    taken.add(name)
    return name


def read_folder(folder: Path, domain_file: Path | None = None) -> Scenario:
    """A GENIUS folder (one domain file, any number of profiles beside it) as an accord scenario."""
    from .io import read_text  # io imports this module

    files = sorted(p for p in folder.glob("*.xml") if p.is_file())
    roots = {}
    for p in files:
        root = parse_xml(read_text(p), str(p))
        if is_genius(root):
            roots[p] = root
    domains = (
        [domain_file] if domain_file else [p for p, r in roots.items() if r.tag == "negotiation_template"]
    )
    if len(domains) != 1:
        raise ScenarioError(
            "a GENIUS folder needs exactly one domain file",
            file=str(folder),
            value=[p.name for p in domains],
            allowed="one <negotiation_template> file and its profiles",
        )
    dpath = domains[0]
    issues = read_domain(roots[dpath], str(dpath))
    profiles = {p: read_profile(r, issues, str(p)) for p, r in roots.items() if r.tag == "utility_space"}
    if len(profiles) < 1:
        raise ScenarioError(
            "no utility profiles beside the domain",
            file=str(folder),
            allowed="one <utility_space> file per party",
        )
    return to_scenario(dpath.stem, issues, {p.stem: prof for p, prof in profiles.items()}, str(dpath))


def to_scenario(
    name: str, issues: list[dict[str, Any]], profiles: dict[str, dict[str, Any]], file: str
) -> Scenario:
    """The accord scenario of a GENIUS domain and its profiles; the exact GENIUS values, weights and
    evaluators are kept under ``models["genius"]`` for the way back."""
    taken: set[str] = set()
    issue_ids: set[str] = set()
    ids = {i["name"]: _actor_id(i["name"], issue_ids) for i in issues}
    actors, stances, kept = [], {}, {}
    for stem, prof in profiles.items():
        aid = _actor_id(stem, taken)
        params = {k: prof[k] for k in ("reservation", "discount") if k in prof}
        actors.append(
            {"id": aid, "capability": 1.0, "params": params, "source": f"GENIUS profile {stem}.xml"}
        )
        total = sum(prof["weights"].values())
        stances[aid] = {
            ids[i["name"]]: {
                "position": best_level(i, prof["evaluators"][i["name"]]),
                "salience": 100.0 * prof["weights"][i["name"]] / total,
            }
            for i in issues
            if prof["weights"][i["name"]] > 0
        }  # weight 0: no stance
        kept[aid] = {"file": f"{stem}.xml", "weights": prof["weights"], "evaluators": prof["evaluators"]}
    data = {
        "name": name[:64],
        "title": f"GENIUS domain {name}",
        "source": f"imported from GENIUS files ({file})",
        "actors": actors,
        "stances": stances,
        "issues": [_issue(ids[i["name"]], i) for i in issues],
        "models": {
            KEY: {
                "domain": name,
                "issues": {ids[i["name"]]: _kept_issue(i) for i in issues},
                "profiles": kept,
            }
        },
    }
    return scenario_from_data(data, file)


def _issue(iid: str, issue: dict[str, Any]) -> dict[str, Any]:
    if issue["type"] == "discrete":
        levels = levels_of(issue)
        out = {
            "id": iid,
            "name": issue["name"],
            "min": levels[0],
            "max": levels[-1],
            "min_label": issue["values"][0],
            "max_label": issue["values"][-1],
        }
        if numeric_levels(issue["values"]) is None:
            out["description"] = "levels: " + ", ".join(f"{k} = {v}" for k, v in enumerate(issue["values"]))
        return out
    return {"id": iid, "name": issue["name"], "min": issue["min"], "max": issue["max"]}


def _kept_issue(issue: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"name": issue["name"], "type": issue["type"]}
    if issue["type"] == "discrete":
        out["values"] = issue["values"]
    return out
