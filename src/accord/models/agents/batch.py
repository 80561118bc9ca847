"""The engine: many independent negotiations (a leading draw axis) played in stretches of rounds.

Between two rounds in which an event fires, nothing changes the state of a draw whose parties all
follow time-based strategies, so the engine evaluates that whole stretch for every draw in one
vectorised call (rounds x draws x parties x issues) and finds each draw's first agreement by an
argmax over the round axis. A side deal changes the state: the stretch is cut after the earliest
one and play resumes from the next round. A tit-for-tat party reacts to every round's offers, so
with one the engine goes round by round. Draws that have agreed are frozen by a mask.

The single-run engine is this one with one draw and a ``Record`` (single.py); Monte Carlo and the
speed benchmark call it with many draws. The outcome of a draw does not depend on how the rounds
are cut into stretches, so both give the same result for the same event schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .events import Compiled, apply_event
from .protocol import choose, evaluate, first_round, remember, strike_side_deal, tau_of
from .state import Setting, State

if TYPE_CHECKING:
    from .single import Record

BLOCK = 1 << 20  # elements of the largest per-stretch array (rounds x draws x parties^2 x issues) at once


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


def play_batch(setting: Setting, st: State, events: list[Compiled], fire: np.ndarray, rules: Rules,
               record: Record | None = None) -> BatchOutcome:
    """Play every draw of ``st`` under the schedule ``fire`` (draws, events, rounds); ``record``
    (one draw only) keeps the offers, events and deals for the single-run tables."""
    draws, n, m = st.ideal.shape
    rounds = setting.rounds
    done = np.zeros(draws, bool)
    when = np.full(draws, np.nan)
    terms = np.full((draws, m), np.nan)
    stepwise = bool(setting.agents.tit_for_tat.any())
    longest = max(1, BLOCK // (draws * n * n * m))
    event_rounds = np.flatnonzero(fire.any(axis=(0, 1)))
    t = 0
    while t < rounds and not done.all():
        live = ~done
        for e in np.flatnonzero(fire[:, :, t].any(axis=0)):
            hit = apply_event(st, setting, events[e], fire[:, e, t] & live, t, rules.shock_scale)
            if record is not None and hit[0]:
                record.events.append((t, events[e]))
        later = event_rounds[event_rounds > t]
        end = t + 1 if stepwise else min(int(later[0]) if len(later) else rounds, t + longest)
        rnd = evaluate(st, setting, tau_of(np.arange(t, end), rounds), rules.acceptance)
        full_at = first_round(rnd.full)
        side_at = np.where(live & ~st.side_deal, first_round(rnd.side), end - t)
        side_at = np.where(side_at < full_at, side_at, end - t)  # a full agreement in the same round wins
        cut = min(int(side_at.min()) + 1, end - t)  # the state changes after the earliest side deal
        new = live & (full_at < cut)
        if new.any():
            s = np.flatnonzero(new)
            k = full_at[s]
            by = choose(rnd, k, s, setting, subset=False)
            when[s], terms[s] = t + k, rnd.offers[k, s, by]
            if record is not None:
                record.agreement = (t + int(k[0]), terms[0], rnd.agree[k[0], 0, by[0]])
        if record is not None:
            record.block(t, rnd, min(cut, int(full_at[0]) + 1), st.present[0])
        sides = live & (side_at == cut - 1)
        if sides.any():
            s = np.flatnonzero(sides)
            k = np.full(len(s), cut - 1)
            by = choose(rnd, k, s, setting, subset=True)
            deal, parties = np.zeros((draws, m)), np.zeros((draws, n), bool)
            deal[s], parties[s] = rnd.offers[k, s, by], rnd.agree[k, s, by]
            strike_side_deal(st, setting, sides, deal, parties, t + cut - 1, rules.side_deal_penalty, rules.harden)
            if record is not None:
                record.side.append((t + cut - 1, deal[0], parties[0]))
        if stepwise:
            remember(st, rnd, live & ~new)
        done |= new
        t += cut
    subset = ~done & st.side_deal
    agreement = done | subset
    forecast = np.where(done[:, None], terms, np.where(subset[:, None], st.side_terms, st.no_deal))
    return BatchOutcome(agreement, done, np.where(done, when, np.where(subset, st.side_round, np.nan)), forecast)
