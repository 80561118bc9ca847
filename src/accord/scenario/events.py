"""The typed timed events of a scenario: what is known or assumed to happen, and when.

Each event type is one small pydantic class, registered with ``@event_type`` and told apart by its
``type`` field, so a bad event names its field and the allowed values. Everything the rest of accord
needs to know about a type is declared here, on the class (see event_kinds.py for the markers and
what is read from them); the agents simulator gives the types their effect (models/agents/handlers.py);
the scenario only checks that they are well formed and name actors, issues, venues and threats that
exist. docs/how-to/add-an-event-type.md walks through adding one.
"""

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from .event_kinds import EVENTS, ActorId, ChannelId, EventBase, IssueId, OnScale, Ref, event_type
from .fields import Id

__all__ = ["EVENTS", "EVENT_CLASSES", "EVENT_TYPES", "Event", "EventBase"]


@event_type
class ChannelEvent(EventBase):
    """A direct channel between two actors, or a named venue, opens or closes."""

    type: Literal["channel_open", "channel_close"]
    channel: ChannelId | None = Field(default=None, description="Id of a venue in `channels`.")
    between: tuple[ActorId, ActorId] | None = Field(default=None, description="Or the two actors.")

    one_of = (("channel", "between"),)
    examples = {
        "channel_open": "{id: office-opens, type: channel_open, channel: doha-office, date: 2013-06-18}",
        "channel_close": "{id: bsa-suspended, type: channel_close, between: [USA, AFG], date: 2013-06-19}",
    }


@event_type
class ShiftEvent(EventBase):
    """An actor's position or salience on an issue moves, to a value or by an amount."""

    type: Literal["position_shift", "salience_shift"]
    actor: ActorId = Field(description="Whose position or salience moves.")
    issue: IssueId = Field(description="On which issue.")
    to: Annotated[float | None, OnScale(position_shift="issue", salience_shift="salience")] = Field(
        default=None,
        allow_inf_nan=False,
        description="The new value (a position on the scale, or a salience 0-100); or give `by`.",
    )
    by: float | None = Field(
        default=None, allow_inf_nan=False, description="Or the change (points of the scale, or of salience)."
    )

    one_of = (("to", "by"),)
    examples = {
        "position_shift": "{id: sign-removed, type: position_shift, actor: QAT, issue: office, to: 30, "
        "date: 2013-06-19}",
        "salience_shift": "{id: us-loses-interest, type: salience_shift, actor: USA, issue: talks, "
        "by: -20, round: 30}",
    }


@event_type
class RelationEvent(EventBase):
    """The alignment between two actors changes (an accusation, a rapprochement)."""

    type: Literal["relation_change"]
    between: tuple[ActorId, ActorId] = Field(description="The two actors.")
    to: float | None = Field(
        default=None, ge=-1, le=1, description="The new alignment (-1..1); or give `by`."
    )
    by: float | None = Field(default=None, ge=-2, le=2, description="Or the change of alignment (-2..2).")

    one_of = (("to", "by"),)
    examples = {
        "relation_change": "{id: separate-peace-charge, type: relation_change, between: [USA, AFG], "
        "by: -0.3, date: 2013-06-19}",
    }


@event_type
class ThreatEvent(EventBase):
    """An actor announces a consequence if there is no deal by a date (an ultimatum)."""

    type: Literal["threat"]
    actor: ActorId = Field(description="Who threatens.")
    target: ActorId | None = Field(default=None, description="Who is threatened, if one actor.")
    issue: IssueId | None = Field(default=None, description="The issue the consequence acts on.")
    consequence: Annotated[float | None, OnScale("issue")] = Field(
        default=None, allow_inf_nan=False, description="Where that issue ends up if the threat is executed."
    )
    by_date: dt.date | None = Field(default=None, description="The date by which a deal is demanded.")
    credibility: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Probability (0-1) that it is carried out at by_date; the others' first belief in it.",
    )
    credibility_weight: float = Field(
        default=2.0,
        gt=0,
        le=1000,
        description="How firmly that belief is held, as a number of observed threats: the threatener's "
        "threats carried out raise the credibility of its others, those withdrawn or let lapse lower it "
        "(agents model).",
    )

    examples = {
        "threat": "{id: zero-option, type: threat, actor: USA, target: AFG, issue: troops, consequence: 0, "
        "by_date: 2014-12-31, credibility: 0.5, date: 2013-07-08}",
    }


