"""A game: one person plays one party of a scenario against the agents model's strategies.

A game is data: the scenario, the seed, the seat (an actor id), the model's parameters and the
list of the player's decisions, one per round. Advancing it replays the engine from the seed with a
``ScriptedPolicy`` in the seat that takes the recorded decisions round by round and, when it needs a
decision it does not have, raises ``Paused`` with what the seat sees (models/agents/policy.py). The
engine is deterministic given the seed, so the replay reaches the same round in the same state;
that one rule gives saving and resuming (a file of decisions), replay to identical tables, a
stateless browser version (each request carries the decisions) and Ctrl-C saving for free.

The player's walk-outs, returns and threats are the scenario's own event kinds (``actor_leaves``,
``actor_returns``, ``threat``, ``threat_executed``, ``threat_withdrawn``): the game appends them to
the scenario's event list, dated the round after the decision, so the engine compiles and fires
them exactly like scripted events. They are certain events (probability 1, a player's threat has no
``by_date``: the player carries it out or withdraws it), so they draw nothing from the random
generator and the random schedule of every other event stays that of ``accord run`` with the seed.
Appended last, they leave the indices of the scenario's own events and threats unchanged.

One decision per round suffices: each round the parties' offers are computed from the state before
anyone speaks (protocol.py), so the offers the seat receives, and their worth to it, do not depend on
its own proposal of that round; the engine asks for the proposal first and the answers second, and
the game pauses at the answers, where the seat sees the offers with their values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import AccordError, ParameterError
from ..models.agents.model import AgentsModel, events_table
from ..models.agents.policy import Paused, StrategyPolicy, View
from ..models.agents.setup import prepare
from ..models.agents.single import Record
from ..models.agents.utility import utility
from ..models.base import Result
from ..models.registry import build_model
from ..scenario.arrays import to_arrays
from ..scenario.schema import Scenario

PLAYER_EVENTS = ("actor_leaves", "actor_returns", "threat", "threat_executed", "threat_withdrawn")
THREAT_PREFIX = "you-threat-"


class GameError(AccordError):
    """A game that cannot be played or a decision that cannot be taken (the message says why)."""


@dataclass(frozen=True)
class Decision:
    """The seat's decision in one round: what it proposes, whose offers it accepts, what it announces.

    ``propose`` holds scale positions (None: the model's suggestion for the seat); ``auto`` plays the
    round as the model's own strategy would (its proposal and its answers); ``events`` are the
    player's events as scenario event fields (type, and issue/consequence/target/credibility for a
    threat, threat for its execution or withdrawal), taking effect from the next round."""

    round: int
    propose: tuple[float, ...] | None = None
    accept: tuple[str, ...] = ()
    events: tuple[dict[str, Any], ...] = ()
    auto: bool = False

    def to_json(self) -> dict[str, Any]:
        """The decision as JSON-ready data (floats round-trip exactly through JSON)."""
        out: dict[str, Any] = {"round": self.round}
        if self.auto:
            out["auto"] = True
        else:
            out["propose"] = None if self.propose is None else list(self.propose)
            out["accept"] = list(self.accept)
        if self.events:
            out["events"] = [dict(e) for e in self.events]
        return out

    @classmethod
    def from_json(cls, data: Any, where: str) -> Decision:
        """A decision read back from a saved game (GameError naming the entry when malformed)."""
        try:
            propose = data.get("propose")
            return cls(
                round=int(data["round"]),
                propose=None if propose is None else tuple(float(x) for x in propose),
                accept=tuple(str(a) for a in data.get("accept", ())),
                events=tuple(
                    _event_from_json(e, f"{where}.events.{k}") for k, e in enumerate(data.get("events", ()))
                ),
                auto=bool(data.get("auto", False)),
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise GameError(
                f"{where}: not a decision ({exc}); allowed: an object with round, propose, accept, events"
            ) from None


def _event_from_json(e: Any, where: str) -> dict[str, Any]:
    """A player's event read back: its type and the fields that type takes, typed (GameError otherwise)."""
    if not isinstance(e, dict) or e.get("type") not in PLAYER_EVENTS:
        raise GameError(
            f"{where}: not a player's event; allowed: an object with type one of {', '.join(PLAYER_EVENTS)}"
        )
    kind = e["type"]
    try:
        if kind == "threat":
            out = {"type": kind, "issue": str(e["issue"]), "consequence": float(e["consequence"])}
            out["credibility"] = float(e.get("credibility", 0.5))
            if e.get("target"):
                out["target"] = str(e["target"])
            if np.isfinite(out["consequence"]) and 0 <= out["credibility"] <= 1:
                return out
            raise GameError(f"{where}: a threat needs a finite consequence and a credibility from 0 to 1")
        if kind in ("threat_executed", "threat_withdrawn"):
            return {"type": kind, "threat": str(e["threat"])}
    except (KeyError, TypeError, ValueError) as exc:
        raise GameError(f"{where}: a {kind} event needs its fields ({exc})") from None
    return {"type": kind}


