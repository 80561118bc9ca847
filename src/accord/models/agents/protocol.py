"""The negotiation protocol: who can talk, what each party proposes, who accepts, what is agreed.

Each round every party at the table proposes a point on every issue to every party it can reach
(an open direct channel, or an open venue both belong to). A receiver accepts an offer worth at
least its threshold to it (its current aspiration, or only its reservation value under the
``reservation`` acceptance rule); it rejects outright an offer worth less than its reservation and
otherwise counters with its own proposal. A proposal becomes the agreement when every required
party (all at the table) accepts it; when several do in one round, the one with the largest Nash
product of the required parties' gains over their reservations is taken. Where the scenario allows
a subset agreement, a proposal accepted by at least two but not all required parties is a side
deal (a "separate peace"): the excluded parties' relations with the signatories worsen and their
strategies harden, and talks go on for the full agreement.

``evaluate`` is pure and vectorised: the state has a leading draw axis S and ``tau`` a leading axis
B that broadcasts against it, so one call plays one round of S draws (batch engine) or B rounds of
one draw whose state no event changes in between (single-run engine).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .state import Setting, State
from .strategies import SPOILER, TIT_FOR_TAT, target_utility
from .utility import offer_toward, utility

ACCEPT, COUNTER, REJECT = 0, 1, 2
RESPONSES = ("accept", "counter", "reject")
ACCEPTANCE_RULES = ("aspiration", "reservation")
TOLERANCE = 1e-12  # utilities equal up to rounding count as reaching a threshold


@dataclass(frozen=True)
class Round:
    """What happened in one evaluation; leading axis B (draws or rounds)."""

    reach: np.ndarray  # (S, n, n) who can send to whom
    reservation: np.ndarray  # (S, n)
    target: np.ndarray  # (B, n)
    offers: np.ndarray  # (B, n, m) each party's proposal
    value: np.ndarray  # (B, receiver, proposer) receiver's utility of the proposer's offer
    response: np.ndarray  # (B, receiver, proposer) ACCEPT / COUNTER / REJECT (meaningful where reach)
    agree: np.ndarray  # (B, proposer, party) party agrees to the proposer's offer (proposer included)
    full: np.ndarray  # (B,) a proposal all required parties accept
    full_by: np.ndarray  # (B,) its proposer
    side: np.ndarray  # (B,) a side deal among >= 2 but not all required parties
    side_by: np.ndarray  # (B,) its proposer


def reach(st: State, setting: Setting) -> np.ndarray:
    """(S, n, n): open direct channel or a shared open venue, both parties at the table."""
    mem = setting.venue_members.astype(float)
    shared = np.einsum("sv,vi,vj->sij", st.venue_open.astype(float), mem, mem) > 0
    n = len(setting.actors)
    return (st.direct | shared) & st.present[:, :, None] & st.present[:, None, :] & ~np.eye(n, dtype=bool)


def reference(st: State, setting: Setting, can: np.ndarray) -> np.ndarray:
    """(S, n, m): where each party concedes toward: the capability x salience weighted mean of the
    current positions of those it can reach, friends weighing up to 1.5x and enemies down to 0.5x.
    Where it hears no one on an issue it stays at its own position (or the no-deal outcome)."""
    w = can * st.capability[:, None, :] * (1.0 + 0.5 * st.alignment)
    ws = w[..., None] * st.salience[:, None, :, :]
    num = np.einsum("sabm,sbm->sam", ws, np.nan_to_num(st.ideal))
    den = ws.sum(axis=2)
    own = np.where(np.isnan(st.ideal), st.no_deal[:, None, :], st.ideal)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, own)


def evaluate(st: State, setting: Setting, tau: np.ndarray, acceptance: str) -> Round:
    agents, span = setting.agents, setting.span
    can = reach(st, setting)
    ref = reference(st, setting, can)
    ideal = np.where(np.isnan(st.ideal), ref, st.ideal)  # no stance: offering the reference costs nothing
    weight, res = st.weight, st.reservation(setting)
    target = target_utility(agents, st.exponent, res, tau[:, None], st.reactive)
    offers = offer_toward(ideal, ref, weight, span, agents.risk, target)
    value = utility(ideal[:, :, None, :], weight[:, :, None, :], span, agents.risk[:, None], offers[:, None, :, :])
    threshold = res if acceptance == "reservation" else np.maximum(target, res)
    threshold = np.where(agents.code == SPOILER, np.inf, threshold)
    accepts = value >= threshold[:, :, None] - TOLERANCE
    response = np.where(accepts, ACCEPT, np.where(value < res[:, :, None] - TOLERANCE, REJECT, COUNTER))
    n = len(setting.actors)
    agree = np.swapaxes(accepts, -1, -2) & (can | np.eye(n, dtype=bool)) & st.present[:, :, None]
    gain = np.clip(np.swapaxes(value, -1, -2) - res[:, None, :], 1e-12, None)  # (B, proposer, party)
    req = setting.required
    n_req = (agree & req).sum(axis=-1)
    full = (n_req == req.sum()) & st.present[:, req].all(axis=-1)[:, None]
    score = np.where(req, np.log(gain), 0.0).sum(axis=-1)
    full_by = np.argmax(np.where(full, score, -np.inf), axis=-1)
    side = (n_req >= 2) & ~full & setting.allow_subset
    side_score = np.where(agree & req, np.log(gain), 0.0).sum(axis=-1)
    side_by = np.argmax(np.where(side, side_score, -np.inf), axis=-1)
    return Round(can, res, target, offers, value, response, agree, full.any(axis=-1), full_by,
                 side.any(axis=-1), side_by)


def pick(array: np.ndarray, by: np.ndarray) -> np.ndarray:
    """array[b, by[b]] for each b."""
    return np.take_along_axis(array, by.reshape(by.shape + (1,) * (array.ndim - 1)), axis=1)[:, 0]


def strike_side_deal(st: State, setting: Setting, mask: np.ndarray, terms: np.ndarray, parties: np.ndarray,
                     t: int, penalty: float, harden: float) -> None:
    """Record a separate peace in the draws of ``mask``; the excluded required parties react.

    Their alignment with every signatory falls by ``penalty`` and their concession exponent is
    multiplied by ``harden`` (below 1: more Boulware, so they concede later).
    """
    st.side_deal |= mask
    st.side_terms = np.where(mask[:, None], terms, st.side_terms)
    st.side_parties = np.where(mask[:, None], parties, st.side_parties)
    st.side_round = np.where(mask, t, st.side_round)
    excluded = mask[:, None] & setting.required & ~parties
    pair = excluded[:, :, None] & parties[:, None, :]
    pair = pair | np.swapaxes(pair, 1, 2)
    st.alignment = np.where(pair, np.clip(st.alignment - penalty, -1.0, 1.0), st.alignment)
    st.exponent = np.where(excluded, st.exponent * harden, st.exponent)


def remember(st: State, setting: Setting, rnd: Round, live: np.ndarray) -> None:
    """Tit-for-tat memory: each reactive party concedes what the others' offers gained it last round."""
    if not (setting.agents.code == TIT_FOR_TAT).any():
        return
    heard = np.swapaxes(rnd.reach, 1, 2)  # heard[s, receiver, proposer]
    delta = np.where(heard & ~np.isnan(st.last_gain), rnd.value - st.last_gain, np.nan)
    with np.errstate(invalid="ignore"):
        count = (~np.isnan(delta)).sum(axis=-1)
        gained = np.where(count > 0, np.nansum(delta, axis=-1) / np.maximum(count, 1), 0.0)
    reactive = np.clip(rnd.target - gained, 0.0, 1.0)
    st.reactive = np.where(live[:, None], reactive, st.reactive)
    st.last_gain = np.where(live[:, None, None], np.where(heard, rnd.value, np.nan), st.last_gain)


def tau_of(t: np.ndarray | int, rounds: int) -> np.ndarray:
    """Normalised time: 0 in the first round, 1 in the last one played."""
    return np.atleast_1d(np.asarray(t, dtype=float)) / max(rounds - 1, 1)
