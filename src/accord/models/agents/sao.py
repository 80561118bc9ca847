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
NegMAS's ``LinearAdditiveUtilityFunction.eval`` does. No decision rests on a float's last bits:
every comparison is made on utilities quantised to a grid of ``2 ** -GRID_BITS`` (about 1e-12) of
the party's utility range (floor), and outcomes on the same grid point keep the order in which the
outcome space lists them (the last issue varying fastest, as ``itertools.product`` and NegMAS
enumerate them). NegMAS compares the raw floats and orders exact ties by NumPy's unstable
quicksort, so the two can part only where utilities agree to about 1e-12; the benchmark's seeded
games draw generic weights, so none do.

Time-based parties never react to offers, so every party's offer at every step is known before
play. The engine sorts each party's outcomes once (the quantised utility and the outcome's index
packed into one integer key, so one integer sort gives both), finds every step's offer with one
search over all sorted keys of the batch, and each game's first acceptance with one argmax over its
turns (two parties; in windows of steps, so games that agreed early drop out) or one pass over the
turns (more parties), for a whole batch of games at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from ...errors import UnsupportedScenario

TOLERANCE = 0.001  # AspirationNegotiator(tolerance=0.001): how far below the aspiration an offer may lie
NEAR = 1e-6  # the band below the aspiration the inverter also searches (negmas ...inv_ufun._common.EPS)
GRID_BITS = 40  # utilities are compared on a grid of 2**-40 (about 1e-12) of each party's range
WINDOWED = 32  # batches of at least this many games play their steps in windows
_BAND_GAP = 1  # spare bit between a row's largest key and the next row's band
BLOCK = 1 << 18  # outcome utilities (games x parties x outcomes) played at once


@dataclass(frozen=True)
class Outcomes:
    """A discrete outcome space: the values of each issue and every outcome as level indices."""

    levels: tuple[np.ndarray, ...]  # per issue, its values on the scenario's scale

    @cached_property
    def grid(self) -> np.ndarray | None:
        """(issues, levels): the levels as one array when every issue has as many, else None."""
        if len({len(v) for v in self.levels}) != 1:
            return None
        grid = np.stack(self.levels)
        grid.flags.writeable = False
        return grid

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of levels per issue, the shape of the outcome grid."""
        return tuple(len(v) for v in self.levels)

    @property
    def size(self) -> int:
        """Number of outcomes in the grid."""
        return math.prod(self.shape)

    def points(self, index: np.ndarray) -> np.ndarray:
        """(..., issues): the values of outcomes given by their flat index (last issue fastest)."""
        idx = np.unravel_index(np.asarray(index), self.shape)
        return np.stack([lv[i] for lv, i in zip(self.levels, idx, strict=True)], axis=-1)


def additive_utilities(values: list[np.ndarray] | np.ndarray, weights: np.ndarray) -> np.ndarray:
    """(G, n, N): ``sum_k w_k v_k(x_k)`` for every outcome, issue by issue in order.

    ``values[k]`` is (G, n, levels_k), each party's value of every level of issue k, or ``values``
    is one (G, n, issues, levels) array when every issue has as many levels; ``weights`` (G, n,
    issues). The sum adds the issues in order from the first, the same floating-point operations
    as NegMAS's ``LinearAdditiveUtilityFunction.eval`` (whose start at 0.0 changes no bit).
    """
    G, n, m = weights.shape
    if isinstance(values, np.ndarray):
        terms = weights[..., None] * values
        parts = [terms[:, :, k] for k in range(m)]
    else:
        parts = [weights[..., k, None] * v for k, v in enumerate(values)]
    u = parts[0]
    for k in range(1, m):
        u = u[..., None] + parts[k].reshape((G, n) + (1,) * k + (-1,))
    return u.reshape(G, n, -1)


def aspiration(steps: int, exponent: np.ndarray) -> np.ndarray:
    """(*exponent.shape, steps): ``1 - t ** (1 / e)`` at ``t = (k + 1) / (steps + 1)``.

    Computed with ``math.pow`` once per distinct exponent (the function NegMAS's ``PolyAspiration``
    calls), so the thresholds do not depend on a vectorised power's last bit."""
    if exponent.size <= 16:  # a few parties (a single run): the curves of these exponents, cached
        return _curves(steps, tuple(exponent.reshape(-1).tolist())).reshape(exponent.shape + (steps,))
    distinct, which = np.unique(exponent, return_inverse=True)
    curves = np.stack([_curve(steps, float(e)) for e in distinct])
    return curves[which.reshape(exponent.shape)]


@lru_cache(maxsize=256)
def _curves(steps: int, exponents: tuple[float, ...]) -> np.ndarray:
    out = np.stack([_curve(steps, e) for e in exponents])
    out.flags.writeable = False
    return out


