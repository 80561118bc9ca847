"""What an event type is made of, declared once, and everything read from that declaration.

An event type is one pydantic class registered with ``@event_type``: its ``type`` Literal names it (a
class may carry several names that share one form, e.g. ``channel_open`` / ``channel_close``), its
docstring describes it, its ``examples`` give one YAML line per name, and each field says what it
holds: the id of something else in the scenario through a ``Ref`` marker (``ActorId``, ``IssueId``,
``ChannelId``, or ``Annotated[Id, Ref("threat")]`` for the id of an event of type ``threat``), a point
on a scale through ``OnScale``, and fields of which exactly one must be given through ``one_of``.

From that one declaration come the discriminated ``Event`` union and ``EVENT_TYPES`` (events.py), the
reference and range checks (schema.py), which events survive dropping an actor or issue
(analysis/edit.py), the scenario reference (reference.py) and the hypothesis strategies
(accord.testing.event_strategies). What an event *does* is the engine's part: a handler per type name
in accord.models.agents.handlers (the scenario layer never imports models/). References are declared
on the fields rather than found by field name so that a new field called, say, ``mediator`` is
checked without anyone remembering to list it (issue 15). docs/how-to/add-an-event-type.md walks
through adding a type.

This module, like the other schema modules, does not use ``from __future__ import annotations``
(pydantic would evaluate the strings on every start; see schema.py).
"""

import datetime as dt
import functools
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

import annotated_types as at
from pydantic import Field, model_validator

from .fields import Id, Source, _Strict

SCENARIO_REFS = ("actor", "issue", "channel")
"""What a ``Ref`` may name besides an event type: the scenario's actors, issues and channels."""

_NOUNS = {"channel": "venue"}  # what a message calls the owner of an id, where not its kind


@dataclass(frozen=True)
class Ref:
    """Marks a field as holding the id of something the scenario defines: ``"actor"``, ``"issue"``,
    ``"channel"``, or an event type's name (the id of an event of that type; the agents model also wants
    it listed earlier, e.g. a threat before its outcome)."""

    kind: str


ActorId = Annotated[Id, Ref("actor")]
IssueId = Annotated[Id, Ref("issue")]
ChannelId = Annotated[Id, Ref("channel")]

Scale = Literal["issue", "salience"]


class OnScale:
    """Marks a number as a point on a scale the schema checks it against: ``"issue"`` (the range of the
    issue the event's ``issue`` field names) or ``"salience"`` (0 to 100). ``per_type`` names the scale
    where it depends on the event type (position_shift and salience_shift share one form)."""

    __slots__ = ("default", "per_type")

    def __init__(self, scale: Scale | None = None, **per_type: Scale) -> None:
        self.default, self.per_type = scale, per_type

    def scale_for(self, kind: str) -> Scale | None:
        """The scale for an event of type ``kind`` (None: unchecked)."""
        return self.per_type.get(kind, self.default)

    def __repr__(self) -> str:
        return f"OnScale({self.default!r}, **{self.per_type!r})"


@dataclass(frozen=True)
class FieldRef:
    """One field of an event type that names ids: of which kind, and how many (2 for a pair, 0 for a
    list of any length)."""

    field: str
    kind: str
    arity: int = 1


class EventBase(_Strict):
    """The fields every event carries: an optional id, when it happens, what it is and its source."""

    if TYPE_CHECKING:  # each type declares its own Literal; not a field of the base at run time
        type: str

    id: Id | None = Field(
        default=None, description="Unique id of the event (threat outcomes and patches refer to it)."
    )
    date: dt.date | None = Field(
        default=None, description="When it happens (needs the scenario's `start`); or give `round`."
    )
    round: int | None = Field(default=None, ge=0, description="Or the round in which it happens (0 = start).")
    description: str = Field(default="", description="What happens, in prose.")
    source: Source = None

    examples: ClassVar[dict[str, str]] = {}
    """One YAML line per type name, a valid event of that type (the reference prints it)."""
    one_of: ClassVar[tuple[tuple[str, ...], ...]] = ()
    """Groups of fields of which exactly one must be given."""

    @model_validator(mode="after")
    def _when(self) -> "EventBase":
        if self.date is None and self.round is None:
            raise ValueError("an event needs a date or a round")
        return self

    @model_validator(mode="after")
    def _exactly_one(self) -> "EventBase":
        for group in self.one_of:
            if sum(getattr(self, name) is not None for name in group) != 1:
                named = " or ".join(_with_hint(type(self), name) for name in group)
                raise ValueError(f"give exactly one of {named}")
        return self


