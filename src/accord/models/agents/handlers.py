"""What each scenario event type does in the agents engine: one handler per type, registered by name.

Semantics (docs/explanation/agents.md): events act on the state of the negotiation, not on what the
parties want; only a ``position_shift`` moves an ideal. A ``shock`` moves the no-deal outcome on its issue by
``size`` (times the model's ``shock_scale``: what happens on the ground is what no deal means), and
acts on the actor it names (every actor when none is named): its cost of delay, its capability, the
breakdown risk; with ``probability`` below 1 it recurs every round from its date with that
probability. A ``threat`` lowers each target's reservation by credibility x the utility the target
would lose if it got the consequence instead of what it now counts on (its reservation value: the
no-deal outcome, or the analyst's higher estimate in ``params.reservation``); at ``by_date`` it is carried
out with probability = credibility (a random event) unless executed or withdrawn before.
``actor_leaves`` takes an actor from the table; with ``return_probability`` it comes back in each
later round with that probability (or through an ``actor_returns`` event).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...errors import ScenarioError
from ...scenario.events import (
    ActorEvent,
    ChannelEvent,
    RelationEvent,
    ReservationEvent,
    ShiftEvent,
    ShockEvent,
)
from .handling import At, Compiled, Handler, handles, is_random
from .state import Setting, State


@handles("channel_open", "channel_close")
class Channel(Handler[ChannelEvent]):
    """A venue or a direct channel between two actors opens or closes."""

    def compile(self, ev: ChannelEvent, at: At) -> list[Compiled]:
        """The venue's index, or the pair's (two different actors)."""
        args: dict[str, Any] = {"open": ev.type == "channel_open"}
        who: tuple[str, ...]
        if ev.channel is not None:
            args["venue"], who = at.book.venue[ev.channel], (ev.channel,)
        else:
            assert ev.between is not None  # the schema requires exactly one of channel and between
            args["pair"], who = (
                (at.book.actor[ev.between[0]], at.book.actor[ev.between[1]]),
                tuple(ev.between),
            )
            if ev.between[0] == ev.between[1]:
                raise ScenarioError(
                    "a channel joins two different actors",
                    location=f"{at.where}.between",
                    value=list(ev.between),
                    allowed="two different actor ids",
                )
        return [at.fire(ev.type, who, args)]

    def apply(
        self, st: State, setting: Setting, ev: Compiled, mask: np.ndarray, t: int, shock_scale: float
    ) -> np.ndarray:
        """Open or close the venue, or the direct channel both ways."""
        a = ev.args
        if "venue" in a:
            st.venue_open[:, a["venue"]] = np.where(mask, a["open"], st.venue_open[:, a["venue"]])
        else:
            _set_pair(st.direct, a["pair"], mask, a["open"])
        return mask


@handles("position_shift", "salience_shift")
class Shift(Handler[ShiftEvent]):
    """An actor's ideal point or salience on an issue moves (clipped to the scale, or to 0-100)."""

    def compile(self, ev: ShiftEvent, at: At) -> list[Compiled]:
        """Refused when the actor takes no stance on the issue: there is nothing to move."""
        holders = [a for a, row in at.book.scenario.stances.items() if ev.issue in row]
        if ev.actor not in holders:
            raise ScenarioError(
                f"actor {ev.actor!r} takes no stance on issue {ev.issue!r}",
                location=f"{at.where}.actor",
                value=ev.actor,
                allowed=", ".join(holders),
            )
        book = at.book
        args = {"actor": book.actor[ev.actor], "issue": book.issue[ev.issue], "to": ev.to, "by": ev.by}
        return [at.fire(ev.type, (ev.actor,), args)]

    def apply(
        self, st: State, setting: Setting, ev: Compiled, mask: np.ndarray, t: int, shock_scale: float
    ) -> np.ndarray:
        """Set or move the value where the event fires."""
        a = ev.args
        position = ev.kind == "position_shift"
        target = st.ideal if position else st.salience
        lo, hi = (setting.lo[a["issue"]], setting.hi[a["issue"]]) if position else (0.0, 100.0)
        old = target[:, a["actor"], a["issue"]]
        new = np.clip(a["to"] if a["to"] is not None else old + a["by"], lo, hi)
        target[:, a["actor"], a["issue"]] = np.where(mask, new, old)
        return mask


@handles("relation_change")
class Relation(Handler[RelationEvent]):
    """The alignment of two actors is set or moved (clipped to -1..1), both ways."""

    def compile(self, ev: RelationEvent, at: At) -> list[Compiled]:
        """The pair's indices and the new value or change."""
        pair = (at.book.actor[ev.between[0]], at.book.actor[ev.between[1]])
        return [at.fire(ev.type, tuple(ev.between), {"pair": pair, "to": ev.to, "by": ev.by})]

    def apply(
        self, st: State, setting: Setting, ev: Compiled, mask: np.ndarray, t: int, shock_scale: float
    ) -> np.ndarray:
        """Set or move the alignment where the event fires."""
        a = ev.args
        i, j = a["pair"]
        old = st.alignment[:, i, j]
        _set_pair(
            st.alignment, a["pair"], mask, np.clip(a["to"] if a["to"] is not None else old + a["by"], -1, 1)
        )
        return mask


def _actor_event(ev: ActorEvent, at: At) -> Compiled:
    return at.fire(ev.type, (ev.actor,), {"actor": at.book.actor[ev.actor]})


