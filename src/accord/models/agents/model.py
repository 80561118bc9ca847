"""The registered ``agents`` model: a multilateral negotiation simulator driven by the scenario file.

Parameters live in ``__init__``; per-actor strategies live in each actor's ``params`` in the
scenario. ``run`` plays one negotiation (random events drawn from the one generator) and returns
the offer history, the events as they fired and the outcome; ``run_batch`` plays many draws at once
for Monte Carlo; ``play`` is ``run`` with some actors' seats taken by policies (policy.py). The
forecast per issue is the agreed terms where a deal stands and settles the issue (column ``agreed``
true), else the no-deal outcome. The outcome names the deal by who signed and who is excluded and
says why the talks ended (explain.py). ``protocol="sao"`` plays NegMAS's stacked alternating
offers instead (sao.py, sao_run.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
import pandas as pd

from ...errors import ParameterError
from ...scenario.arrays import ScenarioArrays, to_arrays
from ...scenario.limits import check_magnitude, check_model_rounds
from ...scenario.schema import Scenario
from ..base import PER_ISSUE, BatchResult, Model, Result, as_generator, forecast_frame, history_frame
from ..params import Interval, NonNegative, PositiveInt
from ..registry import register
from . import sao_run
from .batch import BatchOutcome, Rules, play_batch
from .events import is_random, sample_hazard, sample_private, sample_schedule
from .explain import CAUSES, causes, coalition, holdouts, waiting_pays
from .policy import Policy, Seats
from .protocol import RESPONSES, Acceptance, reach
from .recognition import sample_recognition
from .setup import prepare
from .single import Record, play_one
from .state import Setting, State
from .strategies import STRATEGIES, get_strategy

EVENT_COLUMNS = ("round", "date", "type", "actors", "description", "fired_randomly")


@register
class AgentsModel(Model):
    """Parties propose, accept or counter over open channels until agreement or the deadline."""

    name: ClassVar[str] = "agents"
    tags: ClassVar[frozenset[str]] = frozenset({"dynamic", "stochastic", "multi-issue", "agents"})
    summary: ClassVar[str] = (
        "negotiation simulator: offers over channels, deadlines, events, threats, side deals"
    )
    extra_tables: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "offers": ("round", "date", "proposer", "receiver", "turn", PER_ISSUE, "value", "response"),
        "events": EVENT_COLUMNS,
    }

    def __init__(
        self,
        max_rounds: PositiveInt = 52,
        acceptance: Acceptance = "aspiration",
        shock_scale: NonNegative = 1.0,
        side_deal_penalty: Annotated[float, Interval(0, 2)] = 0.5,
        harden: Annotated[float, Interval(0, 1, closed="right")] = 0.5,
        default_strategy: str = "linear",
        protocol: Literal["accord", "sao"] = "accord",  # accord's own (protocol.py) or NegMAS's SAOP (sao.py)
        sao_levels: Annotated[int, Interval(2)] = 11,
    ) -> None:
        check_model_rounds("agents", max_rounds=max_rounds)
        check_magnitude(shock_scale, "agents: shock_scale")
        get_strategy(default_strategy, "default_strategy")
        self.protocol = protocol
        self.sao_levels = sao_levels
        self.max_rounds = max_rounds
        self.acceptance = acceptance
        self.shock_scale = shock_scale
        self.side_deal_penalty = side_deal_penalty
        self.harden = harden
        self.default_strategy = default_strategy

    def declared_tables(self) -> Mapping[str, tuple[str, ...]]:
        """NegMAS's protocol (sao_run.py) plays no events and dates no offers: its one table is the turns."""
        if self.protocol == "sao":
            return {"offers": ("round", "proposer", "receiver", PER_ISSUE, "value", "response")}
        return self.extra_tables

    def check_supported(self, scenario: Scenario) -> None:
        """Also everything the engine checks when it sets up (events, strategies, required parties),
        so a scenario it cannot play is refused before a sweep starts, not in its first draw."""
        super().check_supported(scenario)
        prepare(scenario, to_arrays(scenario), self.default_strategy, self.max_rounds)

    @property
    def rules(self) -> Rules:
        """The engine's acceptance and hardening settings, bundled for the protocol."""
        return Rules(
            self.acceptance, float(self.shock_scale), float(self.side_deal_penalty), float(self.harden)
        )

    def run(self, scenario: Scenario, rng: np.random.Generator | int | None = None) -> Result:
        """One simulated negotiation; ``play`` with no seats taken by policies."""
        return self.play(scenario, rng)

    def play(
        self,
        scenario: Scenario,
        rng: np.random.Generator | int | None = None,
        policies: Mapping[str, Policy] | None = None,
    ) -> Result:
        """``run`` with some actors' seats taken by policies (policy.py: a scripted or human player); the
        same random schedule as ``run`` for the same seed, so a game compares with the model's own run."""
        self.check_supported(scenario)
        if self.protocol == "sao":
            return sao_run.run(self, scenario, rng)
        gen, seed = as_generator(rng)
        arrays = to_arrays(scenario)
        setting, st, events = prepare(scenario, arrays, self.default_strategy, self.max_rounds)
        fire = sample_schedule(events, setting.rounds, 1, gen)
        hazard = sample_hazard(setting, events, 1, gen)
        sample_private(setting, st, gen)
        sample_recognition(setting, st, gen)
        waits = waiting_pays(setting, st)
        seats = None
        if policies:
            unknown = [a for a in policies if a not in setting.actors]
            if unknown:
                raise ParameterError(
                    f"policies: unknown actor {unknown[0]!r}; allowed: {', '.join(setting.actors)}"
                )
            seats = Seats(
                {setting.actors.index(a): p for a, p in policies.items()},
                setting.actors,
                setting.issues,
                setting.lo,
                setting.hi,
            )
        rec, out = play_one(setting, st, events, fire, self.rules, hazard, seats)
        outcome = _outcome(
            scenario, setting, st, rec, out, int(causes(setting, st, out.full, waits)[0]), waits[0]
        )
        positions = np.where(~np.isnan(arrays.position), rec.proposals(), np.nan)
        return self.result(
            scenario,
            seed,
            history_frame(arrays, positions),
            forecast_frame(arrays, out.forecast[0], agreed=out.settled[0]),
            tables={
                "offers": offers_table(scenario, setting, rec),
                "events": events_table(scenario, setting, rec),
            },
            info={"outcome": outcome},
        )

    def run_batch(self, scenario: Scenario, arrays: ScenarioArrays, rng: np.random.Generator) -> BatchResult:
        """All draws in one vectorised simulation, with agreement facts per draw (not one run each)."""
        self.check_supported(scenario)
        if self.protocol == "sao":
            return sao_run.run_batch(self, scenario, arrays)
        setting, st, events = prepare(scenario, arrays, self.default_strategy, self.max_rounds)
        fire = sample_schedule(events, setting.rounds, st.ideal.shape[0], rng)
        hazard = sample_hazard(setting, events, st.ideal.shape[0], rng)
        sample_private(setting, st, rng)
        sample_recognition(setting, st, rng)
        waits = waiting_pays(setting, st)
        out = play_batch(setting, st, events, fire, self.rules, hazard=hazard)
        return BatchResult(
            out.forecast,
            {
                "agreement": out.agreement,
                "full_agreement": out.full,
                "agreement_round": out.round,
                "signed": out.parties,
                "settled": out.settled,
                "failure": causes(setting, st, out.full, waits),
            },
        )


