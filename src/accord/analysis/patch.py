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

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import AccordError, ScenarioError
from ..scenario.schema import Scenario
from ..scenario.validate import error_from_validation
from ..scenario.yamltext import parse_yaml
from .edit import drop

VARIANTS = Path(__file__).with_name("variants")
_BY_ID = ("actors", "issues", "channels", "events")
_OPEN_DICTS = ("no_deal", "models", "params")  # containers where `set` may add new keys


class Patch(BaseModel):
    """A what-if patch: changes to a scenario (removals, settings, added events), validated in full."""

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
            raise ScenarioError(
                "no such patch file or shipped variant",
                value=str(ref),
                allowed="a YAML file path or one of " + ", ".join(shipped),
            )
        path = shipped[str(ref)]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read the patch: {exc}", file=str(path)) from None
    data = parse_yaml(text, str(path))  # the scenario's limits and YAML checks apply to patches too
    if not isinstance(data, dict):
        raise ScenarioError(
            "a patch is a mapping with name, description, set, add_events, ...", file=str(path)
        )
    try:
        return Patch(**data, file=str(path))
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ScenarioError(
            err["msg"],
            file=str(path),
            location=".".join(map(str, err["loc"])),
            allowed=", ".join(f for f in Patch.model_fields if f != "file"),
        ) from None


class PatchError(ScenarioError):
    """Every problem found in one or more patches, each at its patch file and the patch's own path."""

    def __init__(self, problems: list[ScenarioError]) -> None:
        self.problems = problems
        first = problems[0]
        super().__init__(
            first.message, file=first.file, location=first.location, value=first.value, allowed=first.allowed
        )

    def render(self) -> str:
        """Every problem on its own line, so one message reports all that is wrong with a patch."""
        lines = [p.render() for p in self.problems]
        if len(lines) == 1:
            return lines[0]
        return f"{len(lines)} problems in the patch:\n" + "\n".join("  " + line for line in lines)


Check = Callable[[Scenario], None]


def apply_patch(scenario: Scenario, patch: Patch | dict[str, Any], check: Check | None = None) -> Scenario:
    """The variant: ``scenario`` with the patch's removals, settings and added events.

    Every problem is collected (not just the first) and raised together as a ``PatchError``, each
    named by the patch's own path (``add_events.1.actor``, ``set.actors.USA.capability``), never by
    the merged scenario's. Added events join one at a time, so a problem is pinned to the event
    that brings it; ``check`` (a model's ``check_supported``) then also finds what the model refuses.
    """
    patch = _as_patch(patch)
    problems: list[ScenarioError] = []
    if patch.remove_actors:
        try:
            scenario = drop(scenario, actors=patch.remove_actors)
        except ScenarioError as exc:
            problems.append(_relocated(exc, patch))
    data = scenario.model_dump(mode="json")  # unset (None) fields stay addressable by `set`
    known_events = [e.get("id") for e in data["events"] if e.get("id")]
    for k, event_id in enumerate(patch.remove_events):
        if event_id not in known_events:
            problems.append(
                _error(patch, f"remove_events.{k}", "unknown event id", event_id, ", ".join(known_events))
            )
    data["events"] = [e for e in data["events"] if e.get("id") not in set(patch.remove_events)]
    for path, value in patch.set.items():
        try:
            _set(data, path, value, patch)
        except ScenarioError as exc:
            problems.append(exc)
    try:
        variant = _variant(data, check)
    except AccordError as exc:  # the removals and settings alone make a scenario that does not hold
        raise PatchError([*problems, _relocated(exc, patch)]) from None
    events, joined = (
        list(data["events"]),
        dict[int, int](),
    )  # joined: index in the variant -> index in add_events
    for j, event in enumerate(patch.add_events):
        try:
            variant = _variant({**data, "events": [*events, event]}, check)
        except AccordError as exc:
            problems.append(_relocated(exc, patch, {**joined, len(events): j}, len(events)))
            continue
        joined[len(events)] = j
        events.append(event)
    if problems:
        raise PatchError(problems)
    return variant


def _as_patch(patch: Patch | dict[str, Any]) -> Patch:
    if isinstance(patch, Patch):
        return patch
    try:
        return Patch(**patch)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ScenarioError(err["msg"], location=".".join(map(str, err["loc"]))) from None


def _variant(data: dict[str, Any], check: Check | None) -> Scenario:
    """The scenario ``data`` describes, checked by the model too when ``check`` is given."""
    try:
        variant = Scenario.model_validate(data)
    except ValidationError as exc:
        raise error_from_validation(exc, data, None) from None
    if check is not None:
        check(variant)
    return variant


_EVENT_AT = re.compile(r"^events\.(\d+)(?: \([^)]*\))?(?=\.|$)")
_EVENT_IN_TEXT = re.compile(r"(?<![\w.])events\.(\d+)\b")


def _relocated(
    exc: AccordError,
    patch: Patch,
    joined: dict[int, int] | None = None,
    new: int | None = None,
) -> ScenarioError:
    """The error at the patch's own path, with the patch file named.

    ``joined`` maps the variant's event indices of added events to their ``add_events`` index and
    ``new`` is the event being added: its ``events.K`` location becomes ``add_events.j`` (any other
    location is kept in brackets), mentions of added events in the message are renamed too, and
    without an added event a path that a ``set`` entry wrote becomes ``set.<path>``.
    """
    joined = joined or {}
    here = f"add_events.{joined[new]}" if new is not None else None
    if not isinstance(exc, ScenarioError):
        return _error(patch, here, _renamed(str(exc), joined), None, None)
    location = exc.location or ""
    match = _EVENT_AT.match(location)
    if here and match and int(match[1]) == new:
        location = here + location[match.end() :]
    elif here:
        location = here + (f" ({location})" if location else "")
    else:
        written = [p for p in patch.set if location == p or location.startswith(p + ".")]
        location = f"set.{written[0]}" if written else location
    return _error(patch, location or None, _renamed(exc.message, joined), exc.value, exc.allowed)


def _renamed(message: str, joined: dict[int, int]) -> str:
    return _EVENT_IN_TEXT.sub(
        lambda m: f"add_events.{joined[int(m[1])]}" if int(m[1]) in joined else m[0], message
    )


def _set(data: dict[str, Any], path: str, value: Any, patch: Patch) -> None:
    where = f"set.{path}"
    parts = path.split(".")
    node: Any = data
    for depth, part in enumerate(parts[:-1]):
        node = _child(node, part, parts[depth - 1] if depth else "", patch, where, value)
    leaf, parent = parts[-1], parts[-2] if len(parts) > 1 else ""
    if node is None:  # e.g. deadline.date on a scenario with no deadline
        whole = ".".join(parts[:-1])
        message = f"{whole!r} is not set in this scenario, so it has no field {leaf!r}; set it as a whole"
        raise _error(patch, where, message, value, f"set.{whole}: {{{leaf}: ...}}")
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


def _error(
    patch: Patch, location: str | None, message: str, value: Any, allowed: str | None
) -> ScenarioError:
    return ScenarioError(
        message, file=patch.file or f"patch {patch.name}", location=location, value=value, allowed=allowed
    )
