"""The scenario schema: the one data structure every model, analysis and face reads.

A scenario is a negotiation frozen at its start date: who takes part (actors with a capability),
what is at stake (issues, each a numeric scale with labelled ends and an optional status quo),
where each actor stands on each issue and how much it cares (stances), who talks to whom
(relations and channels), when it must end (deadline) and what is known or assumed to happen
(timed events). Every number may carry a free-text ``source`` so an analyst's estimate stays
traceable to its rationale.

The schema modules (this one, events.py, units.py, fields.py) do not use ``from __future__ import
annotations``: pydantic would evaluate every string annotation on each start, which costs `accord
validate` about a seventh of a second (benchmarks/bench_cli.py).
"""

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import Field, ValidationInfo, model_validator

from .bounds import check_scenario
from .event_kinds import check_references, check_scales
from .event_kinds import known_id as _known
from .events import (  # noqa: F401  (re-exported: the schema is where users look for them)
    EVENT_TYPES,
    ActorEvent,
    ChannelEvent,
    Event,
    RelationEvent,
    ReservationEvent,
    ShiftEvent,
    ShockEvent,
    ThreatEvent,
    ThreatOutcomeEvent,
)
from .fields import Id, Source, _Strict
from .limits import current
from .pie import Pie, check_pie
from .rules import DecisionRule, check_control, check_rule
from .units import Unit


class Actor(_Strict):
    """A party to the negotiation, with its capability (relative power) and model parameters."""

    id: Id
    name: str = ""
    description: str = ""
    capability: float = Field(ge=0, allow_inf_nan=False)
    aliases: list[str] = Field(default_factory=list, description="Other names used in the news.")
    params: dict[str, Any] = Field(
        default_factory=dict, description="Per-actor model parameters (e.g. the agents strategy)."
    )
    source: Source = None


class Issue(_Strict):
    """A question to settle, as a scale from min to max (optionally with a unit and a status quo)."""

    id: Id
    name: str = ""
    description: str = ""
    min: float = Field(default=0.0, allow_inf_nan=False)
    max: float = Field(default=100.0, allow_inf_nan=False)
    min_label: str = ""
    max_label: str = ""
    status_quo: float | None = Field(default=None, allow_inf_nan=False)
    controlled_by: list[Id] = Field(
        default_factory=list,
        description="Who can deliver the issue: a deal settles it only if they all sign.",
    )
    unit: Unit | None = Field(
        default=None, description="What a scale position means: {name, per_point} and/or labelled levels."
    )
    source: Source = None

    @model_validator(mode="after")
    def _range(self) -> "Issue":
        if not self.max > self.min:
            raise ValueError(f"max ({self.max}) must be greater than min ({self.min})")
        if self.status_quo is not None and not self.min <= self.status_quo <= self.max:
            raise ValueError(
                f"status_quo {self.status_quo} lies outside the issue range [{self.min}, {self.max}]"
            )
        for level in self.unit.levels if self.unit else {}:
            if not self.min <= level <= self.max:
                raise ValueError(
                    f"unit.levels: level {level:g} lies outside the issue range; "
                    f"allowed: {self.min:g} to {self.max:g}"
                )
        return self

    def in_units(self, position: float, short: bool = False) -> str:
        """The position in the issue's declared unit ('9,000 US troops', 'talks-only address'), or ''."""
        return self.unit.describe(position, self.max - self.min, short) if self.unit else ""

    def with_units(self, position: float, digits: int = 1, short: bool = False) -> str:
        """'45.0 (9,000 US troops)': the scale position with its meaning beside it, where declared.
        ``short`` (table cells): the bare amount of a linear unit, whose name the row label carries,
        and no level label (the table's legend lists the levels)."""
        text = f"{position:.{digits}f}"
        if short:
            meaning = self.unit.amount(position) if self.unit is not None else ""
        else:
            meaning = self.in_units(position)
        return f"{text} ({meaning})" if meaning else text

    def label(self) -> str:
        """The issue's id, with the name of its linear unit where it has one: 'troops (US troops)'."""
        if self.unit is not None and self.unit.per_point is not None:
            return f"{self.id} ({self.unit.name})"
        return self.id


class Stance(_Strict):
    """One actor's position on one issue and the share of attention it gives it."""

    position: float = Field(allow_inf_nan=False)
    salience: float = Field(ge=0, le=100, allow_inf_nan=False)
    source: Source = None


class Relation(_Strict):
    """How two actors stand towards each other; undirected."""

    actors: tuple[Id, Id]
    alignment: float = Field(default=0.0, ge=-1, le=1, allow_inf_nan=False)
    channel: bool = Field(default=True, description="Whether the two talk directly.")
    source: Source = None


