"""The negotiation protocol: who can talk, what each party proposes, who accepts, what is agreed.

Each round every party at the table proposes a point on every issue to every party it can reach
(an open direct channel, or an open venue both belong to). A receiver accepts an offer worth at
least its threshold to it (its current aspiration, or only its reservation value under the
``reservation`` acceptance rule); it rejects outright an offer worth less than its reservation and
otherwise counters with its own proposal. A proposal becomes the agreement when the parties that
accept it satisfy the decision rule (rules.py; default: every required party); when several pass in
one round, the one with the largest asymmetric Nash product of the signatories' gains over their
reservations is taken (near-ties: the lowest proposer index). Variants (``negotiation.protocol``):
``single_text`` (the chair's compromise is the one proposal), ``alternating`` (one proposer per
round, in turn) and ``recognition`` (one proposer per round, drawn at random: recognition.py). Where the
scenario allows
a subset agreement, a proposal accepted by at least two but not all required parties is a side
deal, named by who is excluded: the excluded parties' relations with the signatories worsen and their
strategies harden, and talks go on for the full agreement.

``evaluate`` is pure and vectorised: the state has a leading draw axis S and ``tau`` an axis B of
rounds in front of it, so one call plays a stretch of B rounds of S draws in which nothing changes
the state (no event fires, no side deal is struck, no party reacts to offers): every offer is then a
closed-form function of the round. What a round's offers are worth, who accepts and which proposal
wins are computed for all B x S at once; ``choose`` breaks ties only where an agreement is found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from .policy import Seats, View
from .recognition import equilibrium_terms
from .state import Setting, State
from .strategies import SPOILER, STATIONARY, stationary_shares, target_utility
from .utility import offer_toward, total, utility

ACCEPT, COUNTER, REJECT = 0, 1, 2
RESPONSES = ("accept", "counter", "reject")
Acceptance = Literal["aspiration", "reservation"]  # the acceptance rules (the parameter of AgentsModel)
TOLERANCE = 1e-12  # utilities equal up to rounding count as reaching a threshold
TIE = 1e-9  # relative: Nash scores this close to the best are a tie, won by the lowest proposer index


@dataclass(frozen=True)
class Round:
    """A stretch of B rounds of S draws: per-draw arrays (S, ...) and per-round arrays (B, S, ...)."""

    reach: np.ndarray  # (S, n, n) who can send to whom
    reservation: np.ndarray  # (B, S, n) what holding out is worth in each round (State.reservation)
    target: np.ndarray  # (B, S, n)
    threshold: np.ndarray  # (B, S, n) the utility an offer must give the receiver for it to accept
    offers: np.ndarray  # (B, S, n, m) each party's proposal
    value: np.ndarray  # (B, S, receiver, proposer) receiver's utility of the proposer's offer
    agree: np.ndarray  # (B, S, proposer, party) party agrees to the proposer's offer (proposer included)
    full: np.ndarray  # (B, S, proposer) every required party accepts the proposal
    side: np.ndarray  # (B, S, proposer) >= 2 but not all required parties accept it (where subsets count)
    turn: np.ndarray | None = None  # (B, S or 1, n) whose proposal can pass (proposers); None: everyone's

    @property
    def response(self) -> np.ndarray:
        """(B, S, receiver, proposer) ACCEPT / COUNTER / REJECT (meaningful where reach)."""
        accepts = self.value >= self.threshold[..., None] - TOLERANCE
        rejects = self.value < self.reservation[..., None] - TOLERANCE
        return np.where(accepts, ACCEPT, np.where(rejects, REJECT, COUNTER))


def reach(st: State, setting: Setting) -> np.ndarray:
    """(S, n, n): open direct channel or a shared open venue, both parties at the table."""
    can = st.direct
    if len(setting.venue_ids):
        mem = setting.venue_members.astype(float)
        can = can | (np.einsum("sv,vi,vj->sij", st.venue_open.astype(float), mem, mem) > 0)
    return can & st.present[:, :, None] & st.present[:, None, :] & setting.not_self


def reference(st: State, setting: Setting, can: np.ndarray, known: np.ndarray) -> np.ndarray:
    """(S, n, m): where each party concedes toward: the capability x salience weighted mean of the
    current positions of those it can reach, friends weighing up to 1.5x and enemies down to 0.5x.
    Where it hears no one on an issue it stays at its own position (or the no-deal outcome).
    ``known`` is the ideal with no-stance issues at 0 (they carry no salience)."""
    w = can * st.capability[:, None, :] * (1.0 + 0.5 * st.alignment)  # (S, listener, speaker)
    num = w @ (st.salience * known)
    den = w @ st.salience
    out = np.where(setting.stance, st.ideal, st.no_deal[:, None, :])  # where it hears no one
    return np.divide(num, den, out=out, where=den > 0)


def evaluate(
    st: State, setting: Setting, start: int, end: int, acceptance: str, seats: Seats | None = None
) -> Round:
    """Rounds ``start .. end - 1`` of every draw of ``st``, which nothing changes in between; with ``seats``
    (one draw, one round) the seated policies propose and answer in place of their built-in strategies."""
    agents, req = setting.agents, setting.required
    rounds = np.arange(start, end)
    tau = tau_of(start, end, setting.rounds)
    can = reach(st, setting)
    ref = reference(st, setting, can, setting.stance_or(st.ideal, 0.0))
    ideal = setting.stance_or(st.ideal, ref)  # no stance: offering the reference costs nothing
    unit = st.unit(setting)
    res = st.reservation(setting, unit, rounds)
    target = target_utility(agents, st.exponent, res, tau[:, None, None], st.reactive)
    if (st.breakdown > 0).any():
        # what a party can still hope for at the deadline is worth only the chance that the talks last that
        # long: with hazard p and R rounds left the aspiration above the reservation shrinks by (1 - p)^R
        left = np.maximum(setting.rounds - rounds, 1)[:, None, None]
        target = np.where(
            agents.spoiler, target, res + (1.0 - st.breakdown)[:, None] ** left * (target - res)
        )
    if setting.private_width > 0:
        target = np.where(
            agents.share > 0, np.maximum(target, screening_demand(st, setting, can, res)), target
        )
    if STATIONARY in agents.codes:  # Rubinstein: the proposer demands its stationary equilibrium share
        share = stationary_shares(st.discount, setting.pair)
        target = np.where(agents.stationary, res + (1.0 - res) * share, target)
    offers = offer_toward(ideal, ref, unit, agents.curved, target)
    if setting.single_text:
        offers = np.broadcast_to(compromise(st, setting, ideal)[:, None, :], offers.shape)
    if st.fixed.any():  # an executed threat has settled the issue for everyone: nothing else is on offer
        offers = np.where(st.fixed[:, None, :], st.no_deal[:, None, :], offers)
    threshold = np.broadcast_to(res, target.shape) if acceptance == "reservation" else np.maximum(target, res)
    if STATIONARY in agents.codes:  # Rubinstein: accept the discounted share one would get proposing next
        threshold = np.where(agents.stationary, res + (1.0 - res) * st.discount * share, threshold)
    if SPOILER in agents.codes:
        threshold = np.where(agents.spoiler, np.inf, threshold)
    if setting.plan is not None:  # Baron-Ferejohn: accept one's discounted continuation value; divide the pie
        accept = res + (1.0 - res) * st.discount * setting.plan.values
        threshold = np.where(agents.baron_ferejohn, accept, threshold)
        offers = equilibrium_terms(setting.plan, st.coin, rounds, accept, offers)
        kept = np.diagonal(offers[..., setting.plan.share_issue], axis1=-2, axis2=-1) / setting.plan.total
        target = np.where(agents.baron_ferejohn, kept, target)

    def seat_view(seats: Seats, k: int, value: np.ndarray | None) -> View:
        """What seat ``k`` sees in this round of the one draw (the offers as they stand)."""
        return seats.view(
            start,
            k,
            res[0, 0],
            target[0, 0],
            offers[0, 0],
            offers[0, 0],
            value,
            threshold[0, 0],
            can[0],
            st.present[0],
        )

    if seats is not None:
        offers = offers.copy()
        for k, policy in seats.policies.items():
            offers[0, 0, k] = seats.terms(k, policy.propose(seat_view(seats, k, None)))
    curved = None if agents.curved is None else agents.curved[:, None]
    value = utility(ideal[:, :, None, :], unit[:, :, None, :], curved, offers[..., None, :, :])
    listens = (can | ~setting.not_self) & st.present[:, :, None]
    agree = np.swapaxes(value >= threshold[..., None] - TOLERANCE, -1, -2) & listens
    if seats is not None:
        for k, policy in seats.policies.items():
            yes = policy.respond(seat_view(seats, k, value[0, 0]))
            agree[0, 0, :, k] = [a in yes or j == k for j, a in enumerate(seats.actors)]
            agree[0, 0, :, k] &= listens[0, k]
    full = setting.rule.passes(agree)
    side = (total(agree & req) >= 2) & ~full if setting.allow_subset else np.zeros(full.shape, bool)
    turn = proposers(st, setting, rounds)
    if turn is not None:
        full, side = full & turn, side & turn
    return Round(can, res, target, threshold, offers, value, agree, full, side, turn)


def proposers(st: State, setting: Setting, rounds: np.ndarray) -> np.ndarray | None:
    """(B, S or 1, n) bool: whose proposal can pass in each round: the party whose turn it is under
    alternating offers (Rubinstein 1982), the recognised one under random recognition (Baron & Ferejohn
    1989); None when every party's can."""
    n = len(setting.actors)
    if setting.order:
        who = np.array(setting.order)[rounds % len(setting.order)]
        return (who[:, None] == np.arange(n))[:, None, :]
    if setting.recognition is not None:
        return st.recognised[:, rounds].T[:, :, None] == np.arange(n)
    return None