class ScriptedPolicy:
    """The seat's policy in a replay: the recorded decision of each round, or a pause for a new one."""

    def __init__(self, decisions: list[Decision]) -> None:
        self.by_round = {d.round: d for d in decisions}

    def propose(self, view: View) -> np.ndarray:
        """The recorded proposal; the model's suggestion where none is recorded (the game pauses at the
        answers of that round and replays it once the decision is known)."""
        d = self.by_round.get(view.round)
        if d is None or d.auto or d.propose is None:
            return view.proposal
        return np.array(d.propose, dtype=float)

    def respond(self, view: View) -> set[str]:
        """The recorded acceptances; a ``Paused`` carrying the view where the round has no decision."""
        d = self.by_round.get(view.round)
        if d is None:
            raise Paused(view)
        if d.auto:
            return StrategyPolicy().respond(view)
        return set(d.accept)


@dataclass(frozen=True)
class Turn:
    """A round waiting for the seat's decision: what it sees and what happened so far."""

    view: View
    rounds: int  # the deadline: rounds 0 .. rounds - 1 are played
    fired: list[dict[str, Any]]  # events (and side deals) since the seat last decided
    record: Record


@dataclass
class Game:
    """One game: scenario, seed, seat, the model's parameters and the decisions taken so far."""

    scenario: Scenario
    actor: str
    seed: int = 0
    decisions: list[Decision] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.actor not in self.scenario.actor_ids:
            raise GameError(
                f"--as: unknown actor {self.actor!r} in scenario {self.scenario.name!r}; "
                f"allowed: {', '.join(self.scenario.actor_ids)}"
            )
        self._check_decisions()
        model = self.model()
        if model.protocol != "accord":
            raise ParameterError("protocol: a game is played under protocol 'accord'; allowed: accord")
        model.check_supported(self.scenario)
        setting, st, _ = prepare(
            self.scenario, to_arrays(self.scenario), model.default_strategy, model.max_rounds
        )
        self.rounds = setting.rounds
        k = setting.actors.index(self.actor)
        # the seat's preferences as the scenario states them (before any position shift)
        self._ideal = np.where(setting.stance[k], st.ideal[0, k], 0.0)
        self._unit = st.unit(setting)[0, k]
        self._risk = None if setting.agents.curved is None else np.asarray(setting.agents.curved[k])

    def _check_decisions(self) -> None:
        """Decisions read from a file or a request name this scenario's issues and actors."""
        sc, m = self.scenario, len(self.scenario.issues)
        for k, d in enumerate(self.decisions):
            if d.propose is not None and (len(d.propose) != m or not np.isfinite(d.propose).all()):
                raise GameError(f"decisions.{k}.propose: {len(d.propose)} terms; allowed: {m} finite numbers")
            for ev in d.events:
                if "issue" in ev and ev["issue"] not in sc.issue_ids:
                    raise GameError(
                        f"decisions.{k}: issue {ev['issue']!r}; allowed: {', '.join(sc.issue_ids)}"
                    )
                if ev.get("target") is not None and ev["target"] not in sc.actor_ids:
                    raise GameError(
                        f"decisions.{k}: target {ev['target']!r}; allowed: {', '.join(sc.actor_ids)}"
                    )

    def model(self) -> AgentsModel:
        """The agents model the game is played with (the scenario's parameters for it, then the game's)."""
        model = build_model("agents", self.scenario, self.params)
        assert isinstance(model, AgentsModel)  # the registered name of the agents model
        return model

    def utility(self, terms: np.ndarray | list[float]) -> float:
        """The seat's utility of a point (its stated preferences, the engine's utility function)."""
        return float(utility(self._ideal, self._unit, self._risk, np.asarray(terms, dtype=float)))

    @property
    def ideal(self) -> np.ndarray:
        """The seat's own position per issue (the no-deal outcome where it takes no stance)."""
        return self._ideal.copy()

    def played(self) -> Scenario:
        """The scenario with the player's events appended (each dated the round after its decision)."""
        extra = list(self.player_events())
        if not extra:
            return self.scenario
        data = self.scenario.model_dump(mode="python", exclude_none=True)
        data["events"] = list(data.get("events", [])) + extra
        return Scenario.model_validate(data)

    def player_events(self) -> list[dict[str, Any]]:
        """The player's decisions' events as scenario events, in order."""
        out, threats = [], 0
        for d in self.decisions:
            for ev in d.events:
                kind = ev["type"]
                full: dict[str, Any] = {"type": kind, "round": d.round + 1}
                if kind == "threat":
                    threats += 1
                    full.update({k: ev[k] for k in ("issue", "consequence", "credibility") if k in ev})
                    full.update({"actor": self.actor, "id": f"{THREAT_PREFIX}{threats}"})
                    if ev.get("target"):
                        full["target"] = ev["target"]
                elif kind in ("threat_executed", "threat_withdrawn"):
                    full["threat"] = ev["threat"]
                else:
                    full["actor"] = self.actor
                full["description"] = describe_event(self.actor, full)
                out.append(full)
        return out

    def last_proposal(self) -> tuple[float, ...] | None:
        """The seat's last proposal of its own (None before it made one): what ``reject`` repeats."""
        return next(
            (d.propose for d in reversed(self.decisions) if d.propose is not None and not d.auto), None
        )

    def live_threats(self) -> list[str]:
        """The ids of the player's threats announced and neither carried out nor withdrawn."""
        live: list[str] = []
        for ev in self.player_events():
            if ev["type"] == "threat":
                live.append(ev["id"])
            elif ev["type"] in ("threat_executed", "threat_withdrawn") and ev["threat"] in live:
                live.remove(ev["threat"])
        return live

    def advance(self) -> Turn | Result:
        """Replay from the seed: the next round's ``Turn``, or the finished game's ``Result``."""
        policy = ScriptedPolicy(self.decisions)
        try:
            return self.model().play(self.played(), self.seed, {self.actor: policy})
        except Paused as pause:
            return self._turn(pause.view, pause.record)

    def _turn(self, view: View, record: Record) -> Turn:
        model = self.model()
        scenario = self.played()
        setting, _, _ = prepare(scenario, to_arrays(scenario), model.default_strategy, model.max_rounds)
        last = self.decisions[-1].round if self.decisions else -1
        frame = events_table(scenario, setting, record)
        since = frame[
            ((frame["round"] > last) & ~frame["type"].isin(["side_deal", "breakdown"]))
            | ((frame["round"] >= last) & frame["type"].isin(["side_deal", "breakdown"]) & (last >= 0))
        ]
        fired = [{str(k): v for k, v in row.items()} for row in since.to_dict(orient="records")]
        return Turn(view, setting.rounds, fired, record)

    def decide(self, decision: Decision) -> None:
        """Add the decision of the round the game waits in (checked: its round, names and events)."""
        turn = self.advance()
        if not isinstance(turn, Turn):
            raise GameError("the game is over; allowed: no further decisions")
        check(self, turn, decision)
        self.decisions.append(decision)

    def compare(self, result: Result) -> dict[str, Any]:
        """The finished game beside the model's own strategy for the seat from the same seed."""
        own = self.model().run(self.scenario, self.seed)
        you, them = (self.utility(r.forecast["forecast"].to_numpy()) for r in (result, own))
        yours, theirs = result.info["outcome"], own.info["outcome"]

        def side(r: Result, utility: float, outcome: dict[str, Any]) -> dict[str, Any]:
            forecast = dict(zip(r.forecast["issue"], map(float, r.forecast["forecast"]), strict=True))
            return {
                "utility": utility,
                "deal": outcome["deal"],
                "round": outcome["round"],
                "forecast": forecast,
            }

        return {
            "actor": self.actor,
            "you": side(result, you, yours),
            "model": side(own, them, theirs),
            "text": comparison_text(self.actor, you, them, yours["round"], theirs["round"]),
        }


