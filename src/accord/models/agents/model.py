"""The registered ``agents`` model: a multilateral negotiation simulator driven by the scenario file.

Parameters live in ``__init__``; per-actor strategies live in each actor's ``params`` in the
scenario. ``run`` plays one negotiation (random events drawn from the one generator) and returns
the offer history, the events as they fired and the outcome; ``run_batch`` plays many draws at once
for Monte Carlo. The forecast per issue is the agreed terms when there is an agreement (column
``agreed`` true), else the no-deal outcome. ``protocol="sao"`` plays NegMAS's stacked alternating
offers instead (sao.py, sao_run.py).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...scenario.arrays import ScenarioArrays, to_arrays
from ...scenario.errors import ParameterError
from ...scenario.limits import check_magnitude, check_model_rounds
from ...scenario.schema import Scenario
from ..base import BatchResult, Model, Result, as_generator, forecast_frame, history_frame
from ..registry import register
from . import sao_run
from .batch import Rules, play_batch
from .events import is_random, sample_schedule
from .protocol import ACCEPTANCE_RULES, RESPONSES, reach
from .setup import prepare
from .single import Record, play_one
from .state import Setting, State
from .strategies import STRATEGIES, get_strategy

PROTOCOLS = ("accord", "sao")  # accord's own (protocol.py) or NegMAS's stacked alternating offers (sao.py)


@register
class AgentsModel(Model):
    """Parties propose, accept or counter over open channels until agreement or the deadline."""

    name: ClassVar[str] = "agents"
    tags: ClassVar[frozenset[str]] = frozenset({"dynamic", "stochastic", "multi-issue", "agents"})
    summary: ClassVar[str] = "negotiation simulator: offers over channels, deadlines, events, threats, side deals"

    def __init__(
        self,
        max_rounds: int = 52,
        acceptance: str = "aspiration",
        shock_scale: float = 1.0,
        side_deal_penalty: float = 0.5,
        harden: float = 0.5,
        default_strategy: str = "linear",
        protocol: str = "accord",
        sao_levels: int = 11,
    ) -> None:
        if isinstance(max_rounds, bool) or not isinstance(max_rounds, int) or max_rounds < 1:
            raise ParameterError(f"max_rounds: {max_rounds!r}; allowed: an integer of at least 1")
        if acceptance not in ACCEPTANCE_RULES:
            raise ParameterError(f"acceptance: unknown rule {acceptance!r}; allowed: {', '.join(ACCEPTANCE_RULES)}")
        for key, value, lo, hi in (("shock_scale", shock_scale, 0, np.inf), ("side_deal_penalty", side_deal_penalty, 0, 2),
                                   ("harden", harden, 0, 1)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi or (key == "harden" and value == 0):
                allowed = f"{lo} to {hi}" if np.isfinite(hi) else f"{lo} or more"
                raise ParameterError(f"{key}: {value!r} is out of range; allowed: {allowed}" + (" (not 0)" if key == "harden" else ""))
        check_model_rounds("agents", max_rounds=max_rounds)
        check_magnitude(shock_scale, "agents: shock_scale")
        get_strategy(default_strategy, "default_strategy")
        if protocol not in PROTOCOLS:
            raise ParameterError(f"protocol: unknown protocol {protocol!r}; allowed: {', '.join(PROTOCOLS)}")
        if isinstance(sao_levels, bool) or not isinstance(sao_levels, int) or sao_levels < 2:
            raise ParameterError(f"sao_levels: {sao_levels!r}; allowed: an integer of at least 2")
        self.protocol = protocol
        self.sao_levels = sao_levels
        self.max_rounds = max_rounds
        self.acceptance = acceptance
        self.shock_scale = shock_scale
        self.side_deal_penalty = side_deal_penalty
        self.harden = harden
        self.default_strategy = default_strategy

    def check_supported(self, scenario: Scenario) -> None:
        """Also everything the engine checks when it sets up (events, strategies, required parties),
        so a scenario it cannot play is refused before a sweep starts, not in its first draw."""
        super().check_supported(scenario)
        prepare(scenario, to_arrays(scenario), self.default_strategy, self.max_rounds)

    @property
    def rules(self) -> Rules:
        return Rules(self.acceptance, float(self.shock_scale), float(self.side_deal_penalty), float(self.harden))

    def run(self, scenario: Scenario, rng: np.random.Generator | int | None = None) -> Result:
        self.check_supported(scenario)
        if self.protocol == "sao":
            return sao_run.run(self, scenario, rng)
        gen, seed = as_generator(rng)
        arrays = to_arrays(scenario)
        setting, st, events = prepare(scenario, arrays, self.default_strategy, self.max_rounds)
        fire = sample_schedule(events, setting.rounds, 1, gen)
        rec = play_one(setting, st, events, fire, self.rules)
        outcome = _outcome(scenario, setting, st, rec)
        values = np.array([outcome["terms"][i] for i in setting.issues]) if outcome["agreement"] else st.no_deal[0]
        positions = np.where(~np.isnan(arrays.position), rec.proposals(), np.nan)
        return self.result(
            scenario, seed, history_frame(arrays, positions),
            forecast_frame(arrays, values, agreed=np.full(len(setting.issues), outcome["agreement"])),
            tables={"offers": _offers(scenario, setting, rec), "events": _events(scenario, setting, rec)},
            info={"outcome": outcome},
        )

    def run_batch(self, scenario: Scenario, arrays: ScenarioArrays, rng: np.random.Generator) -> BatchResult:
        self.check_supported(scenario)
        if self.protocol == "sao":
            return sao_run.run_batch(self, scenario, arrays)
        setting, st, events = prepare(scenario, arrays, self.default_strategy, self.max_rounds)
        fire = sample_schedule(events, setting.rounds, st.ideal.shape[0], rng)
        out = play_batch(setting, st, events, fire, self.rules)
        return BatchResult(out.forecast, {"agreement": out.agreement, "full_agreement": out.full,
                                          "agreement_round": out.round})


def _names(setting: Setting, mask: np.ndarray) -> list[str]:
    return [a for a, m in zip(setting.actors, mask) if m]


def _outcome(scenario: Scenario, setting: Setting, st: State, rec: Record) -> dict[str, Any]:
    def deal(round_: int, terms: np.ndarray, parties: np.ndarray, reason: str) -> dict[str, Any]:
        date = scenario.date_of(round_)
        return {"agreement": True, "round": int(round_), "date": date.isoformat() if date else None,
                "parties": _names(setting, parties), "terms": dict(zip(setting.issues, map(float, terms))),
                "reason": reason}

    if rec.agreement is not None:
        return deal(*rec.agreement, "all required parties accepted the proposal")
    if rec.side:
        r, terms, parties = rec.side[0]
        left_out = _names(setting, setting.required & ~parties)
        return deal(r, terms, parties, "no full agreement by the deadline; the subset agreement (separate peace) "
                    f"of {', '.join(_names(setting, parties))} stands, without {', '.join(left_out)}")
    away = setting.required & ~st.present[0]
    if away.any():
        who = [f"{a} (round {int(r)})" for a, r in zip(_names(setting, away), st.left_round[0][away])]
        reason = "walk-out: required party " + ", ".join(who) + " left the table and did not return"
    else:
        can = reach(st, setting)[0]
        req = np.flatnonzero(setting.required)
        cut = [f"{setting.actors[i]}-{setting.actors[j]}" for i in req for j in req if i < j and not can[i, j]]
        reason = (f"deadline (round {setting.rounds}): no proposal was accepted by all required parties"
                  + (f"; no open channel between {', '.join(cut)} at the end" if cut else ""))
    return {"agreement": False, "round": None, "date": None, "parties": [], "terms": {}, "reason": reason}


def _offers(scenario: Scenario, setting: Setting, rec: Record) -> pd.DataFrame:
    """One row per offer sent: the proposal, the receiver's utility of it and its response."""
    parts = []
    for t0, kept, rnd, _ in rec.blocks:
        k, i, j = np.nonzero(np.broadcast_to(rnd.reach[0], (kept,) + rnd.reach.shape[1:]))
        parts.append((t0 + k, i, j, rnd.offers[k, 0, i], rnd.value[k, 0, j, i], rnd.response[k, 0, j, i]))
    rounds, i, j, points, value, response = (np.concatenate(c) for c in zip(*parts))
    actors = np.array(setting.actors, dtype=object)
    distinct, which = np.unique(rounds, return_inverse=True)
    dates = np.array([_iso(scenario, t) for t in distinct], dtype=object)
    points = points.reshape(len(rounds), len(setting.issues))
    return pd.DataFrame({"round": rounds, "date": dates[which].tolist(), "proposer": actors[i],
                         "receiver": actors[j], **{issue: points[:, q] for q, issue in enumerate(setting.issues)},
                         "value": value, "response": np.array(RESPONSES, dtype=object)[response]})


def _events(scenario: Scenario, setting: Setting, rec: Record) -> pd.DataFrame:
    rows = [(t, _iso(scenario, t), ev.kind, " ".join(ev.actors), ev.description, is_random(ev)) for t, ev in rec.events]
    for t, _, parties in rec.side:
        left_out = _names(setting, setting.required & ~parties)
        rows.append((t, _iso(scenario, t), "side_deal", " ".join(_names(setting, parties)),
                     f"separate peace without {', '.join(left_out)}", False))
    frame = pd.DataFrame(rows, columns=["round", "date", "type", "actors", "description", "fired_randomly"])
    return frame.sort_values("round", kind="stable").reset_index(drop=True)


def _iso(scenario: Scenario, t: int) -> str | None:
    date = scenario.date_of(int(t))
    return date.isoformat() if date else None


__all__ = ["AgentsModel", "STRATEGIES"]