def screening_demand(st: State, setting: Setting, can: np.ndarray, res: np.ndarray) -> np.ndarray:
    """(..., S, n): the demand that maximises a proposer's expected gain when the receivers' reservations are
    private. It reasons as if the surplus were a unit pie: demanding d leaves 1 - d to the most demanding
    required receiver it reaches, whose need it believes uniform on [L, H]; P(accept) = (1 - d - L) / (H - L)
    and the expected gain P (d - r) peaks at d* = (1 - L + r) / 2, kept within [1 - H, 1 - L]. With no
    required receiver in reach the demand is 0 (no floor)."""
    toward = can & setting.required[None, None, :]
    lo = np.where(toward, st.belief_lo, -np.inf).max(axis=-1)
    hi = np.where(toward, st.belief_hi, -np.inf).max(axis=-1)
    some = toward.any(axis=-1)
    lo, hi = np.where(some, lo, 0.0), np.where(some, np.maximum(hi, lo), 0.0)
    demand = np.clip((1.0 - lo + res) / 2.0, 1.0 - hi, 1.0 - lo)
    return np.where(some, np.clip(demand, 0.0, 1.0), 0.0)


def learn(st: State, rnd: Round, live: np.ndarray) -> None:
    """Beliefs after a one-round stretch: an offer the receiver rejected was worth less than it needs (the
    lower bound rises to its value), one it accepted was enough (the upper bound falls to it)."""
    value = np.swapaxes(rnd.value[0], 1, 2)  # (S, proposer, receiver)
    sent = rnd.reach  # (S, proposer, receiver)
    took = rnd.agree[0]  # (S, proposer, party)
    lo = np.where(sent & ~took, np.maximum(st.belief_lo, value), st.belief_lo)
    hi = np.where(sent & took, np.minimum(st.belief_hi, value), st.belief_hi)
    st.belief_lo = np.where(live[:, None, None], np.minimum(lo, 1.0), st.belief_lo)
    st.belief_hi = np.where(live[:, None, None], np.maximum(hi, st.belief_lo), st.belief_hi)