def _names(setting: Setting, mask: np.ndarray) -> list[str]:
    return [a for a, m in zip(setting.actors, mask, strict=True) if m]


def _outcome(
    scenario: Scenario,
    setting: Setting,
    st: State,
    rec: Record,
    out: BatchOutcome,
    cause: int,
    waits: np.ndarray,
) -> dict[str, Any]:
    """outcome.json: whether a deal stands, who signed it, what it settles, and why the talks ended."""
    parties, settled = out.parties[0], out.settled[0]
    base: dict[str, Any] = {
        "agreement": bool(out.agreement[0]),
        "full_agreement": bool(out.full[0]),
        "round": None if np.isnan(out.round[0]) else int(out.round[0]),
        "date": None,
        "parties": _names(setting, parties),
        "excluded": _names(setting, setting.required & ~parties) if parties.any() else [],
        "deal": coalition(setting.actors, setting.required, parties) or "no deal",
        "terms": {},
        "settles": [i for i, ok in zip(setting.issues, settled, strict=True) if ok],
        "unsettled": [i for i, ok in zip(setting.issues, settled, strict=True) if not ok]
        if parties.any()
        else [],
        "rule": setting.rule.text,
        "cause": None if cause < 0 else CAUSES[cause],
        "reason": "",
    }
    if base["round"] is not None:
        date = scenario.date_of(base["round"])
        base["date"] = date.isoformat() if date else None
        base["terms"] = dict(zip(setting.issues, map(float, out.forecast[0]), strict=True))
    unsettled = (
        (
            f"; it does not settle {', '.join(base['unsettled'])} (controllers did not sign), which "
            "stay at "
            "the no-deal outcome"
        )
        if base["unsettled"]
        else ""
    )
    if out.full[0]:
        base["reason"] = f"the proposal passed under the rule ({setting.rule.text}){unsettled}"
        return base
    failure = _failure(setting, st, rec, cause, waits)
    if out.agreement[0]:
        base["reason"] = (
            f"no full agreement ({failure}); the deal of {' + '.join(base['parties'])} without "
            f"{', '.join(base['excluded'])} stands{unsettled}"
        )
    else:
        base["reason"] = failure
    return base


