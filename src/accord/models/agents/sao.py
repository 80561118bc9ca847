"""The stacked alternating offers protocol (SAOP) as NegMAS 0.16's ``SAOMechanism`` plays it, with
its time-based aspiration negotiators, vectorised over a batch of games.

SAOP (Aydoğan et al. 2017, "Alternating offers protocols for multilateral negotiation", in
Modern Approaches to Agent-based Complex Automated Negotiation, Springer) on a discrete outcome
space. The rules below were read from NegMAS 0.16.0's source (``sao/mechanism.py``,
``gb/negotiators/timebased.py``, ``gb/negotiators/utilbased.py``, ``gb/components/inverter.py``,
``preferences/inv_ufun/presorting.py``; AGPL, not copied) and are written here from scratch:

- **Turns.** Parties speak in a fixed round robin, party 0 first. In step k every party has one
  turn. The first turn of the negotiation is an offer. At each later turn the party responds to the
  standing offer: it accepts (the offer gains one acceptance; when every party, the proposer
  included, accepts it, it is the agreement) or rejects it and makes its own offer, which then
  stands with one acceptance (the proposer's).
- **Time.** A party deciding in step k sees relative time ``t = (k + 1) / (n_steps + 1)``
  (``Mechanism.relative_time`` with a step limit and no time limit), so ``t`` never reaches 1.
- **Aspiration.** ``a(t) = 1 - t ** e'`` (NegMAS ``PolyAspiration``, ``max_aspiration`` 1): the
  Faratin, Sierra & Jennings (1998) time-dependent tactic with accord's concession exponent
  ``e = 1 / e'``: Boulware (NegMAS's ``"boulware"`` is ``e' = 4``, accord ``exponent: 0.25``),
  Conceder (``e' = 0.25``, accord ``exponent: 4``), linear (1).
- **Scale.** ``a`` is mapped onto the party's utility range,
  ``lo = clip((umax - umin) a + umin - 0.001, umin, umax)``, with ``umax`` its best outcome's
  utility, ``umin`` the larger of its worst outcome's utility and its reservation value, and 0.001
  ``AspirationNegotiator``'s default tolerance.
- **Acceptance.** Accept an offer worth at least ``lo`` (and at most ``umax``, always true).
- **Offer.** Among the outcomes sorted by the party's utility, the worst one worth at least
  ``lo``, unless the outcome just below it lies within 1e-6 of ``lo`` and strictly nearer to it
  (NegMAS's ``PresortingInverseUtilityFunction.worst_in``: the outcome nearest ``lo`` in the band
  ``[lo - 1e-6, umax]``).

Utilities are linear additive, ``u = sum_k w_k v_k(x_k)``, summed issue by issue in order as
NegMAS's ``LinearAdditiveUtilityFunction.eval`` does. Decisions use a tolerance ``TOL`` scaled by
the utility range: an outcome within it of a threshold counts as reaching it, and outcomes of
utilities equal within it keep the order in which the outcome space lists them (the last issue
varying fastest, as ``itertools.product`` and NegMAS enumerate them). NegMAS breaks such exact ties
by NumPy's unstable quicksort order, which is why the benchmark's seeded games draw generic weights.

Time-based parties never react to offers, so every party's offer at every step is known before
play: the engine computes them all at once and finds each game's first acceptance with one argmax
(two parties) or one pass over the turns (more parties), for a whole batch of games.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

TOLERANCE = 0.001  # AspirationNegotiator(tolerance=0.001): how far below the aspiration an offer may lie
NEAR = 1e-6  # the band below the aspiration the inverter also searches (negmas ...inv_ufun._common.EPS)
TOL = 1e-12  # relative: utilities this close (x the utility range) count as equal


@dataclass(frozen=True)
class Outcomes:
    """A discrete outcome space: the values of each issue and every outcome as level indices."""

    levels: tuple[np.ndarray, ...]  # per issue, its values on the scenario's scale

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(v) for v in self.levels)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    def points(self, index: np.ndarray) -> np.ndarray:
        """(..., issues): the values of outcomes given by their flat index (last issue fastest)."""
        idx = np.unravel_index(np.asarray(index), self.shape)
        return np.stack([lv[i] for lv, i in zip(self.levels, idx)], axis=-1)


def additive_utilities(values: list[np.ndarray], weights: np.ndarray) -> np.ndarray:
    """(G, n, N): ``sum_k w_k v_k(x_k)`` for every outcome, issue by issue in order.

    ``values[k]`` is (G, n, levels_k), each party's value of every level of issue k; ``weights``
    (G, n, issues). The sum starts at 0.0 and adds the issues in order, the same floating-point
    operations as NegMAS's ``LinearAdditiveUtilityFunction.eval``.
    """
    m = len(values)
    u = np.zeros(weights.shape[:2] + (1,) * m)
    for k, v in enumerate(values):
        shape = weights.shape[:2] + (1,) * k + (v.shape[-1],) + (1,) * (m - k - 1)
        u = u + (weights[..., k, None] * v).reshape(shape)
    return u.reshape(weights.shape[:2] + (-1,))


def aspiration(steps: int, exponent: np.ndarray) -> np.ndarray:
    """(steps, *exponent.shape): ``1 - t ** (1 / e)`` at ``t = (k + 1) / (steps + 1)``.

    Computed with ``math.pow`` per distinct exponent, the function NegMAS's ``PolyAspiration``
    calls, so thresholds do not depend on a vectorised power's last bit."""
    t = [(k + 1) / (steps + 1) for k in range(steps)]
    out = np.empty((steps,) + exponent.shape)
    for e in np.unique(exponent):
        curve = np.array([1.0 - math.pow(x, 1.0 / float(e)) for x in t])
        out[:, exponent == e] = curve[:, None]
    return out


