"""The single-run engine: one negotiation, every offer and event recorded.

Between two rounds in which events fire, nothing changes the state of a negotiation whose parties
all follow time-based strategies, so the engine evaluates that whole stretch of rounds in one
vectorised call (the round axis takes the place of the draw axis) and stops at the first
agreement or side deal in it. With a tit-for-tat party it goes round by round. The outcome is the
batch engine's for the same event schedule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .batch import Rules
from .events import Compiled, apply_event
from .protocol import Round, evaluate, pick, remember, strike_side_deal, tau_of
from .state import Setting, State
from .strategies import TIT_FOR_TAT


@dataclass
class Record:
    """What a run leaves behind for the tables."""

    proposals: list[tuple[int, np.ndarray, np.ndarray]] = field(default_factory=list)  # (round, (n, m), present)
    offers: list[tuple[int, Round, int]] = field(default_factory=list)  # (first round, block, rounds kept)
    events: list[tuple[int, Compiled]] = field(default_factory=list)
    side: list[tuple[int, np.ndarray, np.ndarray]] = field(default_factory=list)  # (round, terms, parties)
    agreement: tuple[int, np.ndarray, np.ndarray] | None = None  # (round, terms, parties)
    last_round: int = 0


def play_one(setting: Setting, st: State, events: list[Compiled], fire: np.ndarray, rules: Rules) -> Record:
    """Play one negotiation (state with S = 1) under the schedule ``fire`` (1, events, rounds)."""
    rec = Record()
    rounds = setting.rounds
    event_rounds = np.flatnonzero(fire[0].any(axis=0))
    step_by_step = bool((setting.agents.code == TIT_FOR_TAT).any())
    t = 0
    while t < rounds:
        for e in np.flatnonzero(fire[0, :, t]):
            if apply_event(st, setting, events[e], np.ones(1, bool), t, rules.shock_scale)[0]:
                rec.events.append((t, events[e]))
        later = event_rounds[event_rounds > t]
        end = t + 1 if step_by_step else int(later[0]) if len(later) else rounds
        rnd = evaluate(st, setting, tau_of(np.arange(t, end), rounds), rules.acceptance)
        full = np.flatnonzero(rnd.full)
        side = np.flatnonzero(rnd.side) if not st.side_deal[0] else np.empty(0, int)
        stop_full = int(full[0]) if len(full) else end - t
        stop_side = int(side[0]) if len(side) and side[0] < stop_full else None
        kept = (stop_side if stop_side is not None else min(stop_full, end - t - 1)) + 1
        rec.offers.append((t, rnd, kept))
        for k in range(kept):
            rec.proposals.append((t + k, rnd.offers[k], st.present[0].copy()))
        rec.last_round = t + kept - 1
        if step_by_step and not len(full):
            remember(st, setting, rnd, np.ones(1, bool))
        if stop_side is not None:
            k = stop_side
            terms, parties = pick(rnd.offers, rnd.side_by)[k], pick(rnd.agree, rnd.side_by)[k]
            strike_side_deal(st, setting, np.ones(1, bool), terms[None], parties[None], t + k,
                             rules.side_deal_penalty, rules.harden)
            rec.side.append((t + k, terms, parties))
            t = t + k + 1
            continue
        if len(full):
            k = stop_full
            rec.agreement = (t + k, pick(rnd.offers, rnd.full_by)[k], pick(rnd.agree, rnd.full_by)[k])
            return rec
        t = end
    return rec