def _failure(setting: Setting, st: State, rec: Record, cause: int, waits: np.ndarray) -> str:
    name = CAUSES[cause]
    if name == "breakdown":
        return f"breakdown: the talks collapsed after round {rec.broken}"
    if name == "walk-out":
        away = setting.required & ~st.present[0]
        who = [
            f"{a} (round {int(r)})"
            for a, r in zip(_names(setting, away), st.left_round[0][away], strict=True)
        ]
        return "walk-out: required party " + ", ".join(who) + " left the table and did not return"
    if name == "no channel":
        can = reach(st, setting)[0]
        req = np.flatnonzero(setting.required)
        cut = [
            f"{setting.actors[i]}-{setting.actors[j]}" for i in req for j in req if i < j and not can[i, j]
        ]
        return f"no channel: no open channel between {', '.join(cut)} at the end"
    if name == "spoiler":
        return (
            "spoiler: "
            + ", ".join(_names(setting, setting.agents.spoiler & setting.required))
            + " prefers no deal"
        )
    text = f"deadline (round {setting.rounds}): no proposal met the rule ({setting.rule.text})"
    if name == "waiting":
        return text + (
            "; waiting pays: the outside option of "
            + ", ".join(_names(setting, waits & setting.required))
            + " improves by the deadline (a scheduled shift of the no-deal outcome)"
        )
    if rec.blocks:
        _, kept, rnd, present = rec.blocks[-1]
        refused = holdouts(setting, present, rnd.agree[kept - 1, 0])
        if refused:
            return (
                text
                + "; no zone of agreement: no proposal in the last round was acceptable to "
                + ", ".join(refused)
            )
    return text + "; no zone of agreement"


def offers_table(scenario: Scenario, setting: Setting, rec: Record) -> pd.DataFrame:
    """One row per offer sent: the proposal, the receiver's utility of it and its response; ``turn`` says
    whether the proposer held the turn (alternating offers) or was recognised (random recognition), since
    only such a proposal can be agreed: the others are what a party would have offered, shown so that a
    reader sees every side's position in every round."""
    parts = []
    for t0, kept, rnd, _ in rec.blocks:
        k, i, j = np.nonzero(np.broadcast_to(rnd.reach[0], (kept,) + rnd.reach.shape[1:]))
        turn = np.ones(len(k), dtype=bool) if rnd.turn is None else rnd.turn[k, 0, i]
        parts.append(
            (t0 + k, i, j, turn, rnd.offers[k, 0, i], rnd.value[k, 0, j, i], rnd.response[k, 0, j, i])
        )
    rounds, i, j, turn, points, value, response = (np.concatenate(c) for c in zip(*parts, strict=True))
    actors = np.array(setting.actors, dtype=object)
    distinct, which = np.unique(rounds, return_inverse=True)
    dates = np.array([_iso(scenario, t) for t in distinct], dtype=object)
    points = points.reshape(len(rounds), len(setting.issues))
    return pd.DataFrame(
        {
            "round": rounds,
            "date": dates[which].tolist(),
            "proposer": actors[i],
            "receiver": actors[j],
            "turn": turn,
            **{issue: points[:, q] for q, issue in enumerate(setting.issues)},
            "value": value,
            "response": np.array(RESPONSES, dtype=object)[response],
        }
    )


def events_table(scenario: Scenario, setting: Setting, rec: Record) -> pd.DataFrame:
    """One row per event that fired, side deal struck and breakdown, in round order (events.csv)."""
    rows = [
        (t, _iso(scenario, t), ev.kind, " ".join(ev.actors), ev.description, is_random(ev))
        for t, ev in rec.events
    ]
    for t, _, parties, settled in rec.side:
        settles = ", ".join(i for i, ok in zip(setting.issues, settled, strict=True) if ok) or "nothing"
        rows.append(
            (
                t,
                _iso(scenario, t),
                "side_deal",
                " ".join(_names(setting, parties)),
                f"deal of {coalition(setting.actors, setting.required, parties)}; settles {settles}",
                False,
            )
        )
    if rec.broken is not None:
        rows.append((rec.broken, _iso(scenario, rec.broken), "breakdown", "", "the talks collapse", True))
    frame = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
    return frame.sort_values("round", kind="stable").reset_index(drop=True)


def _iso(scenario: Scenario, t: int) -> str | None:
    date = scenario.date_of(int(t))
    return date.isoformat() if date else None


__all__ = ["AgentsModel", "STRATEGIES"]
