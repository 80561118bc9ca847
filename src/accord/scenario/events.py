"""The typed timed events of a scenario: what is known or assumed to happen, and when.

Each event type is its own small pydantic class, told apart by its ``type`` field, so a bad event
names its field and the allowed values. The agents simulator gives them their effect; the scenario
only checks that they are well formed and refer to known actors, issues, venues and threats.
"""

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from .fields import Id, Source, _Strict


def _to_or_by(event: Any) -> Any:
    """A change is given either as a new value or as an amount, never both or neither."""
    if (event.to is None) == (event.by is None):
        raise ValueError("give exactly one of `to` or `by`")
    return event


class _EventBase(_Strict):
    id: Id | None = None
    date: dt.date | None = None
    round: int | None = Field(default=None, ge=0)
    description: str = ""
    source: Source = None

    @model_validator(mode="after")
    def _when(self) -> "_EventBase":
        if self.date is None and self.round is None:
            raise ValueError("an event needs a date or a round")
        return self


class ChannelEvent(_EventBase):
    """A direct channel between two actors, or a named venue, opens or closes."""

    type: Literal["channel_open", "channel_close"]
    channel: Id | None = Field(default=None, description="Id of a venue in `channels`.")
    between: tuple[Id, Id] | None = Field(default=None, description="Or the two actors.")

    @model_validator(mode="after")
    def _target(self) -> "ChannelEvent":
        if (self.channel is None) == (self.between is None):
            raise ValueError("give exactly one of `channel` (a venue id) or `between` (two actors)")
        return self


class ShiftEvent(_EventBase):
    """An actor's position or salience on an issue moves, to a value or by an amount."""

    type: Literal["position_shift", "salience_shift"]
    actor: Id
    issue: Id
    to: float | None = Field(default=None, allow_inf_nan=False)
    by: float | None = Field(default=None, allow_inf_nan=False)

    _amount = model_validator(mode="after")(lambda self: _to_or_by(self))


class RelationEvent(_EventBase):
    """The alignment between two actors changes (an accusation, a rapprochement)."""

    type: Literal["relation_change"]
    between: tuple[Id, Id]
    to: float | None = Field(default=None, ge=-1, le=1)
    by: float | None = Field(default=None, ge=-2, le=2)

    _amount = model_validator(mode="after")(lambda self: _to_or_by(self))


class ThreatEvent(_EventBase):
    """An actor announces a consequence if there is no deal by a date (an ultimatum)."""

    type: Literal["threat"]
    actor: Id
    target: Id | None = None
    issue: Id | None = Field(default=None, description="The issue the consequence acts on.")
    consequence: float | None = Field(
        default=None, allow_inf_nan=False, description="Where that issue ends up if the threat is executed."
    )
    by_date: dt.date | None = None
    credibility: float = Field(default=0.5, ge=0, le=1)


class ThreatOutcomeEvent(_EventBase):
    """A threat announced earlier is carried out or withdrawn."""

    type: Literal["threat_executed", "threat_withdrawn"]
    threat: Id


class ActorEvent(_EventBase):
    """An actor leaves the table or comes back."""

    type: Literal["actor_leaves", "actor_returns"]
    actor: Id
    condition: str = ""
    return_probability: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="For actor_leaves: per-round probability of coming back in each later round "
        "(agents model).",
    )


class ReservationEvent(_EventBase):
    """The no-deal outcome on an issue moves (e.g. an executed zero option)."""

    type: Literal["reservation_shift"]
    issue: Id
    to: float = Field(allow_inf_nan=False)


class ShockEvent(_EventBase):
    """Something happens on the ground (attacks, a bombing, a drawdown): it changes the state of the
    negotiation, not what anyone wants (agents model): the no-deal outcome on ``issue`` moves by ``size``,
    and the actor named (every actor when none is) bears more ``delay_cost``, gains or loses
    ``capability`` (a relative change), and the talks' ``breakdown_risk`` rises or falls."""

    type: Literal["shock"]
    actor: Id | None = Field(
        default=None, description="The actor it acts on (costs, capability); none: every actor."
    )
    issue: Id | None = None
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


Event = Annotated[
    ChannelEvent
    | ShiftEvent
    | RelationEvent
    | ThreatEvent
    | ThreatOutcomeEvent
    | ActorEvent
    | ReservationEvent
    | ShockEvent,
    Field(discriminator="type"),
]

EVENT_TYPES = (
    "channel_open, channel_close, position_shift, salience_shift, relation_change, threat, "
    "threat_executed, threat_withdrawn, actor_leaves, actor_returns, reservation_shift, shock"
)
