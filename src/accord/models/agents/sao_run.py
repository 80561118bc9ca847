"""The agents model under ``protocol="sao"``: a scenario as a discrete SAOP game (sao.py), played.

The outcome space: a discrete issue read from GENIUS keeps its levels (scenario/genius.py); an issue whose
scale runs between whole numbers at most ``INTEGER_SPAN`` apart takes every whole number (the
benchmark's 0 .. 9); any other scale ``levels`` evenly spaced points (the model's ``sao_levels``).
Each party's value of a level is accord's per-issue evaluator ``1 - |x - ideal| / range`` (so its
utility is the agents model's linear additive utility, models/agents/utility.py), or, for a party
read from GENIUS whose stance still agrees with its file, GENIUS's own evaluator (a discrete
issue's evaluations divided by the largest, GENIUS's ``EvaluatorDiscrete`` normalisation; a linear
one as written); the weights are the saliences' shares. A GENIUS discount factor is kept as a
parameter but not applied: NegMAS's time-based negotiators play the undiscounted profiles. The reservation
value is the party's ``reservation`` parameter, else its utility of the
no-deal point (as in the default protocol).

SAOP has no channels, events or side deals: every party negotiates with every other in the
scenario's actor order. Scenarios with timed events or subset agreements are refused rather than
played with those silently dropped; parties must follow time-based strategies and be risk-neutral.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from ...errors import UnsupportedScenario
from ...scenario.arrays import ScenarioArrays, to_arrays
from ...scenario.genius import KEY
from ...scenario.genius_levels import best_level, levels_of, linear_ends
from ...scenario.schema import Scenario
from ..base import BatchResult, Result, as_generator, forecast_frame, history_frame
from . import sao
from .setup import no_deal_point, rounds_of
from .strategies import TIME_BASED, agent_params

INTEGER_SPAN = 50
MAX_OUTCOMES = 1_000_000


def outcome_space(scenario: Scenario, levels: int) -> sao.Outcomes:
    """The discrete outcomes SAOP bargains over: a GENIUS domain's levels, else an evenly spaced grid."""
    genius = scenario.models.get(KEY, {}).get("issues", {})
    spec = []
    for iss in scenario.issues:
        g = genius.get(iss.id, {})
        kept = levels_of(g) if g.get("type") == "discrete" and g.get("values") else None
        kept = kept if kept and (iss.min, iss.max) == (kept[0], kept[-1]) else None
        spec.append(("levels", *kept) if kept else ("scale", iss.min, iss.max))
    space = _space(tuple(spec), levels)
    if space.size > MAX_OUTCOMES:
        raise UnsupportedScenario(
            f"protocol 'sao' enumerates every outcome; scenario {scenario.name!r} has {space.size:,} "
            f"({' x '.join(map(str, space.shape))}); allowed: at most {MAX_OUTCOMES:,} (lower sao_levels)"
        )
    return space


@lru_cache(maxsize=128)
def _space(spec: tuple[tuple[Any, ...], ...], levels: int) -> sao.Outcomes:
    """The levels of each issue: the kept GENIUS levels, else the scale's whole numbers when it
    runs between whole numbers at most INTEGER_SPAN apart, else ``levels`` evenly spaced points."""
    out = []
    for kind, *values in spec:
        lo, hi = values[0], values[-1]
        if kind == "levels":
            out.append(np.array(values, dtype=float))
        elif float(lo).is_integer() and float(hi).is_integer() and hi - lo <= INTEGER_SPAN:
            out.append(np.arange(lo, hi + 1.0))
        else:
            out.append(np.linspace(lo, hi, levels))
        out[-1].flags.writeable = False
    return sao.Outcomes(tuple(out))


def _check(scenario: Scenario, default_strategy: str) -> Any:
    if scenario.events:
        raise UnsupportedScenario(
            f"protocol 'sao' has no timed events; scenario {scenario.name!r} has "
            f"{len(scenario.events)} (use protocol 'accord')"
        )
    if scenario.negotiation and scenario.negotiation.allow_subset:
        raise UnsupportedScenario(
            "protocol 'sao' needs every party to agree; negotiation.allow_subset is set"
        )
    agents = agent_params({a.id: a.params for a in scenario.actors}, scenario.actor_ids, default_strategy)
    for a, code, risk in zip(scenario.actor_ids, agents.code, agents.risk, strict=True):
        if code != TIME_BASED:
            raise UnsupportedScenario(
                "protocol 'sao' plays time-based parties (boulware, linear, "
                "conceder); "
                f"actors.{a}.params.strategy is not one"
            )
        if risk != 1.0:
            raise UnsupportedScenario(
                "protocol 'sao' needs linear additive utilities; "
                f"actors.{a}.params.risk "
                f"is {risk:g} (allowed: 1)"
            )
    return agents


