"""The game in the browser (POST /api/play), stateless: each request carries the decisions so far.

The server keeps nothing between requests. A request holds the scenario, the seat, the seed, the
decisions taken (as the previous reply returned them) and, optionally, the next one as the page's
form gives it (terms as typed, in the issues' units, read by game/terms.py). The worker replays the
game from the seed (game/core.py), checks and adds the new decision, plays on to the next round and
answers with the decisions (the page keeps them), what the seat sees (game/screen.py) and two
charts: each party's proposals so far, and P(agreement by date) from a Monte Carlo of the scenario
with the events so far (the player's included) in which every seat plays the model's strategies.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..analysis.montecarlo import DEFAULT_NOISE, perturb
from ..game.core import Decision, Game, GameError, Turn, check
from ..game.screen import round_facts
from ..game.terms import parse_term, threat_from_text
from ..models.base import Result, history_frame
from ..report import figures
from ..scenario.arrays import to_arrays
from ..scenario.schema import Scenario
from .reply import Reply, figure_json, json_reply, parse_scenario

ACTIONS = ("propose", "accept", "reject", "auto")


def play(
    scenario: dict[str, Any],
    actor: str,
    seed: int,
    decisions: list[dict[str, Any]],
    move: dict[str, Any] | None,
    draws: int,
) -> Reply:
    """Replay, add ``move`` (the page's form) as the waiting round's decision, and answer the next round."""
    sc = parse_scenario(scenario)
    game = Game(sc, actor, seed, [Decision.from_json(d, f"decisions.{k}") for k, d in enumerate(decisions)])
    out = game.advance()
    if move is not None:
        if not isinstance(out, Turn):
            raise GameError("move: the game is over; allowed: no further moves")
        decision = from_form(game, out, move)
        check(game, out, decision)
        game.decisions.append(decision)
        out = game.advance()
    payload: dict[str, Any] = {"decisions": [d.to_json() for d in game.decisions]}
    if isinstance(out, Turn):
        payload["turn"] = round_facts(game, out)
        history = _history(game, out)
        payload["figures"] = _figures(game, history, draws, out.view.round)
    else:
        payload.update(_finished(game, out, draws))
    return json_reply(payload)


def from_form(game: Game, turn: Turn, move: dict[str, Any]) -> Decision:
    """A decision from the page's form: action, terms by issue id (text in units), accepted proposers,
    events (walk-out, return, threat with issue/value/target/credibility, execute/withdraw)."""
    action = move.get("action")
    if action not in ACTIONS:
        raise GameError(f"move.action: {action!r}; allowed: {', '.join(ACTIONS)}")
    t = turn.view.round
    events = tuple(_event(game, e) for e in move.get("events") or ())
    if action == "auto":
        return Decision(t, auto=True, events=events)
    accept = tuple(str(a) for a in move.get("accept") or ())
    if action == "accept" and not accept:
        raise GameError("move.accept: whose offer? allowed: " + (", ".join(turn.view.received) or "none"))
    if action == "accept":
        terms = turn.view.received.get(accept[0])
        propose = None if terms is None else tuple(map(float, terms))
    elif action == "reject":
        propose, accept = game.last_proposal(), ()
    else:
        given = move.get("terms") or {}
        if not isinstance(given, dict):
            raise GameError("move.terms: not an object; allowed: issue id -> value in the issue's units")
        propose = tuple(
            parse_term(iss, str(given[iss.id])) if str(given.get(iss.id, "")).strip() else float(x)
            for iss, x in zip(game.scenario.issues, turn.view.proposal, strict=True)
        )
        accept = ()
    return Decision(t, propose, accept, events)


def _event(game: Game, e: Any) -> dict[str, Any]:
    kind = e.get("type") if isinstance(e, dict) else None
    if kind == "threat":
        value, target, cred = (str(e.get(k) or "") for k in ("value", "target", "credibility"))
        return threat_from_text(game.scenario, game.actor, str(e.get("issue")), value, target, cred or "0.5")
    if kind in ("threat_executed", "threat_withdrawn"):
        return {"type": kind, "threat": str(e.get("threat"))}
    if kind in ("actor_leaves", "actor_returns"):
        return {"type": kind}
    raise GameError(
        f"event {kind!r}; allowed: actor_leaves, actor_returns, threat, threat_executed, threat_withdrawn"
    )


def _history(game: Game, turn: Turn) -> pd.DataFrame:
    """The parties' proposals of the rounds played so far, as a history table."""
    arrays = to_arrays(game.scenario)
    if not turn.record.blocks:
        return history_frame(arrays, arrays.position[None])
    played = turn.record.proposals()
    return history_frame(arrays, np.where(~np.isnan(arrays.position), played, np.nan))


def _figures(game: Game, history: pd.DataFrame, draws: int, now: int | None) -> dict[str, Any]:
    sc = game.played()
    trajectory = figures.trajectory_figure(game.scenario, history, "Proposals round by round")
    trajectory.update_xaxes(range=[-0.5, game.rounds - 0.5])  # the whole game: it fills as it goes
    charts = {"trajectories": trajectory}
    if draws:
        fig = figures.agreement_figure(sc, _agreement_rounds(game, sc, draws))
        fig.update_layout(
            title=f"P(agreement by date): {draws} draws with the events so far, every seat as the model plays"
        )
        if now is not None:
            fig.add_vline(x=sc.date_of(now) if sc.start else now, line_color="#c33")
        charts["agreement"] = fig
    return {k: figure_json(f) for k, f in charts.items()}


_ROUNDS: dict[tuple[str, str, int, int], np.ndarray] = {}  # per worker: the Monte Carlo of each event list
CACHED = 64


def _agreement_rounds(game: Game, sc: Scenario, draws: int) -> np.ndarray:
    """Each draw's agreement round (NaN: none) on the scenario with the events so far. The events change
    only when the player announces one, so most rounds of a game reuse the last Monte Carlo."""
    model = game.model()
    key = (sc.content_hash(), repr(sorted(model.get_params().items())), game.seed, draws)
    if key not in _ROUNDS:
        if len(_ROUNDS) >= CACHED:
            _ROUNDS.pop(next(iter(_ROUNDS)))
        arrays = perturb(to_arrays(sc), draws, DEFAULT_NOISE, np.random.default_rng(game.seed))
        _ROUNDS[key] = model.run_batch(sc, arrays, np.random.default_rng(game.seed)).extra["agreement_round"]
    return _ROUNDS[key]


def _finished(game: Game, result: Result, draws: int) -> dict[str, Any]:
    comparison = game.compare(result)
    return {
        "over": True,
        "outcome": result.info["outcome"],
        "comparison": comparison,
        "terms": [
            {
                "issue": i.id,
                "label": i.label(),
                "value": i.with_units(comparison["you"]["forecast"][i.id]),
                "model": i.with_units(comparison["model"]["forecast"][i.id]),
            }
            for i in game.scenario.issues
        ],
        "figures": _figures(game, result.history, draws, None),
    }