class Channel(_Strict):
    """A venue or mediator through which members who do not talk directly can reach each other."""

    id: Id
    name: str = ""
    members: list[Id] = Field(min_length=2)
    host: Id | None = Field(default=None, description="The actor hosting or mediating, if any.")
    open: bool = True
    source: Source = None


class Deadline(_Strict):
    """When the talks must end: a date, a number of rounds, or both (the earlier counts)."""

    date: dt.date | None = None
    rounds: int | None = Field(default=None, ge=1)
    source: Source = None

    @model_validator(mode="after")
    def _one_of(self) -> "Deadline":
        if self.date is None and self.rounds is None:
            raise ValueError("a deadline needs a date, a number of rounds, or both")
        return self


class Negotiation(_Strict):
    """What counts as an agreement and what happens without one (read by the agents model)."""

    required: list[Id] = Field(default_factory=list, description="Parties any agreement needs.")
    allow_subset: bool = Field(default=False, description="Whether a deal among fewer counts.")
    no_deal: dict[Id, float] = Field(
        default_factory=dict, description="The outcome on each issue if no deal is reached (BATNA)."
    )
    rule: DecisionRule | None = Field(default=None, description="How a proposal passes (default: unanimity).")
    protocol: Literal["offers", "single_text", "alternating", "recognition"] = Field(
        default="offers",
        description="offers: every party proposes to all it reaches; single_text: a chair's "
        "compromise text (capability x salience weighted mean) is the one proposal; alternating: "
        "the required parties propose in turn, in their listed order; recognition: one party drawn at "
        "random each round proposes (Baron-Ferejohn) (agents model).",
    )
    recognition: dict[Id, float] = Field(
        default_factory=dict,
        description="Under protocol recognition: party -> probability of being recognised to propose in a "
        "round (default: equal among the required parties).",
    )
    pie: Pie | None = Field(default=None, description="A divisible surplus: one share issue per party.")
    private_width: float = Field(
        default=0.0,
        ge=0,
        le=0.5,
        description="Reservations are private: each lies up to this far (utility) from "
        "its public value, and the others' beliefs start that wide (agents model).",
    )
    breakdown_risk: float = Field(
        default=0.0, ge=0, lt=1, description="Per-round probability that the talks collapse (agents model)."
    )
    source: Source = None


# ---- the scenario -------------------------------------------------------------------------------