@lru_cache(maxsize=64)
def _curve(steps: int, e: float) -> np.ndarray:
    curve = np.array([1.0 - math.pow((k + 1) / (steps + 1), 1.0 / e) for k in range(steps)])
    curve.flags.writeable = False
    return curve


@dataclass(frozen=True)
class Played:
    """The outcome of each game of a batch, and the thresholds it was decided on."""

    steps: np.ndarray  # (G,) steps played (NegMAS's final ``state.step``)
    agreed: np.ndarray  # (G,) bool
    outcome: np.ndarray  # (G,) flat outcome index, -1 without agreement
    offers: np.ndarray  # (G, n, steps) each party's offer (flat index) at each step, were it to offer
    base: np.ndarray  # (G, n) each party's lowest utility: its grid starts there
    scale: np.ndarray  # (G, n) grid points per unit of its utility
    qlo: np.ndarray  # (G, n, steps) each party's acceptance threshold at each step, on its grid

    def accepts(self, util: np.ndarray, game: int, step: int, party: int, outcome: int) -> bool:
        """Whether ``party`` accepts ``outcome`` in ``step`` of ``game`` (utilities ``util`` (G, n, N))."""
        q = _quantise(util[game, party, outcome], self.base[game, party], self.scale[game, party])
        return bool(q >= self.qlo[game, party, step])


