"""Scenario patches: small YAML files that describe a variant of a scenario.

A patch names what changes, in the scenario's own vocabulary::

    name: doha-office-reopens
    description: The Taliban office in Doha reopens in mid-August under the agreed name.
    scenario: afghanistan-2013          # what it was written for (informative)
    remove_actors: [IND]                # actors dropped with their stances, relations, events
    remove_events: [office-closes]      # events dropped by id
    set:                                # dotted paths; list items addressed by their id
      stances.TAL.office.position: 60
      actors.USA.capability: 80
      channels.doha-office.open: true
      relations.USA,TAL.alignment: -0.4 # a relation by its two actors, in either order
      negotiation.no_deal.troops: 0
    add_events:                         # events in the scenario format (source fields kept)
      - {id: reopen, type: channel_open, channel: doha-office, date: 2013-08-15}

They are applied in that order: removals, then ``set``, then ``add_events``; the result must
validate as a scenario. News ingestion writes patches with only name, description and add_events.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..scenario.errors import ScenarioError
from ..scenario.io import parse_yaml
from ..scenario.schema import Scenario
from .edit import drop

VARIANTS = Path(__file__).with_name("variants")
_BY_ID = ("actors", "issues", "channels", "events")
_OPEN_DICTS = ("no_deal", "models", "params")  # containers where `set` may add new keys


class Patch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    description: str = ""
    scenario: str | None = None
    source: str | None = None
    remove_actors: list[str] = Field(default_factory=list)
    remove_events: list[str] = Field(default_factory=list)
    set: dict[str, Any] = Field(default_factory=dict)
    add_events: list[dict[str, Any]] = Field(default_factory=list)
    file: str | None = Field(default=None, exclude=True, description="Where it was read from.")


def shipped_patches() -> dict[str, Path]:
    """Patch name -> file for the variants shipped with accord."""
    return {p.stem: p for p in sorted(VARIANTS.glob("*.yaml"))}


def load_patch(ref: str | Path) -> Patch:
    """A patch from a file path, or a shipped variant by name."""
    path = Path(ref)
    if not path.is_file():
        shipped = shipped_patches()
        if str(ref) not in shipped:
            raise ScenarioError("no such patch file or shipped variant", value=str(ref),
                                allowed="a YAML file path or one of " + ", ".join(shipped))
        path = shipped[str(ref)]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read the patch: {exc}", file=str(path)) from None
    data = parse_yaml(text, str(path))  # the scenario's limits and YAML checks apply to patches too
    if not isinstance(data, dict):
        raise ScenarioError("a patch is a mapping with name, description, set, add_events, ...", file=str(path))
    try:
        return Patch(**data, file=str(path))
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ScenarioError(err["msg"], file=str(path), location=".".join(map(str, err["loc"])),
                            allowed=", ".join(f for f in Patch.model_fields if f != "file")) from None


def apply_patch(scenario: Scenario, patch: Patch | dict[str, Any]) -> Scenario:
    """The variant: ``scenario`` with the patch's removals, settings and added events."""
    if isinstance(patch, dict):
        try:
            patch = Patch(**patch)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise ScenarioError(err["msg"], location=".".join(map(str, err["loc"]))) from None
    try:
        if patch.remove_actors:
            scenario = drop(scenario, actors=patch.remove_actors)
    except ScenarioError as exc:
        raise exc.with_file(patch.file or patch.name) from None
    data = scenario.model_dump(mode="json")  # unset (None) fields stay addressable by `set`
    known_events = [e.get("id") for e in data["events"] if e.get("id")]
    for k, event_id in enumerate(patch.remove_events):
        if event_id not in known_events:
            raise _error(patch, f"remove_events.{k}", "unknown event id", event_id, ", ".join(known_events))
    data["events"] = [e for e in data["events"] if e.get("id") not in set(patch.remove_events)]
    for path, value in patch.set.items():
        _set(data, path, value, patch)
    data["events"] += patch.add_events
    try:
        variant = Scenario.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])
        first_added = len(data["events"]) - len(patch.add_events)
        if loc[:1] == ["events"] and len(loc) > 1 and isinstance(loc[1], int) and loc[1] >= first_added:
            loc = ["add_events", loc[1] - first_added, *loc[2:]]  # point at the patch's own list
        raise _error(patch, ".".join(map(str, loc)), f"the variant is not a valid scenario: {err['msg']}", None, None) from None
    return variant


def _set(data: dict[str, Any], path: str, value: Any, patch: Patch) -> None:
    where = f"set.{path}"
    parts = path.split(".")
    node: Any = data
    for depth, part in enumerate(parts[:-1]):
        node = _child(node, part, parts[depth - 1] if depth else "", patch, where, value)
    leaf, parent = parts[-1], parts[-2] if len(parts) > 1 else ""
    if isinstance(node, list):
        raise _error(patch, where, "a path must end on a field, not on a list item", value, None)
    if leaf not in node and parent not in _OPEN_DICTS and parent != _stance_parent(parts):
        raise _error(patch, where, f"no field {leaf!r} here", value, ", ".join(map(str, node)))
    node[leaf] = value


def _stance_parent(parts: list[str]) -> str:
    """``stances.A.i`` may create a new stance (value {position, salience})."""
    return parts[1] if len(parts) == 3 and parts[0] == "stances" else "\0"


def _child(node: Any, part: str, parent: str, patch: Patch, where: str, value: Any) -> Any:
    if isinstance(node, dict):
        if part not in node:
            if parent == "stances":
                allowed = ", ".join(node)
                raise _error(patch, where, f"no stances for {part!r}", value, allowed)
            raise _error(patch, where, f"no {part!r} here", value, ", ".join(map(str, node)))
        return node[part]
    if parent in _BY_ID:
        for item in node:
            if item.get("id") == part:
                return item
        ids = [str(item.get("id")) for item in node if item.get("id")]
        raise _error(patch, where, f"no {parent[:-1]} with id {part!r}", value, ", ".join(ids))
    if parent == "relations":
        pair = set(part.split(","))
        for item in node:
            if set(item["actors"]) == pair:
                return item
        pairs = [",".join(item["actors"]) for item in node]
        raise _error(patch, where, f"no relation between {part!r}", value, ", ".join(pairs))
    raise _error(patch, where, f"cannot address {part!r} inside {parent!r}", value, None)


def _error(patch: Patch, location: str, message: str, value: Any, allowed: str | None) -> ScenarioError:
    return ScenarioError(message, file=patch.file or f"patch {patch.name}", location=location, value=value,
                         allowed=allowed)
