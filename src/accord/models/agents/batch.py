"""The batch engine: many independent negotiations advanced round by round as arrays.

Every draw has its own state (leading axis) and its own random event schedule; one ``evaluate``
call plays a round of all of them. Draws that have agreed are frozen by a mask. This is what Monte
Carlo and the speed benchmark call; it gives the same outcome as the single-run engine for the
same schedule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .events import Compiled, apply_event
from .protocol import evaluate, pick, remember, strike_side_deal, tau_of
from .state import Setting, State


@dataclass(frozen=True)
class Rules:
    """The model's parameters the engines need."""

    acceptance: str = "aspiration"
    shock_scale: float = 1.0
    side_deal_penalty: float = 0.5
    harden: float = 0.5


@dataclass(frozen=True)
class BatchOutcome:
    agreement: np.ndarray  # (D,) bool: full agreement, or a side deal where subsets count
    full: np.ndarray  # (D,) bool: all required parties agreed
    round: np.ndarray  # (D,) float, NaN when no agreement
    forecast: np.ndarray  # (D, m): agreed terms, else the no-deal outcome


def play_batch(setting: Setting, st: State, events: list[Compiled], fire: np.ndarray, rules: Rules) -> BatchOutcome:
    draws = st.ideal.shape[0]
    done = np.zeros(draws, bool)
    when = np.full(draws, np.nan)
    terms = np.full((draws, len(setting.issues)), np.nan)
    for t in range(setting.rounds):
        live = ~done
        for e in np.flatnonzero(fire[:, :, t].any(axis=0)):
            apply_event(st, setting, events[e], fire[:, e, t] & live, t, rules.shock_scale)
        rnd = evaluate(st, setting, tau_of(t, setting.rounds), rules.acceptance)
        new = rnd.full & live
        when[new] = t
        terms[new] = pick(rnd.offers, rnd.full_by)[new]
        side = rnd.side & live & ~new & ~st.side_deal
        if side.any():
            strike_side_deal(st, setting, side, pick(rnd.offers, rnd.side_by), pick(rnd.agree, rnd.side_by), t,
                             rules.side_deal_penalty, rules.harden)
        remember(st, setting, rnd, live & ~new)
        done |= new
        if done.all():
            break
    subset = ~done & st.side_deal
    agreement = done | subset
    forecast = np.where(done[:, None], terms, np.where(subset[:, None], st.side_terms, st.no_deal))
    return BatchOutcome(agreement, done, np.where(done, when, np.where(subset, st.side_round, np.nan)), forecast)