def _quantise(u: np.ndarray, base: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Grid points above the party's lowest utility (floor), as integers."""
    return np.floor((u - base) * scale).astype(np.int64)


def play(util: np.ndarray, exponent: np.ndarray, reserved: np.ndarray, n_steps: int) -> Played:
    """Play G games of n parties with utilities ``util`` (G, n, N) over the N outcomes.

    ``exponent`` (G, n) is accord's concession exponent e (NegMAS's ``1 / e``); ``reserved``
    (G, n) the reservation values (-inf for none). Games are independent, so a large batch is
    played in chunks of about ``BLOCK`` outcome utilities, whose temporaries stay in cache.
    """
    G, n, N = util.shape
    if exponent.shape != (G, n) or reserved.shape != (G, n):
        exponent, reserved = np.broadcast_to(exponent, (G, n)), np.broadcast_to(reserved, (G, n))
    if G == 1 and n == 2:
        return _one_bilateral(util[0], exponent[0], reserved[0], n_steps)
    size = max(1, BLOCK // (n * N))
    if G <= size:
        return _play(util, exponent, reserved, n_steps)
    parts = [
        _play(util[g : g + size], exponent[g : g + size], reserved[g : g + size], n_steps)
        for g in range(0, G, size)
    ]
    return Played(
        *(
            np.concatenate([getattr(p, f) for p in parts])
            for f in ("steps", "agreed", "outcome", "offers", "base", "scale", "qlo")
        )
    )


def _play(util: np.ndarray, exponent: np.ndarray, reserved: np.ndarray, S: int) -> Played:
    G, n, N = util.shape
    k = _keyed(util.reshape(G * n, N), exponent.reshape(-1), reserved.reshape(-1), S)
    base, scale = k.bottom.reshape(G, n), k.scale.reshape(G, n)
    if n == 2:
        return _bilateral(util, k.keys, k.qlo, k.qnear, k.layout, base, scale)
    offers = _offers(k.keys, slice(None), k.qlo, k.qnear, k.layout).reshape(G, n, S)
    return _multilateral(util, offers, base, scale, k.qlo.reshape(G, n, S))


@dataclass(frozen=True)
class _Layout:
    """How R rows of sort keys over N outcomes are packed (``_layout``)."""

    bits: int  # low bits holding the outcome index
    grid: int  # bits of the utility grid
    shift: int  # row r's keys are offset by r << shift
    banded: np.ndarray  # (R, N) row r's offset plus the outcome index
    band: np.ndarray  # (R, 1) row r's offset
    start: np.ndarray  # (R, 1) where row r begins in the flattened keys


@dataclass(frozen=True)
class _Keyed:
    """R rows (party x game) made ready for the offer search: what ``_play`` and ``_one_bilateral`` share."""

    q: np.ndarray  # (R, N) quantised utilities, in outcome order
    keys: np.ndarray  # (R, N) banded sort keys: quantised utility, then outcome index
    qlo: np.ndarray  # (R, S) quantised thresholds
    qnear: np.ndarray  # (R, S) the same, NEAR lower
    bottom: np.ndarray  # (R,) each row's lowest utility
    scale: np.ndarray  # (R,) grid points per unit of utility
    layout: _Layout


def _keyed(u: np.ndarray, exponent: np.ndarray, reserved: np.ndarray, S: int) -> _Keyed:
    """Thresholds and sorted keys of rows ``u`` (R, N) with exponents and reservations (R,)."""
    R, N = u.shape
    umax, bottom = u.max(axis=1), u.min(axis=1)
    umin = np.maximum(bottom, reserved)
    lo = (umax - umin)[:, None] * aspiration(S, exponent) + (umin - TOLERANCE)[:, None]
    np.minimum(np.maximum(lo, umin[:, None], out=lo), umax[:, None], out=lo)  # (R, S), falling along rows
    lay = _layout(N, R)
    bits, grid = lay.bits, lay.grid
    scale = 2.0**grid / np.where(umax > bottom, umax - bottom, 1.0)
    q = np.subtract(u, bottom[:, None])
    q *= scale[:, None]
    q = q.astype(np.int64)  # truncation is the floor here: the utilities lie above their minimum
    keys = q << bits
    keys += lay.banded  # the low bits are free, so + is | of the index; the band keeps rows apart
    keys.sort(axis=1)  # per party: outcomes by quantised utility, ties by index
    base, per = bottom[:, None], scale[:, None]
    # truncation, not floor: exact for qlo (lo >= its minimum), and for qnear it may differ only below
    # zero, where either compares alike with the non-negative quantised utilities
    qlo = ((lo - base) * per).astype(np.int64)
    qnear = ((lo - NEAR - base) * per).astype(np.int64)
    return _Keyed(q, keys, qlo, qnear, bottom, scale, lay)


@lru_cache(maxsize=8)  # up to BLOCK keys each
def _layout(N: int, R: int) -> _Layout:
    """The layout of R rows of sort keys for N outcomes: row r's offset for outcome i is
    ``(r << shift) + i``. Quantised utilities are at
    most ``2 ** grid`` and ``shift = grid + _BAND_GAP + bits``, so the bands do not overlap, and
    adding a row's constant before its sort leaves the order unchanged: the sorted rows read as
    one ascending array."""
    bits = max(1, (N - 1).bit_length())
    grid = min(GRID_BITS, 62 - _BAND_GAP - bits - R.bit_length())
    if grid < 20:
        raise UnsupportedScenario(
            f"sao: too many outcomes ({N:,}) x parties ({R}) in one block for the sort keys; "
            "allowed: fewer issues or levels (sao_levels)"
        )
    shift = grid + _BAND_GAP + bits
    rows = np.arange(R, dtype=np.int64)[:, None]
    band, start = rows << shift, rows * N
    banded = band + np.arange(N, dtype=np.int64)
    for a in (band, start, banded):
        a.flags.writeable = False
    return _Layout(bits, grid, shift, banded, band, start)


def _one_bilateral(u: np.ndarray, exponent: np.ndarray, reserved: np.ndarray, S: int) -> Played:
    """One game of two parties, the single run's path: the same keys, thresholds and offers as
    ``_play`` (``_offers`` on the two rows), then the first acceptance among the turns in order
    (k, 1) takes 0's offer of step k, (k + 1, 0) takes 1's offer of step k, with a handful of calls
    on whole rows instead of the batch's windows and live-game bookkeeping."""
    ready = _keyed(u, exponent, reserved, S)
    q, qlo = ready.q, ready.qlo
    offers = _offers(ready.keys, slice(None), qlo, ready.qnear, ready.layout)
    a, b = offers
    turns = np.empty(2 * S - 1, bool)
    turns[0::2] = q[1, a] >= qlo[1]
    turns[1::2] = q[0, b[:-1]] >= qlo[0, 1:]
    first = int(turns.argmax())
    agreed = bool(turns[first])
    steps = (first + 1) // 2 + 1 if agreed else S
    outcome = int(offers[first % 2, first // 2]) if agreed else -1
    return Played(
        np.array([steps]),
        np.array([agreed]),
        np.array([outcome]),
        offers[None],
        ready.bottom.reshape(1, 2),
        ready.scale.reshape(1, 2),
        qlo[None],
    )


def _offers(
    keys: np.ndarray, rows: np.ndarray | slice, qlo: np.ndarray, qnear: np.ndarray, lay: _Layout
) -> np.ndarray:
    """(rows, steps): each party's offer at each step: the worst outcome worth at least ``lo``, or the
    best one below it when within ``NEAR`` of ``lo`` and strictly nearer (module docstring).

    ``keys`` (R, N) holds every row's sorted keys shifted into a band of its own (``_layout``), so
    it is one sorted array and a single ``searchsorted`` (its queries in ascending order: thresholds
    fall with time, bands rise) answers every party's every step."""
    flat = keys.reshape(-1)
    bits, band = lay.bits, lay.band[rows]  # each row's band offset; its low bits are zero
    query = (qlo[:, ::-1] << bits) + band
    at = np.searchsorted(flat, query.reshape(-1)).reshape(query.shape)[:, ::-1]
    mask = (1 << bits) - 1
    offer = flat[at] & mask
    # Candidates for the nearer outcome below: the key just below lies in the NEAR band. Only they get
    # the exact test (inside the row, strictly nearer); ``at - 1`` may wrap or fall in the row before,
    # which the exact test rules out.
    cand = np.nonzero(flat[at - 1] >= (qnear << bits) + band)
    if cand[0].size:  # rare: an outcome within NEAR below the threshold; the first listed on its grid point
        a, b = at[cand], np.broadcast_to(band, at.shape)[cand]
        lo, q_val, p_val = qlo[cand], (flat[a - 1] - b) >> bits, (flat[a] - b) >> bits
        near = (a > np.broadcast_to(lay.start[rows], at.shape)[cand]) & (lo - q_val < p_val - lo)
        if near.any():
            hit = tuple(c[near] for c in cand)
            offer[hit] = (flat[np.searchsorted(flat, (q_val[near] << bits) + b[near])] - b[near]) & mask
    return offer


def _bilateral(
    util: np.ndarray,
    keys: np.ndarray,
    qlo: np.ndarray,
    qnear: np.ndarray,
    lay: _Layout,
    base: np.ndarray,
    scale: np.ndarray,
) -> Played:
    """Turns (k, 0), (k, 1) for k = 0 .. S-1: party 1 may accept party 0's offer of the same step,
    party 0 party 1's offer of the step before; the first acceptance is the agreement.

    Most games end early, so a batch of at least ``WINDOWED`` games takes the steps in windows (16,
    then 32, 64, ...): each window's offers and acceptances for the games still open, then those
    that agreed drop out. Offers of steps after a game's end are left at -1."""
    G, N = util.shape[0], util.shape[-1]
    S = qlo.shape[-1]
    flat = util.reshape(-1)
    offers = np.full((G, 2, S), -1)
    steps, outcome = np.full(G, S), np.full(G, -1)
    live = np.arange(G)
    last_b = np.zeros(G, np.intp)  # party 1's offer of the step before the window
    start, width = 0, (16 if G >= WINDOWED else S)  # a few games: every step at once costs fewer calls
    while start < S and len(live):
        stop = min(S, start + width)
        rows = np.stack([2 * live, 2 * live + 1], axis=1).reshape(-1) if len(live) < G else slice(None)
        off = _offers(keys, rows, qlo[rows, start:stop], qnear[rows, start:stop], lay)
        off = off.reshape(len(live), 2, -1)
        offers[live, :, start:stop] = off
        a, b = off[:, 0], off[:, 1]  # (L, W)
        q0, q1 = qlo[rows, start:stop].reshape(len(live), 2, -1).transpose(1, 0, 2)
        at = (live * 2 * N)[:, None]
        turns = np.zeros((len(live), stop - start, 2), bool)  # in turn order: (step, party)
        # 1 takes 0's offer
        turns[:, :, 1] = _quantise(flat[at + N + a], base[live, 1:], scale[live, 1:]) >= q1
        prev = np.concatenate([last_b[live, None], b[:, :-1]], axis=1)  # party 1's offer of the step before
        turns[:, :, 0] = _quantise(flat[at + prev], base[live, :1], scale[live, :1]) >= q0  # 0 takes 1's
        if start == 0:
            turns[:, 0, 0] = False  # the first turn is an offer
        turns = turns.reshape(len(live), -1)
        first = turns.argmax(axis=1)
        hit = turns[np.arange(len(live)), first]
        k = first // 2
        chosen = np.where(first % 2 == 1, a[np.arange(len(live)), k], prev[np.arange(len(live)), k])
        steps[live[hit]] = start + k[hit] + 1
        outcome[live[hit]] = chosen[hit]
        last_b[live] = b[:, -1]
        live = live[~hit]
        start, width = stop, 2 * width
    agreed = outcome >= 0
    return Played(steps, agreed, outcome, offers, base, scale, qlo.reshape(G, 2, S))


def _multilateral(
    util: np.ndarray, offers: np.ndarray, base: np.ndarray, scale: np.ndarray, qlo: np.ndarray
) -> Played:
    """The round robin turn by turn, vectorised over games, for three or more parties."""
    G, n, S = offers.shape
    g = np.arange(G)
    current = offers[:, 0, 0].copy()
    accepts = np.ones(G, np.intp)
    live = np.ones(G, bool)
    steps = np.full(G, S)
    outcome = np.full(G, -1)
    for k in range(S):
        for i in range(n):
            if k == 0 and i == 0:
                continue
            yes = live & (_quantise(util[g, i, current], base[:, i], scale[:, i]) >= qlo[:, i, k])
            accepts = np.where(yes, accepts + 1, 1)
            done = yes & (accepts == n)
            steps = np.where(done, k + 1, steps)
            outcome = np.where(done, current, outcome)
            live &= ~done
            current = np.where(yes, current, offers[:, i, k])
        if not live.any():
            break
    return Played(steps, outcome >= 0, outcome, offers, base, scale, qlo)
