"""Proposed scenario updates: coded events that map onto the scenario's own event types.

A venue closing or talks cut off -> channel_close; a threat -> threat; an accusation, rejection or
protest -> relation_change (worse); help, support, agreement -> relation_change (better); attacks
and coercion -> shock. Each proposed event keeps the sentence it came from in `source`. The result
is a patch file ({name, description, add_events}) for a person to review and apply with
`accord whatif`; nothing here changes a scenario.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable
from typing import Any

import yaml

from ..errors import ScenarioError
from ..files import atomic_write_text
from ..scenario.schema import Scenario
from .actors import words_of
from .coder import CodedEvent

RELATION_STEP = {
    "ACCUSE": -0.2,
    "REJECT": -0.1,
    "PROTEST": -0.1,
    "SANCTION": -0.2,
    "SUPPORT": 0.1,
    "AGREE": 0.1,
    "COOPERATE": 0.1,
    "AID": 0.1,
    "CONCEDE": 0.1,
}
CLOSING_CODES = ("160", "161", "164", "165", "166")
MIN_CONFIDENCE = 0.3


def _channel(scenario: Scenario, ev: CodedEvent) -> dict[str, Any] | None:
    """Where a closure happened: a named venue, else the pair, else the source's only venue."""
    said = set(words_of(ev.sentence))
    for ch in scenario.channels:
        names = {w for w in words_of(f"{ch.id.replace('-', ' ').replace('_', ' ')} {ch.name}") if len(w) > 3}
        if names & said:
            return {"channel": ch.id}
    if ev.target and ev.target != ev.source:
        return {"between": [ev.source, ev.target]}
    mine = [ch.id for ch in scenario.channels if ev.source in ch.members]
    return {"channel": mine[0]} if len(mine) == 1 else None


def scenario_event(scenario: Scenario, ev: CodedEvent) -> dict[str, Any] | None:
    """The scenario event a coded event proposes, or None when it maps to none."""
    if ev.source is None or ev.negated or ev.confidence < MIN_CONFIDENCE:
        return None
    other = ev.target if ev.target and ev.target != ev.source else None
    if ev.type == "SANCTION" and ev.cameo.startswith(CLOSING_CODES):
        where = _channel(scenario, ev)
        return None if where is None else {"type": "channel_close", **where}
    if ev.type == "THREATEN":
        out: dict[str, Any] = {"type": "threat", "actor": ev.source}
        if other:
            out["target"] = other
        return out
    if ev.type in ("ASSAULT", "COERCE") and not ev.hypothetical:
        return {"type": "shock", "actor": ev.source}
    if ev.type in RELATION_STEP and other and not ev.hypothetical:
        return {"type": "relation_change", "between": [ev.source, other], "by": RELATION_STEP[ev.type]}
    return None


def propose(scenario: Scenario, events: Iterable[CodedEvent]) -> dict[str, Any]:
    """The patch: one proposed event per distinct (kind, actors, venue), from its most confident sentence."""
    chosen: dict[tuple, tuple[CodedEvent, dict[str, Any], int]] = {}
    for ev in events:
        proposal = scenario_event(scenario, ev)
        if proposal is None:
            continue
        key = tuple((k, str(v)) for k, v in sorted(proposal.items()))
        best = chosen.get(key)
        if best is None or ev.confidence > best[0].confidence:
            chosen[key] = (ev, proposal, (best[2] + 1) if best else 1)
        else:
            chosen[key] = (best[0], best[1], best[2] + 1)
    add = []
    used = {e.id for e in scenario.events if e.id}  # ids are unique: a second ingest must not reuse them
    fresh = (f"ingest-{k}" for k in itertools.count(1) if f"ingest-{k}" not in used)
    for ev, proposal, count in chosen.values():
        item: dict[str, Any] = {"id": next(fresh), **proposal}
        if ev.date is not None and scenario.start is not None:
            item["date"] = ev.date.isoformat()
        else:
            item["round"] = 0
        note = f"{ev.type} coded from story {ev.story!r} (confidence {ev.confidence:.2f}"
        note += f"; seen in {count} sentences)" if count > 1 else ")"
        if item["type"] == "shock":
            note += "; set `issue` and `size` before applying"
        if ev.hypothetical:
            note += "; hypothetical"
        item["description"] = note
        item["source"] = ev.sentence
        add.append(item)
    patch = {
        "name": f"ingest-{scenario.name}",
        "description": (
            f"Scenario updates proposed by `accord ingest` from news ({len(add)} events). "
            "Review every event before applying it with `accord whatif`."
        ),
        "add_events": add,
    }
    check_patch(scenario, patch)
    return patch


def check_patch(scenario: Scenario, patch: dict[str, Any]) -> None:
    """Fail loudly if the proposed events would not validate against the scenario."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    data["events"] = list(data.get("events", [])) + patch["add_events"]
    try:
        Scenario.model_validate(data)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise ScenarioError(
            f"a proposed event does not fit the scenario: {exc}", location="add_events"
        ) from None


def write_patch(path: str | os.PathLike[str], patch: dict[str, Any]) -> None:
    """Write the patch atomically as YAML (readable, in the order a reviewer reads it)."""
    atomic_write_text(path, yaml.safe_dump(patch, sort_keys=False, allow_unicode=True, width=100))
