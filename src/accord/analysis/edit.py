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
from ..scenario.schema import Scenario

_ACTOR_FIELDS = ("actor", "target")


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
    data["events"] = [e for e in data["events"] if _keeps(e, gone_a, gone_i, venues)]
    threats = {e.get("id") for e in data["events"] if e["type"] == "threat"}
    data["events"] = [e for e in data["events"] if "threat" not in e or e["threat"] in threats]
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


def _keeps(event: dict[str, Any], gone_a: set[str], gone_i: set[str], venues: set[str]) -> bool:
    if any(event.get(f) in gone_a for f in _ACTOR_FIELDS):
        return False
    if event.get("between") and gone_a & set(event["between"]):
        return False
    if event.get("issue") in gone_i:
        return False
    return event.get("channel") is None or event["channel"] in venues


def _check_known(ids: set[str], known: list[str], where: str) -> None:
    unknown = sorted(ids - set(known))
    if unknown:
        raise ScenarioError(f"unknown id {unknown[0]!r}", location=where, allowed=", ".join(known))