@handles("actor_leaves")
class ActorLeaves(Handler[ActorEvent]):
    """An actor at the table leaves it (and may come back at random)."""

    def compile(self, ev: ActorEvent, at: At) -> list[Compiled]:
        """The walk-out, and with ``return_probability`` a recurring random return from the next round."""
        found = [_actor_event(ev, at)]
        if ev.return_probability > 0:
            found.append(
                Compiled(
                    "actor_returns",
                    at.round + 1,
                    ev.return_probability,
                    True,
                    (ev.actor,),
                    f"{ev.actor} returns to the table ({ev.condition or 'random return'})",
                    {"actor": at.book.actor[ev.actor], "if_away": True},
                )
            )
        return found

    def apply(
        self, st: State, setting: Setting, ev: Compiled, mask: np.ndarray, t: int, shock_scale: float
    ) -> np.ndarray:
        """Only where the actor is present; the round it left is kept for the explanation."""
        actor = ev.args["actor"]
        mask = mask & st.present[:, actor]
        st.present[:, actor] &= ~mask
        st.left_round[:, actor] = np.where(mask, t, st.left_round[:, actor])
        return mask


@handles("actor_returns")
class ActorReturns(Handler[ActorEvent]):
    """An actor away from the table comes back."""

    def compile(self, ev: ActorEvent, at: At) -> list[Compiled]:
        """The return (``return_probability`` is for actor_leaves)."""
        return [_actor_event(ev, at)]

    def apply(
        self, st: State, setting: Setting, ev: Compiled, mask: np.ndarray, t: int, shock_scale: float
    ) -> np.ndarray:
        """Only where the actor is away."""
        actor = ev.args["actor"]
        mask = mask & ~st.present[:, actor]
        st.present[:, actor] |= mask
        st.left_round[:, actor] = np.where(mask, np.nan, st.left_round[:, actor])
        return mask


@handles("reservation_shift")
class Reservation(Handler[ReservationEvent]):
    """The no-deal outcome on an issue moves (not where an executed threat has fixed it)."""

    def compile(self, ev: ReservationEvent, at: At) -> list[Compiled]:
        """The issue's index and the new no-deal outcome."""
        return [at.fire(ev.type, (ev.issue,), {"issue": at.book.issue[ev.issue], "to": ev.to})]

    def apply(
        self, st: State, setting: Setting, ev: Compiled, mask: np.ndarray, t: int, shock_scale: float
    ) -> np.ndarray:
        """Set the no-deal outcome where the event fires and the issue is not fixed."""
        q = ev.args["issue"]
        st.no_deal[:, q] = np.where(mask & ~st.fixed[:, q], ev.args["to"], st.no_deal[:, q])
        return mask

    def foresee(self, ev: Compiled, point: np.ndarray) -> None:
        """A scheduled (certain, dated) shift is common knowledge: the foreseen outcome moves with it."""
        if not is_random(ev):
            point[ev.args["issue"]] = ev.args["to"]


@handles("shock")
class Shock(Handler[ShockEvent]):
    """Something on the ground changes the state: the no-deal outcome, costs, capability, breakdown risk."""

    def compile(self, ev: ShockEvent, at: At) -> list[Compiled]:
        """A shock with a size needs its issue; below probability 1 it recurs every round."""
        if ev.issue is None and ev.size != 0:
            raise ScenarioError(
                "a shock with a size needs the issue it acts on",
                location=f"{at.where}.issue",
                allowed=", ".join(at.book.scenario.issue_ids),
            )
        book = at.book
        args = {
            "issue": None if ev.issue is None else book.issue[ev.issue],
            "size": ev.size,
            "targets": [book.actor[ev.actor]] if ev.actor else list(range(len(book.actor))),
            "delay_cost": ev.delay_cost,
            "capability": ev.capability,
            "breakdown_risk": ev.breakdown_risk,
        }
        who = (ev.actor,) if ev.actor else ()
        return [at.fire("shock", who, args, ev.probability, ev.probability < 1)]

    def raises_breakdown(self, ev: Compiled) -> bool:
        """A shock that adds breakdown risk."""
        return bool(ev.args.get("breakdown_risk", 0) > 0)

    def apply(
        self, st: State, setting: Setting, ev: Compiled, mask: np.ndarray, t: int, shock_scale: float
    ) -> np.ndarray:
        """The no-deal outcome on its issue (now and as foreseen at the deadline), the named actors'
        cost of delay and capability, the breakdown risk; each change times ``shock_scale``."""
        _shock(st, setting, ev.args, mask, shock_scale)
        return mask


def _shock(st: State, setting: Setting, a: dict[str, Any], mask: np.ndarray, shock_scale: float) -> None:
    if a["issue"] is not None and a["size"]:
        q = a["issue"]
        for point in (st.no_deal, st.no_deal_final):
            moved = np.clip(point[:, q] + a["size"] * shock_scale, setting.lo[q], setting.hi[q])
            point[:, q] = np.where(mask & ~st.fixed[:, q], moved, point[:, q])
    who = np.zeros(len(setting.actors), bool)
    who[a["targets"]] = True
    hit = mask[:, None] & who
    if a["delay_cost"]:
        st.delay_cost = np.where(
            hit, np.clip(st.delay_cost + a["delay_cost"] * shock_scale, 0.0, 1.0), st.delay_cost
        )
    if a["capability"]:
        st.capability = np.where(
            hit, np.maximum(st.capability * (1.0 + a["capability"] * shock_scale), 0.0), st.capability
        )
    if a["breakdown_risk"]:
        st.breakdown = np.where(
            mask, np.clip(st.breakdown + a["breakdown_risk"] * shock_scale, 0.0, 0.99), st.breakdown
        )


def _set_pair(matrix: np.ndarray, pair: tuple[int, int], mask: np.ndarray, value: Any) -> None:
    i, j = pair
    for x, y in ((i, j), (j, i)):
        matrix[:, x, y] = np.where(mask, value, matrix[:, x, y])
