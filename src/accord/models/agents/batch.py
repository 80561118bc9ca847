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

from dataclasses import astuple, dataclass
from typing import TYPE_CHECKING

import numpy as np

from .events import Compiled, apply_event
from .policy import Seats
from .protocol import Round, choose, evaluate, first_round, learn, remember, strike_side_deal
from .state import Setting, State
from .strategies import TIT_FOR_TAT

if TYPE_CHECKING:
    from .single import Record

BLOCK = 1 << 20  # elements of the largest per-stretch array (rounds x draws x parties^2 x issues) at once
STRETCH = 16  # rounds a stretch should be able to hold: larger batches are played in chunks of draws


@dataclass(frozen=True)
class Rules:
    """The model's parameters the engines need."""

    acceptance: str = "aspiration"
    shock_scale: float = 1.0
    side_deal_penalty: float = 0.5
    harden: float = 0.5


@dataclass(frozen=True)
class BatchOutcome:
    """How each draw of a batch ended: agreement, round, terms and signatories."""

    agreement: np.ndarray  # (D,) bool: full agreement, or a side deal where subsets count
    full: np.ndarray  # (D,) bool: all required parties agreed
    round: np.ndarray  # (D,) float, NaN when no agreement
    forecast: np.ndarray  # (D, m): agreed terms where the deal settles the issue, else the no-deal outcome
    parties: np.ndarray  # (D, n) bool: who signed the deal that stands (none: no deal)
    settled: np.ndarray  # (D, m) bool: the issues that deal settles
    broken: np.ndarray  # (D,) bool: the talks collapsed (breakdown risk)


