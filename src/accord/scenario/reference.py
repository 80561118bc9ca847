"""The scenario reference (docs/reference/scenario.md), generated from the schema itself.

Every object's fields are read from the pydantic classes (type, required or default, and the
field's description, or the note below where the schema has none), every event type from its
registered class (its docstring, its fields' descriptions, its examples), the other examples from
``forms.py``; ``scripts/build_scenario_reference.py``
writes the file and a test checks that the committed file equals what this module generates, so
the reference cannot drift from the schema.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel

from . import events as ev
from .forms import EVENT_EXAMPLES, FORMS
from .pie import Pie
from .rules import DecisionRule
from .schema import Actor, Channel, Deadline, Issue, Negotiation, Relation, Scenario, Stance
from .units import Unit

# Where the schema's own Field(description=...) is empty, what the field means.
NOTES: dict[str, str] = {
    "Scenario.name": "The scenario's id (no surrounding spaces); runs and reports are filed under it.",
    "Scenario.title": "A title for tables and reports.",
    "Scenario.description": "What the negotiation is about, in prose.",
    "Scenario.start": "Calendar date of round 0 (YYYY-MM-DD); needed for dated events and a dated deadline.",
    "Scenario.round_days": "Length of one round in days (the agents model plays one round per step).",
    "Scenario.deadline": "When the negotiation must end (a `Deadline`).",
    "Scenario.actors": "The parties (at least one `Actor`).",
    "Scenario.issues": "What is at stake (at least one `Issue`); each is a numeric scale.",
    "Scenario.relations": "Pairs of actors (`Relation`); a pair not listed has a direct channel "
    "and alignment 0.",
    "Scenario.channels": "Venues and mediators (`Channel`) through which members who do not talk "
    "directly meet.",
    "Scenario.negotiation": "What counts as an agreement and what happens without one (`Negotiation`).",
    "Scenario.events": "Timed events (see Events below), each with a `date` or a `round`.",
    "Actor.id": "Short unique id (e.g. USA), used everywhere else in the file.",
    "Actor.name": "Full name for tables and reports.",
    "Actor.description": "Who the actor is, in prose.",
    "Actor.capability": "Relative power, >= 0 (a weight: only ratios between actors matter).",
    "Issue.id": "Short unique id (e.g. troops).",
    "Issue.name": "Full name for tables and reports.",
    "Issue.description": "What the scale measures, in prose.",
    "Issue.min": "Low end of the scale.",
    "Issue.max": "High end of the scale (greater than min).",
    "Issue.min_label": "What the low end means.",
    "Issue.max_label": "What the high end means.",
    "Issue.status_quo": "Where the issue stands today (within the range); the Nash and status-quo "
    "models need it.",
    "Stance.position": "The actor's ideal point on the issue's scale (within min..max).",
    "Stance.salience": "How much the actor cares about the issue, 0-100.",
    "Relation.actors": "The two actors (undirected; the order does not matter).",
    "Relation.alignment": "-1 (enemies) .. 1 (allies).",
    "Channel.id": "Short unique id, used by channel events.",
    "Channel.name": "Full name.",
    "Channel.members": "The actors who can meet through it (two or more).",
    "Channel.open": "Whether it is open at the start (channel events open and close it).",
    "Deadline.date": "Last day (YYYY-MM-DD), on or after `start`.",
    "Deadline.rounds": "Or the number of rounds; with both, the earlier one counts.",
    "event.type": "The event type (below).",
    "DecisionRule.kind": "unanimity (every voter accepts), qualified_majority (weights reach the threshold) "
    "or all_of (every rule in `rules` passes).",
}

OBJECTS: list[tuple[str, type[BaseModel], str]] = [
    ("Scenario", Scenario, "the top level of the file"),
    ("Actor", Actor, "each item of `actors`"),
    ("Issue", Issue, "each item of `issues`"),
    ("Unit", Unit, "an issue's `unit`: what a scale position means in the world"),
    ("Stance", Stance, "`stances[actor][issue]`; an actor may leave out issues it takes no part in"),
    ("Relation", Relation, "each item of `relations`"),
    ("Channel", Channel, "each item of `channels`"),
    ("Deadline", Deadline, "`deadline`"),
    ("Negotiation", Negotiation, "`negotiation` (read by the agents model)"),
    ("DecisionRule", DecisionRule, "`negotiation.rule`, and each item of an all_of rule's `rules`"),
    ("Pie", Pie, "`negotiation.pie`: a divisible surplus, one share issue per party (Baron-Ferejohn)"),
]
EVENT_CLASSES = ev.EVENT_CLASSES
COMMON = tuple(ev.EventBase.model_fields)


def type_name(annotation: Any) -> str:
    """A field's type as a reader writes it: `float | None`, `list[str]`, `Deadline`."""
    if annotation is type(None):
        return "null"
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return type_name(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return " | ".join(type_name(a) for a in typing.get_args(annotation))
    if origin is typing.Literal:
        return " | ".join(repr(a) for a in typing.get_args(annotation))
    if origin is not None:
        args = ", ".join(type_name(a) for a in typing.get_args(annotation))
        return f"{getattr(origin, '__name__', str(origin))}[{args}]"
    return getattr(annotation, "__name__", str(annotation))


def describe(owner: str, name: str, field: Any) -> str:
    """A field's meaning for the reference table: its description, else a note; Markdown-escaped."""
    text = field.description or NOTES.get(f"{owner}.{name}") or NOTES.get(f"event.{name}") or ""
    return text.replace("|", "\\|")


def _default(field: Any) -> str:
    if field.is_required():
        return "**required**"
    if field.default_factory is not None:
        return f"`{field.default_factory()!r}`"
    return f"`{field.default!r}`" if field.default is not None else "none"


def field_rows(owner: str, cls: type[BaseModel], skip: tuple[str, ...] = ()) -> list[str]:
    """The Markdown table of a model's fields (type, default, meaning), leaving out ``skip``."""
    rows = ["| field | type | default | meaning |", "|---|---|---|---|"]
    for name, field in cls.model_fields.items():
        if name in skip:
            continue
        kind = "list[Event]" if (owner, name) == ("Scenario", "events") else type_name(field.annotation)
        kind = kind.replace("|", "\\|")
        rows.append(f"| `{name}` | `{kind}` | {_default(field)} | {describe(owner, name, field)} |")
    return rows


def undocumented() -> list[str]:
    """Fields with neither a schema description nor a note (the reference test wants none)."""
    missing = [
        f"{o}.{n}" for o, cls, _ in OBJECTS for n, f in cls.model_fields.items() if not describe(o, n, f)
    ]
    for cls in EVENT_CLASSES:
        missing += [
            f"{cls.__name__}.{n}" for n, f in cls.model_fields.items() if not describe(cls.__name__, n, f)
        ]
    return missing


def reference_markdown() -> str:
    """The whole scenario reference (docs/reference/scenario.md), generated from the schema so that
    it cannot drift."""
    out = [
        "# Scenario reference",
        "",
        "<!-- Generated from the schema by scripts/build_scenario_reference.py; do not edit by hand. -->",
        "",
        "Every field of a scenario file (YAML; JSON is the same document) and every event type, read from",
        "accord's schema. `accord schema` prints the same schema as JSON Schema; `accord new NAME` writes a",
        "commented template to start from; `accord validate FILE` checks a file. Every object may carry a",
        "free-text `source` saying where its numbers come from. An unknown field is an error (it names the",
        "allowed ones), so a misspelling is never silently ignored.",
        "",
    ]
    for title, cls, where in OBJECTS:
        out += [f"## {title}", "", f"{where[0].upper() + where[1:]}. Form: `{FORMS[title]}`", ""]
        out += field_rows(title, cls) + [""]
    out += [
        "## Events",
        "",
        "Each item of `events` has a `type` (one of the types below), a `date` or a `round`, and",
        "the fields of its type. Fields every event may carry:",
        "",
    ]
    out += field_rows("event", ev.EventBase) + [""]
    for cls in EVENT_CLASSES:
        names = typing.get_args(cls.model_fields["type"].annotation)
        doc = " ".join((cls.__doc__ or "").split())
        for name in names:
            out += [f"### `{name}`", "", doc, "", f"Example: `{EVENT_EXAMPLES[name]}`", ""]
        rows = field_rows(cls.__name__, cls, skip=COMMON + ("type",))
        if len(rows) > 2:
            label = " and ".join(f"`{n}`" for n in names)
            out += [f"Fields of {label}:", ""] + rows + [""]
    return "\n".join(out).rstrip() + "\n"