@dataclass(frozen=True)
class Played:
    """The outcome of each game of a batch."""

    steps: np.ndarray  # (G,) steps played (NegMAS's final ``state.step``)
    agreed: np.ndarray  # (G,) bool
    outcome: np.ndarray  # (G,) flat outcome index, -1 without agreement
    offers: np.ndarray  # (steps, G, n) each party's offer (flat index) at each step, were it to offer


def _offers(sorted_u: np.ndarray, order: np.ndarray, lo: np.ndarray, tol: np.ndarray) -> np.ndarray:
    """(S, G, n): each party's offer at each step: the worst outcome worth at least ``lo``, or the
    one just below when within ``NEAR`` and strictly nearer (see the module docstring).

    A vectorised binary search over the sorted utilities of every (game, party) row at once."""
    S = lo.shape[0]
    rows, N = sorted_u.shape[0] * sorted_u.shape[1], sorted_u.shape[-1]
    flat = sorted_u.reshape(rows, N)
    q = (lo - tol).reshape(S, rows)
    tol_f = np.broadcast_to(tol, lo.shape).reshape(S, rows)
    left = np.zeros((S, rows), np.intp)
    right = np.full((S, rows), N - 1, np.intp)  # the best outcome always reaches lo (lo <= umax)
    r = np.arange(rows)
    while (left < right).any():
        mid = (left + right) // 2
        below = flat[r, mid] < q
        left = np.where(below, mid + 1, left)
        right = np.where(below, right, mid)
    p = left
    below_p = np.maximum(p - 1, 0)
    u_p, u_b = flat[r, p], flat[r, below_p]
    lo_f = lo.reshape(S, rows)
    nearer = (p > 0) & (u_b >= lo_f - NEAR - tol_f) & (lo_f - u_b < u_p - lo_f - tol_f)
    pos = np.where(nearer, below_p, p)
    return order.reshape(rows, N)[r, pos].reshape(lo.shape)


def play(util: np.ndarray, exponent: np.ndarray, reserved: np.ndarray, n_steps: int) -> Played:
    """Play G games of n parties with utilities ``util`` (G, n, N) over the N outcomes.

    ``exponent`` (G, n) is accord's concession exponent e (NegMAS's ``1 / e``); ``reserved``
    (G, n) the reservation values (-inf for none).
    """
    G, n, N = util.shape
    order = np.argsort(util, axis=-1, kind="stable")
    sorted_u = np.take_along_axis(util, order, axis=-1)
    umax = sorted_u[..., -1]
    umin = np.maximum(sorted_u[..., 0], reserved)
    tol = TOL * np.maximum(umax - umin, 1.0)
    asp = aspiration(n_steps, exponent)  # (S, G, n)
    lo = np.clip((umax - umin) * asp + umin - TOLERANCE, umin, umax)
    offers = _offers(sorted_u, order, lo, tol)  # (S, G, n)
    if n == 2:
        return _bilateral(util, lo, tol, offers, n_steps)
    return _multilateral(util, lo, tol, offers, n_steps)


def _bilateral(util: np.ndarray, lo: np.ndarray, tol: np.ndarray, offers: np.ndarray, S: int) -> Played:
    """Turns (k, 0), (k, 1) for k = 0 .. S-1: party 1 may accept party 0's offer of the same step,
    party 0 party 1's offer of the step before; the first acceptance is the agreement."""
    G = util.shape[0]
    g = np.arange(G)
    a, b = offers[..., 0], offers[..., 1]  # (S, G)
    acc1 = util[g, 1, a] >= lo[..., 1] - tol[:, 1]  # party 1 accepts 0's offer in step k
    acc0 = np.zeros_like(acc1)
    acc0[1:] = util[g, 0, b[:-1]] >= lo[1:, :, 0] - tol[:, 0]  # party 0 accepts 1's offer of step k-1
    turns = np.stack([acc0, acc1], axis=1).reshape(2 * S, G)  # turn order
    hit = turns.any(axis=0)
    first = turns.argmax(axis=0)
    k, who = first // 2, first % 2
    outcome = np.where(who == 1, a[k, g], b[np.maximum(k - 1, 0), g])
    return Played(np.where(hit, k + 1, S), hit, np.where(hit, outcome, -1), offers)


def _multilateral(util: np.ndarray, lo: np.ndarray, tol: np.ndarray, offers: np.ndarray, S: int) -> Played:
    """The round robin turn by turn, vectorised over games, for three or more parties."""
    G, n, _ = util.shape
    g = np.arange(G)
    current = offers[0, :, 0].copy()
    accepts = np.ones(G, np.intp)
    live = np.ones(G, bool)
    steps = np.full(G, S)
    outcome = np.full(G, -1)
    for k in range(S):
        for i in range(n):
            if k == 0 and i == 0:
                continue
            yes = live & (util[g, i, current] >= lo[k, :, i] - tol[:, i])
            accepts = np.where(yes, accepts + 1, 1)
            done = yes & (accepts == n)
            steps = np.where(done, k + 1, steps)
            outcome = np.where(done, current, outcome)
            live &= ~done
            current = np.where(yes, current, offers[k, :, i])
        if not live.any():
            break
    return Played(steps, outcome >= 0, outcome, offers)
