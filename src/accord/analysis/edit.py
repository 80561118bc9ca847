"""Structural edits of a scenario: dropping actors or issues and everything that refers to them.

Removing an actor is more than deleting its row: its stances, relations, channel memberships,
required-party status and the events that name it must go too, or the scenario no longer
validates. Pivotal-actor analysis and what-if patches (``remove_actors``) share this one function.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from ..errors import ScenarioError
from ..scenario.events import EVENTS
from ..scenario.schema import Scenario


def drop(scenario: Scenario, actors: Iterable[str] = (), issues: Iterable[str] = ()) -> Scenario:
    """A copy of ``scenario`` without the given actors and issues (ids must exist)."""
    gone_a, gone_i = set(actors), set(issues)
    _check_known(gone_a, scenario.actor_ids, "remove_actors")
    _check_known(gone_i, scenario.issue_ids, "remove_issues")
    data = scenario.model_dump()
    data["actors"] = [a for a in data["actors"] if a["id"] not in gone_a]
    data["issues"] = [i for i in data["issues"] if i["id"] not in gone_i]
    for issue in data["issues"]:  # an issue's remaining controllers still have to sign
        if issue.get("controlled_by"):
            issue["controlled_by"] = [a for a in issue["controlled_by"] if a not in gone_a]
    data["stances"] = {
        a: {i: st for i, st in row.items() if i not in gone_i}
        for a, row in data["stances"].items()
        if a not in gone_a
    }
    data["stances"] = {a: row for a, row in data["stances"].items() if row}
    data["relations"] = [r for r in data["relations"] if not gone_a & set(r["actors"])]
    data["channels"] = [_channel(c, gone_a) for c in data["channels"]]
    data["channels"] = [c for c in data["channels"] if len(c["members"]) >= 2]
    venues = {c["id"] for c in data["channels"]}
    if data.get("negotiation"):
        neg = data["negotiation"]
        neg["required"] = [a for a in neg["required"] if a not in gone_a]
        neg["no_deal"] = {i: v for i, v in neg["no_deal"].items() if i not in gone_i}
        if neg.get("rule"):
            neg["rule"] = _rule(neg["rule"], gone_a)
    present = {"actor": {a["id"] for a in data["actors"]}, "issue": {i["id"] for i in data["issues"]}}
    data["events"] = _surviving(data["events"], dict(present, channel=venues))
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ScenarioError(
            f"removing {', '.join(sorted(gone_a | gone_i))} leaves an invalid scenario: {err['msg']}",
            location=".".join(str(p) for p in err["loc"]) or None,
        ) from None


def _rule(rule: dict[str, Any], gone: set[str]) -> dict[str, Any] | None:
    """A decision rule without the removed voters and veto players (None when no voter is left: the
    default rule, unanimity of the required parties, applies)."""
    listed = bool(rule.get("voters"))
    rule = dict(
        rule,
        voters={a: w for a, w in rule.get("voters", {}).items() if a not in gone},
        veto=[a for a in rule.get("veto", []) if a not in gone],
    )
    if rule.get("kind") == "all_of":
        rule["rules"] = [r for r in (_rule(sub, gone) for sub in rule.get("rules", [])) if r is not None]
        return rule if rule["rules"] else None
    if listed and not (rule["voters"] and sum(rule["voters"].values()) > 0):
        return None
    if rule.get("blocking_minority"):
        rule["blocking_minority"] = min(rule["blocking_minority"], len(rule["voters"]))
    return rule


def _channel(channel: dict[str, Any], gone: set[str]) -> dict[str, Any]:
    channel = dict(channel, members=[m for m in channel["members"] if m not in gone])
    if channel.get("host") in gone:
        channel["host"] = None
    return channel


def _surviving(events: list[dict[str, Any]], present: dict[str, set[str]]) -> list[dict[str, Any]]:
    """The events all of whose named ids still exist, read from each type's declared references: an
    event naming a removed actor, issue or venue goes, and so, in turn, does one naming an event that
    went (a threat's outcome with its threat)."""
    while True:
        named = {kind: set(ids) for kind, ids in present.items()}
        for e in events:
            named.setdefault(e["type"], set()).update([e["id"]] if e.get("id") else [])
        kept = [e for e in events if all(i in named.get(kind, ()) for _, kind, i in EVENTS.named_ids(e))]
        if len(kept) == len(events):
            return kept
        events = kept


def _check_known(ids: set[str], known: list[str], where: str) -> None:
    unknown = sorted(ids - set(known))
    if unknown:
        raise ScenarioError(f"unknown id {unknown[0]!r}", location=where, allowed=", ".join(known))
