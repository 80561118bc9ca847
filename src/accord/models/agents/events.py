"""Scenario events as data the engine can apply to many draws at once.

``compile_events`` checks each event against what the agents model needs (ScenarioError naming the
event and the allowed values) and resolves ids to indices; ``sample_schedule`` decides, with the one
random generator, in which rounds each event fires in each draw; ``apply_event`` changes the state
of the draws where it fires.

Semantics (docs/explanation/agents.md): events act on the state of the negotiation, not on what the parties
want; only a ``position_shift`` moves an ideal. A ``shock`` moves the no-deal outcome on its issue by
``size`` (times the model's ``shock_scale``: what happens on the ground is what no deal means), and
acts on the actor it names (every actor when none is named): its cost of delay, its capability, the
breakdown risk; with ``probability`` below 1 it recurs every round from its date with that
probability. An event dated on the deadline fires in the last round; one after it is refused. A ``threat``
lowers each target's reservation by credibility x the utility the target
would lose if it got the consequence instead of what it now counts on (its reservation value: the
no-deal outcome, or the analyst's higher estimate in ``params.reservation``); at ``by_date`` it is carried
out with probability = credibility (a random event) unless executed or withdrawn before.
``actor_leaves`` takes an actor from the table; with ``return_probability`` it comes back in each
later round with that probability (or through an ``actor_returns`` event).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...errors import ScenarioError
from ...scenario.schema import Scenario
from .state import Setting, State


@dataclass(frozen=True)
class Compiled:
    """One scenario event resolved to indices and a round, ready to fire in the engine."""

    kind: str
    round: int
    probability: float  # per-round probability from `round` on when recurring, else chance at `round`
    recurring: bool
    actors: tuple[str, ...]
    description: str
    args: dict[str, Any] = field(default_factory=dict)


def _round(scenario: Scenario, ev: Any) -> int:
    return ev.round if ev.round is not None else scenario.round_of(ev.date)


def compile_events(scenario: Scenario, rounds: int) -> tuple[list[Compiled], int]:
    """The events as Compiled records (threat executions at their deadlines added), and the threat count."""
    a_ix = {a: k for k, a in enumerate(scenario.actor_ids)}
    i_ix = {i: k for k, i in enumerate(scenario.issue_ids)}
    v_ix = {c.id: k for k, c in enumerate(scenario.channels)}
    threats: dict[str, int] = {}
    acts_on: list[tuple[int, float, int]] = []
    out: list[Compiled] = []
    who: tuple[str, ...]
    args: dict[str, Any]
    last = rounds - 1
    for k, ev in enumerate(scenario.events):
        where = f"events.{k}" + (f" ({ev.id})" if ev.id else "")
        r, text = _round(scenario, ev), ev.description or ev.type
        if r > rounds:
            raise ScenarioError(
                "the event falls after the deadline, when the talks are over",
                location=where,
                value=ev.id or str(ev.date or ev.round),
                allowed=f"round {rounds} (the deadline"
                f"{', ' + str(scenario.date_of(rounds)) if scenario.start else ''})"
                " or earlier",
            )
        r = min(r, last)  # an event on the deadline fires in the last round
        if ev.type in ("channel_open", "channel_close"):
            args = {"open": ev.type == "channel_open"}
            if ev.channel is not None:
                args["venue"], who = v_ix[ev.channel], (ev.channel,)
            else:
                assert ev.between is not None  # the schema requires exactly one of channel and between
                args["pair"], who = (a_ix[ev.between[0]], a_ix[ev.between[1]]), tuple(ev.between)
                if ev.between[0] == ev.between[1]:
                    raise ScenarioError(
                        "a channel joins two different actors",
                        location=f"{where}.between",
                        value=list(ev.between),
                        allowed="two different actor ids",
                    )
            out.append(Compiled(ev.type, r, 1.0, False, who, text, args))
        elif ev.type in ("position_shift", "salience_shift"):
            holders = [a for a, row in scenario.stances.items() if ev.issue in row]
            if ev.actor not in holders:
                raise ScenarioError(
                    f"actor {ev.actor!r} takes no stance on issue {ev.issue!r}",
                    location=f"{where}.actor",
                    value=ev.actor,
                    allowed=", ".join(holders),
                )
            out.append(
                Compiled(
                    ev.type,
                    r,
                    1.0,
                    False,
                    (ev.actor,),
                    text,
                    {"actor": a_ix[ev.actor], "issue": i_ix[ev.issue], "to": ev.to, "by": ev.by},
                )
            )
        elif ev.type == "relation_change":
            out.append(
                Compiled(
                    ev.type,
                    r,
                    1.0,
                    False,
                    tuple(ev.between),
                    text,
                    {"pair": (a_ix[ev.between[0]], a_ix[ev.between[1]]), "to": ev.to, "by": ev.by},
                )
            )
        elif ev.type == "threat":
            out.extend(_threat(scenario, ev, where, r, text, len(threats), a_ix, i_ix, rounds))
            threats[ev.id or f"#{k}"] = len(threats)
            assert ev.issue is not None and ev.consequence is not None  # _threat raised otherwise
            acts_on.append((i_ix[ev.issue], ev.consequence, a_ix[ev.actor]))
        elif ev.type in ("threat_executed", "threat_withdrawn"):
            if ev.threat not in threats:
                raise ScenarioError(
                    f"{ev.type} refers to a threat announced later in the list",
                    location=f"{where}.threat",
                    value=ev.threat,
                    allowed=", ".join(threats) or "none yet",
                )
            out.append(
                Compiled(
                    ev.type,
                    r,
                    1.0,
                    False,
                    (ev.threat,),
                    text,
                    {"threat": threats[ev.threat], "acts_on": acts_on[threats[ev.threat]]},
                )
            )
        elif ev.type in ("actor_leaves", "actor_returns"):
            out.append(Compiled(ev.type, r, 1.0, False, (ev.actor,), text, {"actor": a_ix[ev.actor]}))
            p = getattr(ev, "return_probability", 0.0)
            if ev.type == "actor_leaves" and p > 0:
                out.append(
                    Compiled(
                        "actor_returns",
                        r + 1,
                        p,
                        True,
                        (ev.actor,),
                        f"{ev.actor} returns to the table ({ev.condition or 'random return'})",
                        {"actor": a_ix[ev.actor], "if_away": True},
                    )
                )
        elif ev.type == "reservation_shift":
            out.append(
                Compiled(ev.type, r, 1.0, False, (ev.issue,), text, {"issue": i_ix[ev.issue], "to": ev.to})
            )
        elif ev.type == "shock":
            if ev.issue is None and ev.size != 0:
                raise ScenarioError(
                    "a shock with a size needs the issue it acts on",
                    location=f"{where}.issue",
                    allowed=", ".join(scenario.issue_ids),
                )
            who = (ev.actor,) if ev.actor else ()
            targets = [a_ix[ev.actor]] if ev.actor else list(range(len(a_ix)))
            out.append(
                Compiled(
                    "shock",
                    r,
                    ev.probability,
                    ev.probability < 1,
                    who,
                    text,
                    {
                        "issue": None if ev.issue is None else i_ix[ev.issue],
                        "size": ev.size,
                        "targets": targets,
                        "delay_cost": ev.delay_cost,
                        "capability": ev.capability,
                        "breakdown_risk": ev.breakdown_risk,
                    },
                )
            )
    return out, len(threats)


def _threat(scenario, ev, where, r, text, index, a_ix, i_ix, rounds) -> list[Compiled]:
    if ev.issue is None or ev.consequence is None:
        raise ScenarioError(
            "a threat needs the `issue` it acts on and its `consequence` there",
            location=where,
            allowed="issue: " + ", ".join(scenario.issue_ids),
        )
    if ev.target == ev.actor:
        others = [a for a in scenario.actor_ids if a != ev.actor]
        raise ScenarioError(
            "an actor cannot threaten itself",
            location=f"{where}.target",
            value=ev.target,
            allowed=", ".join(others),
        )
    targets = [a_ix[ev.target]] if ev.target else [a_ix[a] for a in scenario.actor_ids if a != ev.actor]
    args = {
        "threat": index,
        "targets": targets,
        "issue": i_ix[ev.issue],
        "to": ev.consequence,
        "credibility": ev.credibility,
        "actor": a_ix[ev.actor],
    }
    who = (ev.actor,) + ((ev.target,) if ev.target else ())
    found = [Compiled("threat", r, 1.0, False, who, text, args)]
    if ev.by_date is not None:
        if scenario.start is None:
            raise ScenarioError(
                "a threat's by_date needs the scenario's `start` date", location=f"{where}.by_date"
            )
        due = max(r, scenario.round_of(ev.by_date))
        if due > rounds:
            raise ScenarioError(
                "the threat's by_date falls after the deadline, when the talks are over",
                location=f"{where}.by_date",
                value=str(ev.by_date),
                allowed=f"{scenario.date_of(rounds)} (the deadline, round {rounds}) or earlier",
            )
        found.append(
            Compiled(
                "threat_executed",
                min(due, rounds - 1),
                ev.credibility,
                False,
                who,
                f"no deal by {ev.by_date}: the threat is carried out",
                {"threat": index, "acts_on": (args["issue"], args["to"], args["actor"])},
            )
        )
    return found


def sample_schedule(events: list[Compiled], rounds: int, draws: int, rng: np.random.Generator) -> np.ndarray:
    """fire[d, e, t]: whether event e fires in round t of draw d; random draws in event order."""
    fire = np.zeros((draws, len(events), rounds), bool)
    for e, ev in enumerate(events):
        if ev.round >= rounds:
            continue
        if ev.recurring:
            fire[:, e, ev.round :] = rng.random((draws, rounds - ev.round)) < ev.probability
        elif ev.probability < 1:
            fire[:, e, ev.round] = rng.random(draws) < ev.probability
        else:
            fire[:, e, ev.round] = True
    return fire


def sample_hazard(
    setting: Setting, events: list[Compiled], draws: int, rng: np.random.Generator
) -> np.ndarray | None:
    """Uniform draws (draws, rounds) against which each round's breakdown risk is tested, or None when no
    breakdown can happen (then nothing is drawn, so seeds keep their event schedules)."""
    if setting.breakdown <= 0 and not any(
        ev.kind == "shock" and ev.args.get("breakdown_risk", 0) > 0 for ev in events
    ):
        return None
    return rng.random((draws, setting.rounds))


def sample_private(setting: Setting, st: State, rng: np.random.Generator) -> None:
    """Draw each actor's private reservation: its public value plus a uniform error of half-width
    ``negotiation.private_width`` (Fearon 1995: private information), per draw. Nothing is drawn when the
    width is 0, so seeds keep their schedules."""
    if setting.private_width > 0:
        st.offset += rng.uniform(-setting.private_width, setting.private_width, st.offset.shape)


def is_random(ev: Compiled) -> bool:
    """Whether the event needs a random draw (it recurs or may not happen at all)."""
    return ev.recurring or ev.probability < 1


def apply_event(
    st: State, setting: Setting, ev: Compiled, mask: np.ndarray, t: int, shock_scale: float
) -> np.ndarray:
    """Change the draws in ``mask`` (S,) in place; return where the event had an effect (S,)."""
    a = ev.args
    if ev.kind in ("channel_open", "channel_close"):
        if "venue" in a:
            st.venue_open[:, a["venue"]] = np.where(mask, a["open"], st.venue_open[:, a["venue"]])
        else:
            _set_pair(st.direct, a["pair"], mask, a["open"])
    elif ev.kind in ("position_shift", "salience_shift"):
        target = st.ideal if ev.kind == "position_shift" else st.salience
        lo, hi = (
            (setting.lo[a["issue"]], setting.hi[a["issue"]]) if ev.kind == "position_shift" else (0.0, 100.0)
        )
        old = target[:, a["actor"], a["issue"]]
        new = np.clip(a["to"] if a["to"] is not None else old + a["by"], lo, hi)
        target[:, a["actor"], a["issue"]] = np.where(mask, new, old)
    elif ev.kind == "relation_change":
        i, j = a["pair"]
        old = st.alignment[:, i, j]
        _set_pair(
            st.alignment, a["pair"], mask, np.clip(a["to"] if a["to"] is not None else old + a["by"], -1, 1)
        )
    elif ev.kind == "threat":
        moved = st.no_deal.copy()
        moved[:, a["issue"]] = a["to"]
        loss = (
            np.maximum(st.reservation(setting) - st.no_deal_utility(setting, moved), 0.0) * a["credibility"]
        )
        chosen = np.zeros(len(setting.actors), bool)
        chosen[a["targets"]] = True
        st.threat_loss[:, a["threat"]] = np.where(
            mask[:, None] & chosen, loss, st.threat_loss[:, a["threat"]]
        )
        st.threat_live[:, a["threat"]] |= mask
    elif ev.kind in ("threat_executed", "threat_withdrawn"):
        k = a["threat"]
        mask = mask & st.threat_live[:, k]
        if ev.kind == "threat_executed":
            issue, to, actor = a["acts_on"]
            # a side deal the threatener signed that settles the issue overrides the threat for its parties
            override = st.side_deal & st.side_parties[:, actor] & st.side_settled[:, issue]
            hit = mask & ~override
            st.no_deal[:, issue] = np.where(hit, to, st.no_deal[:, issue])
            st.no_deal_final[:, issue] = np.where(hit, to, st.no_deal_final[:, issue])
            st.fixed[:, issue] |= hit
        st.threat_loss[:, k] = np.where(mask[:, None], 0.0, st.threat_loss[:, k])
        st.threat_live[:, k] &= ~mask
    elif ev.kind == "actor_leaves":
        mask = mask & st.present[:, a["actor"]]
        st.present[:, a["actor"]] &= ~mask
        st.left_round[:, a["actor"]] = np.where(mask, t, st.left_round[:, a["actor"]])
    elif ev.kind == "actor_returns":
        mask = mask & ~st.present[:, a["actor"]]
        st.present[:, a["actor"]] |= mask
        st.left_round[:, a["actor"]] = np.where(mask, np.nan, st.left_round[:, a["actor"]])
    elif ev.kind == "reservation_shift":
        st.no_deal[:, a["issue"]] = np.where(
            mask & ~st.fixed[:, a["issue"]], a["to"], st.no_deal[:, a["issue"]]
        )
    elif ev.kind == "shock":
        _shock(st, setting, a, mask, shock_scale)
    return mask


def _shock(st: State, setting: Setting, a: dict[str, Any], mask: np.ndarray, shock_scale: float) -> None:
    """A shock changes the state: the no-deal outcome on its issue (now and as foreseen at the deadline),
    the named actors' cost of delay and capability, the breakdown risk."""
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