def compromise(st: State, setting: Setting, ideal: np.ndarray) -> np.ndarray:
    """(S, m): the chair's single negotiating text (Raiffa 1982; the Council Presidency's compromise,
    Tallberg 2004): the capability x salience weighted mean of the positions of the parties at the table,
    which is the asymmetric Nash bargaining solution under quadratic losses and a costly disagreement
    (Achen 2006). Where nobody at the table takes a stance, the no-deal outcome."""
    w = (st.capability * st.present)[:, :, None] * np.where(setting.stance, st.salience, 0.0)
    den = w.sum(axis=1)
    num = (w * np.where(setting.stance, ideal, 0.0)).sum(axis=1)
    return np.divide(num, den, out=st.no_deal.copy(), where=den > 0)


def bargaining_power(capability: np.ndarray, salience: np.ndarray) -> np.ndarray:
    """(S, n): each party's weight in the asymmetric Nash product, capability x mean salience, scaled so
    the largest is 1. Achen (2006): with these weights (and quadratic losses, a costly disagreement) the
    Nash bargaining solution is the compromise model's capability x salience weighted mean. (The mean
    is the sum over the count, as np.mean computes it, without np.mean's Python overhead.)"""
    w = capability * (salience.sum(axis=-1) / salience.shape[-1])
    top = w.max(axis=-1, keepdims=True)
    return np.divide(w, top, out=np.ones(w.shape), where=top > 0)