def play_batch(
    setting: Setting,
    st: State,
    events: list[Compiled],
    fire: np.ndarray,
    rules: Rules,
    record: Record | None = None,
    hazard: np.ndarray | None = None,
    seats: Seats | None = None,
) -> BatchOutcome:
    """Play every draw of ``st`` under the schedule ``fire`` (draws, events, rounds); ``record``
    (one draw only) keeps the offers, events and deals for the single-run tables.

    Draws are independent, so a batch too large for stretches of ``STRETCH`` rounds (one with a
    tit-for-tat party) within ``BLOCK`` is played in chunks of draws (keeping the arrays small
    enough to stay in cache)."""
    draws, n, m = st.ideal.shape
    stepwise = TIT_FOR_TAT in setting.agents.codes or setting.private_width > 0
    chunk = max(1, BLOCK // ((1 if stepwise else STRETCH) * n * n * m))
    if draws <= chunk:
        return _play(setting, st, events, fire, rules, record, hazard, seats)
    parts = []
    for start in range(0, draws, chunk):
        part = slice(start, start + chunk)
        sub = st.draws(part)
        parts.append(
            _play(setting, sub, events, fire[part], rules, None, None if hazard is None else hazard[part])
        )
        st.update(part, sub)
    return BatchOutcome(*(np.concatenate(field) for field in zip(*(astuple(p) for p in parts), strict=True)))


def _play(
    setting: Setting,
    st: State,
    events: list[Compiled],
    fire: np.ndarray,
    rules: Rules,
    record: Record | None,
    hazard: np.ndarray | None = None,
    seats: Seats | None = None,
) -> BatchOutcome:
    """The engine proper for draws that fit in cache: stretch after stretch until all have agreed.

    ``hazard`` (draws, rounds) holds uniform draws: the talks of a draw collapse at the end of round t
    when its value falls below the draw's breakdown risk then (after that round's offers are answered)."""
    draws, n, m = st.ideal.shape
    rounds = setting.rounds
    done = np.zeros(draws, bool)
    when = np.empty(draws)
    terms = np.empty((draws, m))
    parties = np.zeros((draws, n), bool)
    settled = np.zeros((draws, m), bool)
    stepwise = TIT_FOR_TAT in setting.agents.codes or seats is not None or setting.private_width > 0
    longest = 1 if stepwise else max(1, BLOCK // (draws * n * n * m))
    starts = (np.flatnonzero(fire.any(axis=(0, 1))).tolist() if events else []) + [rounds]
    t = 0
    while t < rounds and not (done.all() or (hazard is not None and (done | st.broken).all())):
        live = ~done & ~st.broken if hazard is not None else ~done
        if events:
            _fire(setting, st, events, fire, t, live, rules, record)
        end = min(next(r for r in starts if r > t), t + longest)
        rnd = evaluate(st, setting, t, end, rules.acceptance, seats)
        full_at = first_round(rnd.full)
        cut = end - t
        broke_at = np.full(draws, cut)
        if hazard is not None:
            broke_at = np.where(live, first_round((hazard[:, t:end].T < st.breakdown)[:, :, None]), cut)
        if setting.allow_subset:
            side_at = np.where(live & ~st.side_deal, first_round(rnd.side), cut)
            # a full deal wins ties
            side_at = np.where((side_at < full_at) & (side_at <= broke_at), side_at, cut)
            cut = min(int(side_at.min()) + 1, cut)  # the state changes after the earliest side deal
        new = live & (full_at < cut) & (full_at <= broke_at)
        if new.any():
            s = np.flatnonzero(new)
            k = full_at[s]
            by = choose(rnd, k, s, setting, st, subset=False)
            parties[s] = rnd.agree[k, s, by]
            settled[s] = settles(setting, st, s, parties[s])
            when[s] = t + k
            terms[s] = np.where(settled[s], rnd.offers[k, s, by], st.no_deal[s])
            if record is not None:
                record.agreement = (t + int(k[0]), terms[0], parties[0], settled[0])
        if record is not None:
            record.block(t, rnd, min(cut, int(full_at[0]) + 1, int(broke_at[0]) + 1), st.present[0])
        if setting.allow_subset and (sides := live & (side_at == cut - 1)).any():
            _side_deals(setting, st, rnd, sides, cut - 1, t, rules, record)
        if TIT_FOR_TAT in setting.agents.codes:
            remember(st, rnd, live & ~new)
        if setting.private_width > 0:
            learn(st, rnd, live & ~new)
        if hazard is not None:
            st.broken |= live & ~new & (broke_at < cut)
            if record is not None and st.broken[0] and live[0]:
                record.broken = t + int(broke_at[0])
        done |= new
        t += cut
    if not setting.allow_subset:  # no side deals: the agreed draws and the no-deal outcome
        forecast = np.where(done[:, None], terms, st.no_deal)
        return BatchOutcome(
            done, done, np.where(done, when, np.nan), forecast, parties, settled, st.broken.copy()
        )
    subset = ~done & st.side_deal
    side_terms = np.where(st.side_settled & ~st.fixed, st.side_terms, st.no_deal)
    forecast = np.where(done[:, None], terms, np.where(subset[:, None], side_terms, st.no_deal))
    round_ = np.where(done, when, np.where(subset, st.side_round, np.nan))
    parties = np.where(done[:, None], parties, subset[:, None] & st.side_parties)
    settled = np.where(done[:, None], settled, subset[:, None] & st.side_settled & ~st.fixed)
    return BatchOutcome(done | subset, done, round_, forecast, parties, settled, st.broken.copy())


def settles(setting: Setting, st: State, s: np.ndarray, signed: np.ndarray) -> np.ndarray:
    """(len(s), m): the issues a deal signed by ``signed`` settles in draws ``s``: those whose controllers
    all signed (an issue nobody controls is settled by any deal) and that no executed threat has fixed."""
    missing = (setting.control[None] & ~signed[:, None, :]).any(axis=-1)
    return ~missing & ~st.fixed[s]


def _fire(
    setting: Setting,
    st: State,
    events: list[Compiled],
    fire: np.ndarray,
    t: int,
    live: np.ndarray,
    rules: Rules,
    record: Record | None,
) -> None:
    """Apply the events of round ``t`` to the draws still negotiating."""
    for e in np.flatnonzero(fire[:, :, t].any(axis=0)):
        hit = apply_event(st, setting, events[e], fire[:, e, t] & live, t, rules.shock_scale)
        if record is not None and hit[0]:
            record.events.append((t, events[e]))


def _side_deals(
    setting: Setting,
    st: State,
    rnd: Round,
    sides: np.ndarray,
    at: int,
    t0: int,
    rules: Rules,
    record: Record | None,
) -> None:
    """Strike the side deals found in round ``at`` of the stretch from ``t0``, in the draws ``sides``."""
    draws, n, m = st.ideal.shape
    t = t0 + at
    s = np.flatnonzero(sides)
    k = np.full(len(s), at)
    by = choose(rnd, k, s, setting, st, subset=True)
    deal, parties = np.zeros((draws, m)), np.zeros((draws, n), bool)
    deal[s], parties[s] = rnd.offers[k, s, by], rnd.agree[k, s, by]
    settled = np.zeros((draws, m), bool)
    settled[s] = settles(setting, st, s, parties[s])
    strike_side_deal(st, setting, sides, deal, parties, settled, t, rules.side_deal_penalty, rules.harden)
    if record is not None:
        record.side.append((t, deal[0], parties[0], settled[0]))