def game(scenario: Scenario, arrays: ScenarioArrays, space: sao.Outcomes) -> np.ndarray:
    """(D, n, N) utilities of every outcome, per draw."""
    weights, ideal, span = _profiles(arrays)
    if space.grid is not None and KEY not in scenario.models:  # every issue has as many levels: one array
        values = 1.0 - np.abs(space.grid - ideal[..., None]) / span[:, None]  # (D, n, m, L)
        return sao.additive_utilities(values, weights)
    per_issue = [1.0 - np.abs(lv - ideal[..., k, None]) / span[k] for k, lv in enumerate(space.levels)]
    _genius_values(scenario, ideal, space, per_issue)
    return sao.additive_utilities(per_issue, weights)


def _profiles(arrays: ScenarioArrays) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(D, n, m) weights (the saliences' shares) and ideals (the scale's low end where a party has no
    stance, where its weight is 0), and (m,) the issues' ranges."""
    pos = arrays.position if arrays.position.ndim == 3 else arrays.position[None]
    sal = arrays.salience if arrays.salience.ndim == 3 else arrays.salience[None]
    if pos.shape != sal.shape:
        pos, sal = np.broadcast_arrays(pos, sal)
    whole = sal.sum(axis=-1, keepdims=True)
    weights = sal / np.where(whole > 0, whole, 1.0)
    return weights, np.where(np.isnan(pos), arrays.lo, pos), arrays.hi - arrays.lo


def no_deal_value(scenario: Scenario, arrays: ScenarioArrays) -> np.ndarray:
    """(D, n) each party's utility of the no-deal point, per draw (accord's evaluator)."""
    weights, ideal, span = _profiles(arrays)
    return (weights * (1.0 - np.abs(no_deal_point(scenario) - ideal) / span)).sum(axis=-1)


def _genius_values(
    scenario: Scenario, ideal: np.ndarray, space: sao.Outcomes, values: list[np.ndarray]
) -> None:
    """Put GENIUS's evaluators in place of accord's where a party's stance still agrees with its
    file: discrete evaluations over the largest (GENIUS's normalisation), linear ones as given."""
    genius = scenario.models.get(KEY)
    if not genius:
        return
    for a, aid in enumerate(scenario.actor_ids):
        evaluators = genius.get("profiles", {}).get(aid, {}).get("evaluators", {})
        for k, iss in enumerate(scenario.issues):
            g = {**genius.get("issues", {}).get(iss.id, {}), "min": iss.min, "max": iss.max}
            ev = evaluators.get(g.get("name"))
            if g.get("type") == "discrete" and isinstance(ev, list) and len(ev) == len(space.levels[k]):
                given = np.asarray(ev) / max(ev)
            elif g.get("type") in ("integer", "real") and isinstance(ev, dict):
                low, high = linear_ends(g, ev)
                given = low + (space.levels[k] - iss.min) / (iss.max - iss.min) * (high - low)
            else:
                continue
            fits = np.isclose(ideal[:, a, k], best_level(g, ev))
            values[k][:, a] = np.where(fits[:, None], given, values[k][:, a])


def play_scenario(
    model: Any, scenario: Scenario, arrays: ScenarioArrays
) -> tuple[sao.Outcomes, sao.Played, np.ndarray]:
    """The engine: the scenario's outcome space, the games played (one per draw of ``arrays``) and
    the utilities they were played on."""
    agents = _check(scenario, model.default_strategy)
    space = outcome_space(scenario, model.sao_levels)
    util = game(scenario, arrays, space)
    reserved = agents.reservation[None]
    if np.isnan(reserved).any():  # a party without a reservation parameter falls back on the no-deal point
        reserved = np.where(np.isnan(reserved), no_deal_value(scenario, arrays), reserved)
    steps = rounds_of(scenario, model.max_rounds)
    return space, sao.play(util, agents.exponent[None], reserved, steps), util