def check(game: Game, turn: Turn, d: Decision) -> None:
    """Refuse a decision the round cannot take, naming what is allowed."""
    view = turn.view
    if d.round != view.round:
        raise GameError(f"decision for round {d.round}: the game waits in round {view.round}")
    if d.propose is not None and len(d.propose) != len(view.issues):
        raise GameError(f"propose: {len(d.propose)} terms; allowed: one per issue ({', '.join(view.issues)})")
    for name in d.accept:
        if name not in view.received:
            raise GameError(
                f"accept: no offer from {name!r} this round; allowed: "
                + (", ".join(view.received) or "none (no offer reached you)")
            )
    live = game.live_threats()
    for ev in d.events:
        kind = ev.get("type")
        if kind not in PLAYER_EVENTS:
            raise GameError(f"event type {kind!r}; allowed: {', '.join(PLAYER_EVENTS)}")
        if view.round + 1 >= turn.rounds:
            raise GameError(
                f"{kind}: this is the last round (the deadline); an event would take effect after the talks "
                "are over; allowed: accept, propose or reject"
            )
        if kind == "actor_leaves" and game.actor not in view.present:
            raise GameError("walkout: you are away from the table already; allowed: return")
        if kind == "actor_returns" and game.actor in view.present:
            raise GameError("return: you are at the table; allowed: walkout")
        if kind in ("threat_executed", "threat_withdrawn") and ev.get("threat") not in live:
            raise GameError(
                f"{kind}: no live threat of yours named {ev.get('threat')!r}; allowed: "
                + (", ".join(live) or "none (announce one with: threat ISSUE=VALUE)")
            )


