"""From a scenario (and its numeric arrays, possibly with a draw axis) to the engine's setting and state."""

from __future__ import annotations

import numpy as np

from ...errors import ScenarioError, UnsupportedScenario
from ...scenario.arrays import ScenarioArrays
from ...scenario.schema import Scenario
from .events import Compiled, compile_events
from .handling import HANDLERS
from .recognition import recognition_setting
from .rules import compile_rule
from .state import Setting, State, initial_state
from .strategies import STATIONARY, agent_params


def rounds_of(scenario: Scenario, max_rounds: int) -> int:
    """Rounds played: 0 .. N-1 with N the scenario's deadline round, else ``max_rounds``."""
    deadline = scenario.deadline_round()
    return max(1, deadline) if deadline is not None else max_rounds


def no_deal_point(scenario: Scenario) -> np.ndarray:
    """The no-deal outcome per issue: the scenario's, else the status quo, else the middle of the scale."""
    given = scenario.negotiation.no_deal if scenario.negotiation else {}
    return np.array(
        [
            given.get(i.id, i.status_quo if i.status_quo is not None else (i.min + i.max) / 2)
            for i in scenario.issues
        ],
        dtype=float,
    )


def prepare(
    scenario: Scenario, arrays: ScenarioArrays, default_strategy: str, max_rounds: int
) -> tuple[Setting, State, list[Compiled]]:
    """The fixed setting, the initial state and the compiled events the engine runs on."""
    if len(scenario.actors) < 2:
        raise UnsupportedScenario(f"model 'agents' needs at least two actors; {scenario.name!r} has one")
    actors = scenario.actor_ids
    index = {a: k for k, a in enumerate(actors)}
    n = len(actors)
    neg = scenario.negotiation
    required = np.zeros(n, bool)
    required[[index[a] for a in (neg.required if neg and neg.required else actors)]] = True
    if required.sum() < 2:
        raise ScenarioError(
            "an agreement needs at least two required parties",
            location="negotiation.required",
            value=list(neg.required) if neg else None,
            allowed="two or more of " + ", ".join(actors),
        )
    members = np.array([[a in c.members for a in actors] for c in scenario.channels], bool).reshape(-1, n)
    rounds = rounds_of(scenario, max_rounds)
    events, n_threats = compile_events(scenario, rounds)
    control = np.zeros((len(scenario.issues), n), bool)
    for q, issue in enumerate(scenario.issues):
        control[q, [index[a] for a in issue.controlled_by]] = True
    setting = Setting(
        actors=tuple(actors),
        issues=tuple(scenario.issue_ids),
        lo=arrays.lo,
        hi=arrays.hi,
        required=required,
        allow_subset=bool(neg and neg.allow_subset),
        venue_ids=tuple(c.id for c in scenario.channels),
        venue_members=members,
        agents=agent_params({a.id: a.params for a in scenario.actors}, actors, default_strategy),
        rounds=rounds,
        rule=compile_rule(neg.rule if neg else None, actors, required),
        control=control,
        single_text=bool(neg and neg.protocol == "single_text"),
        order=tuple(np.flatnonzero(required).tolist()) if neg and neg.protocol == "alternating" else (),
        breakdown=float(neg.breakdown_risk if neg else 0.0),
        private_width=float(neg.private_width if neg else 0.0),
        stance=~(
            np.isnan(arrays.position) if arrays.position.ndim == 2 else np.isnan(arrays.position).any(axis=0)
        ),
    )
    setting = recognition_setting(scenario, setting, no_deal_point(scenario))
    if STATIONARY in setting.agents.codes and (not setting.order or len(setting.order) != 2):
        raise ScenarioError(
            "strategy 'rubinstein' plays the two-party alternating-offers game",
            location="negotiation.protocol",
            value=neg.protocol if neg else None,
            allowed="protocol: alternating with exactly two required parties",
        )
    direct = np.ones((n, n), bool)
    alignment = np.zeros((n, n))
    for rel in scenario.relations:
        i, j = index[rel.actors[0]], index[rel.actors[1]]
        direct[i, j] = direct[j, i] = rel.channel
        alignment[i, j] = alignment[j, i] = rel.alignment
    venue_open = np.array([c.open for c in scenario.channels], bool)
    draws = arrays.position.shape[0] if arrays.position.ndim == 3 else 1
    state = initial_state(
        setting,
        arrays.position,
        arrays.salience,
        arrays.capability,
        direct,
        alignment,
        venue_open,
        no_deal_point(scenario),
        n_threats,
        draws,
    )
    state.no_deal_final[:] = foreseen(events, state.no_deal[0])
    if setting.private_width > 0:  # beliefs are read only where reservations are private (protocol.py)
        public = state.reservation(setting)  # what everyone knows; the private draws come later
        state.belief_lo[:] = (public - setting.private_width)[:, None, :]
        state.belief_hi[:] = (public + setting.private_width)[:, None, :]
    return setting, state, events


def foreseen(events: list[Compiled], no_deal: np.ndarray) -> np.ndarray:
    """The no-deal outcome every party foresees at the deadline: today's, moved by the scheduled
    (certain, dated) reservation shifts, e.g. the end-2014 withdrawal. Power that shifts on a schedule
    is common knowledge, so a party whose outside option improves with time counts on it (Fearon 1995)."""
    point = no_deal.copy()
    for ev in events:  # in list order: a later scheduled shift overrides an earlier one
        HANDLERS[ev.kind].foresee(ev, point)
    return point