def run(model: Any, scenario: Scenario, rng: np.random.Generator | int | None) -> Result:
    """One SAOP negotiation with its offers table (SAOP with time-based parties draws nothing at random)."""
    _, seed = as_generator(rng)
    arrays = to_arrays(scenario)
    space, out, util = play_scenario(model, scenario, arrays)
    steps, agreed = int(out.steps[0]), bool(out.agreed[0])
    turns = replay(out, util, 0)
    terms = space.points(out.outcome[0]) if agreed else None
    positions = space.points(out.offers[0, :, :steps].T)  # (steps, n, m): each party's offer of each step
    if agreed:  # the parties that accepted in the last step hold the agreed terms
        positions[-1, [t[2] for t in turns if t[0] == steps - 1 and t[4]]] = terms
    positions = np.where(~np.isnan(arrays.position), positions, np.nan)
    values = terms if terms is not None else no_deal_point(scenario)  # terms is None exactly when not agreed
    return model.result(
        scenario,
        seed,
        history_frame(arrays, positions),
        forecast_frame(arrays, values, agreed=np.full(len(scenario.issues), agreed)),
        tables={"offers": _offers_table(scenario, space, turns, util[0])},
        info={"outcome": {**_outcome(scenario, steps, agreed, terms), "protocol": "sao"}},
    )


def run_batch(model: Any, scenario: Scenario, arrays: ScenarioArrays) -> BatchResult:
    """Forecasts for every draw from one batched SAOP play (the no-deal point where no offer was accepted)."""
    space, out, _ = play_scenario(model, scenario, arrays)
    forecast = np.where(
        out.agreed[:, None], space.points(np.maximum(out.outcome, 0)), no_deal_point(scenario)
    )
    return BatchResult(
        forecast,
        {
            "agreement": out.agreed,
            "full_agreement": out.agreed,
            "agreement_round": np.where(out.agreed, out.steps - 1.0, np.nan),
        },
    )


def replay(out: sao.Played, util: np.ndarray, g: int) -> list[tuple[int, int, int, int, bool]]:
    """The turns of game ``g`` in order: (step, proposer of the standing offer, responder, offer,
    accepted). The engine found the outcome without walking the turns; this walks them for the
    table, by the same rule (``Played.accepts``)."""
    n, turns = util.shape[1], []
    current, proposer, accepts = int(out.offers[g, 0, 0]), 0, 1
    for k in range(int(out.steps[g])):
        for i in range(n):
            if k == 0 and i == 0:
                continue
            yes = out.accepts(util, g, k, i, current)
            turns.append((k, proposer, i, current, yes))
            accepts = accepts + 1 if yes else 1
            if accepts == n:
                return turns
            if not yes:
                current, proposer = int(out.offers[g, i, k]), i
    return turns


def _offers_table(scenario: Scenario, space: sao.Outcomes, turns: list, util: np.ndarray) -> pd.DataFrame:
    """One row per turn: the standing offer, who made it, who answered, its value to them, the answer."""
    actors = scenario.actor_ids
    rows = [
        (k, actors[p], actors[i], *space.points(o), float(util[i, o]), "accept" if yes else "counter")
        for k, p, i, o, yes in turns
    ]
    return pd.DataFrame(
        rows, columns=["round", "proposer", "receiver", *scenario.issue_ids, "value", "response"]
    )


def _outcome(scenario: Scenario, steps: int, agreed: bool, terms: np.ndarray | None) -> dict[str, Any]:
    if not agreed:
        return {
            "agreement": False,
            "round": None,
            "date": None,
            "parties": [],
            "terms": {},
            "reason": f"deadline (round {steps}): no offer was accepted by every party under SAOP",
        }
    assert terms is not None  # an agreement has terms
    date = scenario.date_of(steps - 1)
    return {
        "agreement": True,
        "round": steps - 1,
        "date": date.isoformat() if date else None,
        "parties": scenario.actor_ids,
        "terms": dict(zip(scenario.issue_ids, map(float, terms), strict=True)),
        "reason": "every party accepted the standing offer (stacked alternating offers)",
    }