def describe_event(actor: str, ev: dict[str, Any]) -> str:
    """The events table's description of a player's event."""
    kind = ev["type"]
    if kind == "actor_leaves":
        return f"{actor} (player) walks out of the talks"
    if kind == "actor_returns":
        return f"{actor} (player) returns to the table"
    if kind == "threat":
        target = ev.get("target") or "every other party"
        return (
            f"{actor} (player) threatens {target}: without a deal, {ev['issue']} goes to "
            f"{ev['consequence']:g} (credibility {ev.get('credibility', 0.5):g})"
        )
    verb = "carries out" if kind == "threat_executed" else "withdraws"
    return f"{actor} (player) {verb} its threat {ev['threat']}"


def comparison_text(actor: str, you: float, them: float, yours: int | None, theirs: int | None) -> str:
    """'You got 0.61 where the model's AFG got 0.55; the deal came 3 rounds earlier.'"""
    head = f"you got a utility of {you:.3f} where the model's {actor} got {them:.3f}"
    if yours is None and theirs is None:
        return head + "; neither game reached a deal"
    if yours is None:
        return head + f"; your game ended without a deal, the model's reached one in round {theirs}"
    if theirs is None:
        return head + f"; your game reached a deal in round {yours}, the model's none"
    if yours == theirs:
        return head + f"; the deal came in the same round ({yours})"
    gap = abs(theirs - yours)
    return head + f"; the deal came {gap} round{'s' * (gap != 1)} {'earlier' if yours < theirs else 'later'}"