class Scenario(_Strict):
    """A negotiation: actors, issues, their stances, and what is known of relations, venues and events."""

    name: Id
    title: str = ""
    description: str = ""
    note: str = Field(default="", description="Caveats, e.g. that the numbers are estimates.")
    start: dt.date | None = None
    round_days: int = Field(default=7, ge=1)
    deadline: Deadline | None = None
    actors: list[Actor] = Field(min_length=1)
    issues: list[Issue] = Field(min_length=1)
    stances: dict[Id, dict[Id, Stance]] = Field(
        description="stances[actor][issue]: an actor may leave out issues it takes no part in."
    )
    relations: list[Relation] = Field(default_factory=list)
    channels: list[Channel] = Field(default_factory=list)
    negotiation: Negotiation | None = None
    events: list[Event] = Field(default_factory=list)
    models: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Per-model settings carried with the scenario (e.g. KTAB's SMP parameters).",
    )
    source: Source = None

    @model_validator(mode="after")
    def _references(self) -> "Scenario":
        actor_ids = [a.id for a in self.actors]
        issue_ids = [i.id for i in self.issues]
        _unique(actor_ids, "actors")
        _unique(issue_ids, "issues")
        _unique([c.id for c in self.channels], "channels")
        _unique([e.id for e in self.events], "events")  # threats and channel events are named by id
        actors, issues = set(actor_ids), set(issue_ids)
        by_issue = {i.id: i for i in self.issues}
        for a, row in self.stances.items():
            _known(a, actors, f"stances.{a}")
            for i, st in row.items():
                _known(i, issues, f"stances.{a}.{i}")
                iss = by_issue[i]
                if not iss.min <= st.position <= iss.max:
                    raise ValueError(
                        f"stances.{a}.{i}.position: {st.position} lies outside the range of issue "
                        f"{i!r}; allowed: {iss.min:g} to {iss.max:g}"
                    )
        for i in issue_ids:
            if not any(i in row for row in self.stances.values()):
                raise ValueError(f"issues.{i}: no actor takes a stance on this issue")
        for k, rel in enumerate(self.relations):
            for a in rel.actors:
                _known(a, actors, f"relations.{k}.actors")
            if rel.actors[0] == rel.actors[1]:
                raise ValueError(f"relations.{k}.actors: an actor cannot relate to itself")
        for k, ch in enumerate(self.channels):
            for a in ch.members:
                _known(a, actors, f"channels.{k}.members")
            if ch.host is not None:
                _known(ch.host, actors, f"channels.{k}.host")
        if self.negotiation:
            for a in self.negotiation.required:
                _known(a, actors, "negotiation.required")
            for i, v in self.negotiation.no_deal.items():
                _known(i, issues, "negotiation.no_deal")
                if not by_issue[i].min <= v <= by_issue[i].max:
                    raise ValueError(f"negotiation.no_deal.{i}: {v} lies outside the issue range")
            if self.negotiation.rule is not None:
                check_rule(self.negotiation.rule, actors)
            check_pie(self.negotiation, actors, by_issue)
        check_control(self.issues, actors)
        known = {"actor": actors, "issue": issues, "channel": {c.id for c in self.channels}}
        for ev in self.events:  # an event names another by id (a threat's outcome names the threat)
            known.setdefault(ev.type, set()).update([ev.id] if ev.id else [])
        ranges = {i.id: (i.min, i.max) for i in self.issues}
        for k, ev in enumerate(self.events):
            check_references(ev, f"events.{k}", known)
            if ev.date is not None and self.start is None:
                raise ValueError(f"events.{k}.date: a dated event needs the scenario's `start` date")
            check_scales(ev, f"events.{k}", ranges)
        if self.deadline and self.deadline.date and self.start is None:
            raise ValueError(
                "deadline.date: a deadline date needs the scenario's `start` date (rounds count from it); "
                "allowed: set `start`, or give the deadline as `rounds`"
            )
        if self.deadline and self.deadline.date and self.start and self.deadline.date < self.start:
            raise ValueError(
                f"deadline.date: {self.deadline.date} lies before the start date; "
                f"allowed: {self.start} or later"
            )
        return self

    @model_validator(mode="after")
    def _within_limits(self, info: ValidationInfo) -> "Scenario":
        """Counts, rounds and magnitudes within the limits in force (see accord.scenario.limits)."""
        context = info.context if isinstance(info.context, dict) else {}
        check_scenario(self, context.get("limits") or current())
        return self

    # -- convenience views (pure, no state) --

    @property
    def actor_ids(self) -> list[str]:
        """The actor ids in file order."""
        return [a.id for a in self.actors]

    @property
    def issue_ids(self) -> list[str]:
        """The issue ids in file order."""
        return [i.id for i in self.issues]

    def round_of(self, date: dt.date) -> int:
        """The round in which a calendar date falls (round 0 starts on `start`)."""
        if self.start is None:
            raise ValueError("this scenario has no start date")
        return max(0, (date - self.start).days // self.round_days)

    def date_of(self, round_: int) -> dt.date | None:
        """The start date of a round; None without a start date or past the calendar's end (year 9999)."""
        if self.start is None:
            return None
        try:
            return self.start + dt.timedelta(days=round_ * self.round_days)
        except OverflowError:
            return None

    def deadline_round(self) -> int | None:
        """The round the deadline falls in (the earlier of its rounds and its date), or None."""
        if self.deadline is None:
            return None
        rounds = [r for r in (self.deadline.rounds,) if r is not None]
        if self.deadline.date is not None and self.start is not None:
            rounds.append(self.round_of(self.deadline.date))
        return min(rounds) if rounds else None

    def content_hash(self) -> str:
        """A stable hash of the scenario's content, for the run store and run metadata."""
        payload = json.dumps(_zero_signs(self.model_dump(mode="json")), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _zero_signs(value: Any) -> Any:
    """-0.0 equals 0.0 but prints differently; equal scenarios must hash alike."""
    if isinstance(value, float):
        return value + 0.0
    if isinstance(value, dict):
        return {k: _zero_signs(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_zero_signs(v) for v in value]
    return value


def _unique(ids: Sequence[str | None], where: str) -> None:
    """Ids name things other fields refer to, so two alike would make a reference ambiguous.
    Events may go without an id (nothing can refer to them then); None is not an id."""
    seen: dict[str, int] = {}
    for k, i in enumerate(ids):
        if i is None:
            continue
        if i in seen:
            raise ValueError(
                f"{where}.{k}.id: duplicate id {i!r}, already used by {where}.{seen[i]}; ids must be unique"
            )
        seen[i] = k