class EventTypes:
    """A registry of event types, in the order they were registered (the order the reference lists
    them in). ``EVENTS`` is the scenario's; a fresh one lets a test or a how-to try a type out."""

    def __init__(self) -> None:
        self._by_name: dict[str, type[EventBase]] = {}

    def register(self, cls: type[EventBase]) -> type[EventBase]:
        """Add an event type (use as a class decorator); a name defined twice or a declaration that
        does not hold together is a TypeError at import, not a surprise in a user's scenario."""
        names = type_names(cls)
        for name in names:
            if name in SCENARIO_REFS:
                raise TypeError(f"{cls.__name__}: {name!r} names a part of the scenario, not an event type")
            if name in self._by_name:
                raise TypeError(f"event type {name!r} is already defined by {self._by_name[name].__name__}")
        if not (cls.__doc__ or "").strip():
            raise TypeError(f"{cls.__name__}: an event type needs a docstring (the reference prints it)")
        if set(cls.examples) != set(names):
            raise TypeError(f"{cls.__name__}: `examples` needs one line for each of {', '.join(names)}")
        for group in cls.one_of:
            for name in set(group) - set(cls.model_fields):
                raise TypeError(f"{cls.__name__}.one_of names no field {name!r}")
        for _, marker in field_scales(cls):
            for kind in set(marker.per_type) - set(names):
                raise TypeError(f"{cls.__name__}: OnScale names {kind!r}, not one of its types")
        self._by_name.update(dict.fromkeys(names, cls))
        return cls

    def names(self) -> tuple[str, ...]:
        """Every type name, in registration order."""
        return tuple(self._by_name)

    def classes(self) -> tuple[type[EventBase], ...]:
        """Every event class once, in registration order."""
        return tuple(dict.fromkeys(self._by_name.values()))

    def of(self, name: str) -> type[EventBase]:
        """The class that defines event type ``name`` (KeyError if none does)."""
        return self._by_name[name]

    def union(self) -> Any:
        """The discriminated union of every class (the type of ``Scenario.events``), after checking
        that each ``Ref`` names something that exists."""
        for cls in self.classes():
            for ref in field_refs(cls):
                if ref.kind not in SCENARIO_REFS and ref.kind not in self._by_name:
                    allowed = ", ".join(SCENARIO_REFS + self.names())
                    raise TypeError(f"{cls.__name__}.{ref.field}: Ref({ref.kind!r}); allowed: {allowed}")
        members = self.classes()
        if len(members) == 1:
            return members[0]
        return Annotated[typing.Union[members], Field(discriminator="type")]  # noqa: UP007

    def named_ids(self, event: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
        """(field, kind, id) for every id an event in dict form names (e.g. a patch or a dump)."""
        return named_ids(self.of(event["type"]), event)


EVENTS = EventTypes()
event_type = EVENTS.register


def type_names(cls: type[EventBase]) -> tuple[str, ...]:
    """The type names a class defines: the values of its ``type`` Literal."""
    field = cls.model_fields.get("type")
    names = typing.get_args(field.annotation) if field is not None else ()
    if not names or not all(isinstance(n, str) for n in names):
        raise TypeError(f"{cls.__name__}: an event type declares `type: Literal[...]` with its names")
    return names


@functools.cache
def field_refs(cls: type[EventBase]) -> tuple[FieldRef, ...]:
    """The fields of ``cls`` that name ids, read from their ``Ref`` markers, in field order."""
    found = []
    for name, info in cls.model_fields.items():
        marked = next((m for m in info.metadata if isinstance(m, Ref)), None)
        ref = (marked, 1) if marked is not None else _ref_in(info.annotation)
        if ref is not None:
            found.append(FieldRef(name, ref[0].kind, ref[1]))
    return tuple(found)


def _ref_in(annotation: Any, arity: int = 1) -> tuple[Ref, int] | None:
    """The Ref inside a field's type: ``ActorId | None``, ``tuple[ActorId, ActorId]``, ``list[IssueId]``."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        marked = next((m for m in args[1:] if isinstance(m, Ref)), None)
        return (marked, arity) if marked is not None else _ref_in(args[0], arity)
    if origin in (typing.Union, types.UnionType):
        return next((r for r in (_ref_in(a, arity) for a in args) if r is not None), None)
    if origin is tuple and args:
        return _ref_in(args[0], len(args))
    if origin is list and args:
        return _ref_in(args[0], 0)
    return None


@functools.cache
def field_scales(cls: type[EventBase]) -> tuple[tuple[str, OnScale], ...]:
    """The fields of ``cls`` that are points on a scale, with their ``OnScale`` markers."""
    return tuple(
        (name, marker)
        for name, info in cls.model_fields.items()
        for marker in info.metadata
        if isinstance(marker, OnScale)
    )


@functools.cache
def unbounded_numbers(cls: type[EventBase]) -> tuple[str, ...]:
    """The number fields of ``cls`` with neither bounds nor a scale (a shift's ``by``, a shock's
    ``size``): only the limits' ``max_magnitude`` bounds them (bounds.py)."""
    return tuple(
        name
        for name, info in cls.model_fields.items()
        if plain_type(info.annotation) is float
        and not any(isinstance(m, (at.Ge, at.Gt, at.Le, at.Lt, OnScale)) for m in info.metadata)
    )


def unbounded_values(ev: EventBase) -> Iterator[tuple[str, float]]:
    """(field, value) of each of the event's unbounded numbers that is given."""
    for name in unbounded_numbers(type(ev)):
        value = getattr(ev, name)
        if value is not None:
            yield name, value


def plain_type(annotation: Any) -> Any:
    """The type under Optional and Annotated: ``float | None`` is float."""
    if typing.get_origin(annotation) is Annotated:
        return plain_type(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return plain_type(inner[0]) if len(inner) == 1 else annotation
    return annotation


def named_ids(cls: type[EventBase], values: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(field, kind, id) for every id that an event of class ``cls`` with these field values names."""
    for ref in field_refs(cls):
        value = values.get(ref.field)
        for named in (value,) if ref.arity == 1 else value or ():
            if named is not None:
                yield ref.field, ref.kind, named


def _with_hint(cls: type[EventBase], name: str) -> str:
    """A field for a message, with what it takes when it names ids: '`channel` (a venue id)'."""
    ref = next((r for r in field_refs(cls) if r.field == name), None)
    if ref is None:
        return f"`{name}`"
    noun = _NOUNS.get(ref.kind, ref.kind)
    if ref.arity == 1:
        return f"`{name}` ({'an' if noun[0] in 'aeiou' else 'a'} {noun} id)"
    if ref.arity == 0:
        return f"`{name}` (a list of {noun} ids)"
    return f"`{name}` ({'two' if ref.arity == 2 else ref.arity} {noun}s)"


def known_id(value: str, known: set[str], where: str) -> None:
    """Refuse an id that names nothing, listing the ids that do."""
    if value not in known:
        allowed = ", ".join(sorted(known)) or "none is defined"
        raise ValueError(f"{where}: unknown id {value!r}; allowed: {allowed}")


def check_references(ev: EventBase, where: str, known: Mapping[str, set[str]]) -> None:
    """Every id the event names exists (``known``: ids by kind, event ids by their type)."""
    for field, kind, named in named_ids(type(ev), dict(ev)):
        known_id(named, known.get(kind, set()), f"{where}.{field}")


def check_scales(ev: EventBase, where: str, ranges: Mapping[str, tuple[float, float]]) -> None:
    """Targets an event sets on a scale (a new position, a no-deal outcome, a threat's consequence,
    a salience) lie on it; ``ranges``: each issue's (min, max)."""
    for field, marker in field_scales(type(ev)):
        value, scale = getattr(ev, field), marker.scale_for(ev.type)
        if value is None or scale is None:
            continue
        if scale == "salience" and not 0 <= value <= 100:
            raise ValueError(f"{where}.{field}: salience {value:g} is out of range; allowed: 0 to 100")
        issue = getattr(ev, "issue", None)
        if scale == "issue" and issue is not None:
            lo, hi = ranges[issue]
            if not lo <= value <= hi:
                raise ValueError(
                    f"{where}.{field}: {value:g} lies outside the range of issue {issue!r}; "
                    f"allowed: {lo:g} to {hi:g}"
                )