@event_type
class ThreatOutcomeEvent(EventBase):
    """A threat announced earlier is carried out or withdrawn."""

    type: Literal["threat_executed", "threat_withdrawn"]
    threat: Annotated[Id, Ref("threat")] = Field(description="The `id` of the threat event.")

    examples = {
        "threat_executed": "{id: zero-option-done, type: threat_executed, threat: zero-option, "
        "date: 2014-06-01}",
        "threat_withdrawn": "{id: zero-option-off, type: threat_withdrawn, threat: zero-option, "
        "date: 2014-01-15}",
    }


@event_type
class ActorEvent(EventBase):
    """An actor leaves the table or comes back."""

    type: Literal["actor_leaves", "actor_returns"]
    actor: ActorId = Field(description="Who leaves or returns.")
    condition: str = Field(default="", description="The stated condition, in prose.")
    return_probability: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="For actor_leaves: per-round probability of coming back in each later round "
        "(agents model).",
    )

    examples = {
        "actor_leaves": "{id: taliban-walk-out, type: actor_leaves, actor: TAL, condition: office closed, "
        "return_probability: 0.05, date: 2013-07-09}",
        "actor_returns": "{id: taliban-back, type: actor_returns, actor: TAL, date: 2013-09-01}",
    }


@event_type
class ReservationEvent(EventBase):
    """The no-deal outcome on an issue moves (e.g. an executed zero option)."""

    type: Literal["reservation_shift"]
    issue: IssueId = Field(description="The issue whose no-deal outcome moves.")
    to: Annotated[float, OnScale("issue")] = Field(
        allow_inf_nan=False, description="The new no-deal outcome on the issue's scale."
    )

    examples = {
        "reservation_shift": "{id: end-2014-withdrawal, type: reservation_shift, issue: troops, to: 0, "
        "date: 2014-12-31}",
    }


@event_type
class ShockEvent(EventBase):
    """Something happens on the ground (attacks, a bombing, a drawdown): it changes the state of the
    negotiation, not what anyone wants (agents model): the no-deal outcome on ``issue`` moves by ``size``,
    and the actor named (every actor when none is) bears more ``delay_cost``, gains or loses
    ``capability`` (a relative change), and the talks' ``breakdown_risk`` rises or falls."""

    type: Literal["shock"]
    actor: ActorId | None = Field(
        default=None, description="The actor it acts on (costs, capability); none: every actor."
    )
    issue: IssueId | None = Field(
        default=None, description="The issue whose no-deal outcome it moves (by `size`)."
    )
    size: float = Field(
        default=0.0, allow_inf_nan=False, description="Shift of the no-deal outcome on the issue."
    )
    delay_cost: float = Field(
        default=0.0, ge=-1, le=1, description="Added to the actor's per-round cost of delay."
    )
    capability: float = Field(
        default=0.0, ge=-1, le=10, description="Relative change of the actor's capability."
    )
    breakdown_risk: float = Field(
        default=0.0, ge=-1, le=1, description="Added to the per-round breakdown risk."
    )
    probability: float = Field(
        default=1.0, ge=0, le=1, description="Per-round probability when the shock is random."
    )

    examples = {
        "shock": "{id: ramadan-attacks, type: shock, actor: TAL, issue: violence, size: 2, probability: 0.6, "
        "date: 2013-07-10}",
    }


# ---- read from the definitions above ------------------------------------------------------------

if TYPE_CHECKING:  # to a type checker an event is its base; each handler narrows to its own class
    Event = EventBase
else:
    Event = EVENTS.union()
"""Any event: the discriminated union of every registered type (the type of ``Scenario.events``)."""

EVENT_CLASSES: tuple[type[EventBase], ...] = EVENTS.classes()
"""Every event class, in the order the reference lists them."""

EVENT_TYPES = ", ".join(EVENTS.names())
"""Every type name, comma-separated, as error messages list the allowed ones."""