def first_round(found: np.ndarray) -> np.ndarray:
    """(S,): the first round of the stretch (B, S, proposer) in which any proposal qualifies, B if none."""
    any_ = found.any(axis=-1)  # on a short last axis one reduction beats a sum and a comparison
    return np.where(any_.any(axis=0), any_.argmax(axis=0), len(found))


def choose(rnd: Round, k: np.ndarray, s: np.ndarray, setting: Setting, st: State, subset: bool) -> np.ndarray:
    """The winning proposer in round k[i] of draw s[i] of the stretch ``rnd`` evaluated on ``st`` (which has
    not changed since): the largest Nash product of gains over reservations among qualifying proposals
    (of the required parties, or of the signatories of a side deal). The bargaining weights are computed
    here, for the draws that agree, rather than for every stretch evaluated."""
    gain = np.maximum(np.swapaxes(rnd.value[k, s], -1, -2) - rnd.reservation[k, s][:, None, :], 1e-12)
    agree = rnd.agree[k, s]
    counted = agree & setting.required  # the signatories (under unanimity: every required party)
    power = bargaining_power(st.capability[s], st.salience[s])
    score = np.where(counted, power[:, None, :] * np.log(gain), 0.0).sum(axis=-1)
    ok = (rnd.side if subset else rnd.full)[k, s]
    score = np.where(ok, score, -np.inf)
    best = score.max(axis=-1, keepdims=True)
    near = score >= best - TIE * np.maximum(np.abs(best), 1.0)  # near-ties: the lowest proposer index wins
    return np.argmax(near, axis=-1)


def strike_side_deal(
    st: State,
    setting: Setting,
    mask: np.ndarray,
    terms: np.ndarray,
    parties: np.ndarray,
    settled: np.ndarray,
    t: int,
    penalty: float,
    harden: float,
) -> None:
    """Record a deal without some required parties in the draws of ``mask``; the excluded ones react.

    Their alignment with every signatory falls by ``penalty`` and their concession exponent is
    multiplied by ``harden`` (below 1: more Boulware, so they concede later).
    """
    st.side_deal |= mask
    st.side_terms = np.where(mask[:, None], terms, st.side_terms)
    st.side_parties = np.where(mask[:, None], parties, st.side_parties)
    st.side_settled = np.where(mask[:, None], settled, st.side_settled)
    st.side_round = np.where(mask, t, st.side_round)
    excluded = mask[:, None] & setting.required & ~parties
    pair = excluded[:, :, None] & parties[:, None, :]
    pair = pair | np.swapaxes(pair, 1, 2)
    st.alignment = np.where(pair, np.clip(st.alignment - penalty, -1.0, 1.0), st.alignment)
    st.exponent = np.where(excluded, st.exponent * harden, st.exponent)


def remember(st: State, rnd: Round, live: np.ndarray) -> None:
    """Tit-for-tat memory after a one-round stretch: each reactive party concedes what the others'
    offers gained it last round."""
    value = rnd.value[0]
    heard = np.swapaxes(rnd.reach, 1, 2)  # heard[s, receiver, proposer]
    delta = np.where(heard & ~np.isnan(st.last_gain), value - st.last_gain, np.nan)
    with np.errstate(invalid="ignore"):
        count = (~np.isnan(delta)).sum(axis=-1)
        gained = np.where(count > 0, np.nansum(delta, axis=-1) / np.maximum(count, 1), 0.0)
    reactive = np.clip(rnd.target[0] - gained, 0.0, 1.0)
    st.reactive = np.where(live[:, None], reactive, st.reactive)
    st.last_gain = np.where(live[:, None, None], np.where(heard, value, np.nan), st.last_gain)


def tau_of(start: int, end: int, rounds: int) -> np.ndarray:
    """Normalised time of rounds start .. end - 1: 0 in the first round, 1 in the last one played."""
    return np.arange(start, end) / max(rounds - 1, 1)
