"""The expected-utility model (BDM 1994, as reconstructed by Scholz et al. 2011) on one issue.

Pure NumPy on a leading batch axis of draws: positions ``x`` (B, n), capability ``c`` (B, n) or
(n,), salience ``s`` (B, n) as a fraction in [0, 1]. The defaults are the settings of Scholz's
code as replicated by jmckib/bdm-scholz-expected-utility-model (docs/models.md §2.1); every
documented quirk is kept there, and each variant the literature disagrees on is a parameter so
that its effect can be measured rather than argued about.

Cost per round is two passes over the (voter, challenger, target) cube, O(B n³): the win
probabilities need every voter's preference between every ordered pair. The global denominator
of P is twice the sum of the numerators (each unordered pair contributes its |vote| once in each
order), so it costs nothing extra. Large batches are processed in chunks of draws to bound memory.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from typing import Literal

import numpy as np

from ..baselines import weighted_median
from .offers import CAPITULATION, CLASS_NAMES, COMPROMISE, CONFRONTATION, NONE, choose_moves
from .ties import RoundInputs, decision_signs
from .votes import Geometry, probabilities, win_numerators

Denominator = Literal["global", "distinct", "pair"]
Offer = Literal["scholz", "nearest_compromise", "nearest"]
Capitulation = Literal["as_coded", "intended"]
Exponent = Literal["receiver", "challenger"]
Votes = Literal["voter", "one"]
Stop = Literal["fixed", "stable"]
Ties = Literal["stay", "exact"]

__all__ = [
    "CAPITULATION",
    "CLASS_NAMES",
    "COMPROMISE",
    "CONFRONTATION",
    "NONE",
    "EUMParams",
    "Trace",
    "eum_round",
    "simulate",
]
_CHUNK_CELLS = 100_000  # pair cells per chunk of draws (0.8 MB per float64 matrix, near cache size)


@dataclass(frozen=True)
class EUMParams:
    """The variant choices of models.md §2; defaults reproduce Scholz's code (jmckib).

    q, t: probability that the status quo persists without a challenge, and that an unchallenged
        change is for the better (Scholz: q = 1, so t never matters).
    denominator: how P(a→b) is normalised: 'global' sums |votes| over all actor triples (Scholz),
        'distinct' over distinct positions only, 'pair' per pair so P(a→b) + P(b→a) = 1 (BDM).
    offer: 'scholz' takes classes in order (confrontation, compromise, capitulation), the nearest
        within a class but the compromise with the smallest Scholz key; 'nearest_compromise' the
        same with the nearest compromise; 'nearest' BDM's smallest move over all classes.
    capitulation: 'as_coded' (the replicated test that never fires) or 'intended' (E_ji < |E_ij|).
    exponent: whose risk exponent the receiver uses for the challenger's expected utility.
    votes: voters' distances inside P raised to their own exponent ('voter') or to 1 ('one').
    rounds: number of rounds ('fixed'), or the cap when stop = 'stable', which halts a draw at
        the first round whose positions repeat any earlier round (no move, or a cycle): the
        dynamics are deterministic, so from there on they only repeat.
    ties: how a comparison within rounding noise (ties.TIE) of equality is settled: 'stay'
        counts it as equality, which never moves an actor (the strict comparisons of the
        replicated code; reproduces the published runs on every CPU), 'exact' recomputes it in
        60-digit arithmetic and takes the exact sign. Both give the same path on every machine.
    """

    q: float = 1.0
    t: float = 1.0
    denominator: Denominator = "global"
    offer: Offer = "scholz"
    capitulation: Capitulation = "as_coded"
    exponent: Exponent = "receiver"
    votes: Votes = "voter"
    rounds: int = 10
    stop: Stop = "fixed"
    ties: Ties = "stay"

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The field names, in order (the columns of the per-round tables)."""
        return tuple(f.name for f in fields(cls))


@dataclass(frozen=True)
class RoundDetail:
    """What one round computed, for checks against published checkpoints and for the offers log."""

    danger: np.ndarray  # (B, n) S_b at r = 1
    r: np.ndarray  # (B, n) exponents used in the offer pass
    d_risk: np.ndarray  # (B,) global denominator of the risk pass
    p: np.ndarray  # (B, n, n) P(a→b) in the offer pass
    e_fwd: np.ndarray  # (B, n, n) E_ij = EU_i(i→j), receiver i in rows
    e_back: np.ndarray  # (B, n, n) E_ji = EU_i(j→i)
    kind: np.ndarray  # (B, n) class of the accepted offer, NONE when i stays
    partner: np.ndarray  # (B, n) index j of the accepted offer, -1 when i stays
    new_x: np.ndarray  # (B, n)


@dataclass(frozen=True)
class Trace:
    """A whole run: round 0 is the input; positions (T+1, B, n), medians and means (T+1, B)."""

    positions: np.ndarray
    median: np.ndarray
    mean: np.ndarray
    kind: np.ndarray  # (T, B, n)
    partner: np.ndarray  # (T, B, n)
    e_fwd: np.ndarray  # (T, B, n) E_ij of the accepted offer (NaN when none)
    e_back: np.ndarray  # (T, B, n)
    last_round: np.ndarray  # (B,) the round each draw stopped at (= rounds when stop = 'fixed')


def median_and_mean(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Condorcet winner (= c·s-weighted median; exact ties go to the lower position) and mean.

    The replicated code breaks exact ties by hash-set order; the lower median is our rule, the
    same as the weighted-median baseline.
    """
    median = weighted_median(x[..., None], w[..., None])[..., 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (w * x).sum(axis=-1) / w.sum(axis=-1)
    return median, mean


def _power(base: np.ndarray, r: np.ndarray | None) -> np.ndarray:
    """base ** r, where None stands for r = 1 (the risk pass) and skips the costly pow.

    Every ``pow`` of the model goes through here: its last bit depends on the CPU (NumPy's
    AVX-512 kernels differ from libm's), which is why the decisions read signs through ties,
    and why tests/test_reproducibility.py perturbs this function's output by one ULP.
    """
    return base if r is None else base**r


def _two_minus_four(u: np.ndarray) -> np.ndarray:
    """2 − 4u in place (the same rounding as the expression), the shape shared by every BDM utility."""
    u *= 4.0
    return np.subtract(2.0, u, out=u)


@dataclass(frozen=True)
class Utilities:
    """A challenger's utilities for every (row, column) pair under the row actor's exponent."""

    success: np.ndarray  # U^s (B, n, n)
    failure: np.ndarray  # U^f
    status_quo: np.ndarray  # Q U^sq + (1 − Q)(T U^b + (1 − T) U^w), the value of not challenging

    def transposed(self) -> Utilities:
        return Utilities(*(np.swapaxes(u, 1, 2) for u in (self.success, self.failure, self.status_quo)))


@dataclass(frozen=True)
class Bases:
    """The bases BDM's utilities raise to the exponent: fixed by positions, so computed once a round.

    success = max(0.5 − δ/2, 0), failure = 0.5 + δ/2; better and worse (max(0.5 − L/4, 0) and
    0.5 + L/4 with the lever L = (|x_a − μ| + |x_a − x_b|) / Δ) only when q < 1.
    """

    success: np.ndarray
    failure: np.ndarray
    better: np.ndarray | None = None
    worse: np.ndarray | None = None

    @classmethod
    def of(cls, delta: np.ndarray, lever: np.ndarray | None) -> Bases:
        half = 0.5 * delta
        success = np.maximum(0.5 - half, 0.0)
        failure = np.add(0.5, half, out=half)
        if lever is None:
            return cls(success, failure)
        return cls(success, failure, np.maximum(0.5 - 0.25 * lever, 0.0), 0.5 + 0.25 * lever)

    def transposed_lever(self) -> Bases:
        """The bases seen from the column actor's lever (δ is symmetric, L is not)."""
        assert self.better is not None and self.worse is not None
        return Bases(
            self.success, self.failure, np.swapaxes(self.better, 1, 2), np.swapaxes(self.worse, 1, 2)
        )


def utilities(bases: Bases, r: np.ndarray | None, q: float, t: float) -> Utilities:
    """BDM's utilities of challenger a (rows) against b (columns); r (B, n, 1) is the row actor's exponent."""
    u_s = _two_minus_four(np.array(_power(bases.success, r)))
    u_f = _two_minus_four(np.array(_power(bases.failure, r)))
    u_sq = q * (2.0 - 4.0 * _power(np.full((1, 1, 1), 0.5), r))
    if q < 1:
        assert bases.better is not None and bases.worse is not None
        u_b = _two_minus_four(np.array(_power(bases.better, r)))
        u_w = _two_minus_four(np.array(_power(bases.worse, r)))
        u_sq = u_sq + (1.0 - q) * (t * u_b + (1.0 - t) * u_w)
    return Utilities(u_s, u_f, np.broadcast_to(u_sq, u_s.shape))


def expected_utility(p: np.ndarray, u: Utilities, s_target: np.ndarray) -> np.ndarray:
    """EU of a challenge: the target resists with probability s_target and then wins with 1 − p.

    Evaluates s (p U^s + (1 − p) U^f) + (1 − s) U^s − U^sq in exactly that order, in place: the
    model's comparisons are strict, so the rounding must not depend on how the sum is formed.
    """
    eu = np.multiply(p, u.success, out=np.empty(p.shape))  # C order even when p is a transposed view
    rest = np.subtract(1.0, p, out=np.empty(p.shape))
    rest *= u.failure
    eu += rest
    eu *= s_target
    eu += np.multiply(1.0 - s_target, u.success, out=rest)
    eu -= u.status_quo
    return eu


def risk_exponents(danger: np.ndarray) -> np.ndarray:
    """r = (1 − R/3)/(1 + R/3) with R the danger rescaled to [−1, 1] across actors.

    The replication has no guard for equal dangers (R undefined); we keep r = 1 there.
    """
    hi, lo = danger.max(axis=1, keepdims=True), danger.min(axis=1, keepdims=True)
    spread = hi - lo
    flat = spread <= 1e-12 * np.maximum(np.abs(hi), np.abs(lo))
    with np.errstate(invalid="ignore", divide="ignore"):
        big_r = np.where(flat, 0.0, (2.0 * danger - hi - lo) / np.where(flat, 1.0, spread))
    return (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)


def eum_round(
    x: np.ndarray, c: np.ndarray, s: np.ndarray, span: np.ndarray, params: EUMParams
) -> RoundDetail:
    """One round for all draws: risk pass at r = 1, offer pass with the new r, simultaneous moves.

    Everything that depends on positions only (distances, voter order, midpoints, utility bases)
    is computed once and serves both passes.
    """
    n = x.shape[1]
    w = c * s
    geo = Geometry.of(x, span)
    ranked_w = np.take_along_axis(w, geo.order, axis=1)[:, :, None]
    lever = None
    mu = None
    if params.q < 1:
        mu, _ = median_and_mean(x, w)
        lever = np.abs(x - mu[:, None])[:, :, None] / span[:, None, None] + geo.delta
    bases = Bases.of(geo.delta, lever)
    diagonal = np.arange(n)

    # Risk pass: S_b = Σ_{a≠b} EU(a→b), everything at r = 1 (so whose view it is does not matter).
    p1, d_risk = probabilities(geo, win_numerators(geo, ranked_w, geo.ranked_delta), params.denominator)
    eu1 = expected_utility(p1, utilities(bases, None, params.q, params.t), s[:, None, :])
    eu1[:, diagonal, diagonal] = 0.0
    danger = eu1.sum(axis=1)
    r = risk_exponents(danger)

    # Offer pass, judged by receiver i (rows) against each j (columns). U depends on the pair only
    # through |x_i − x_j|, so j's utilities under an exponent are the transpose of i's.
    if params.votes == "voter":
        ranked_r = np.take_along_axis(r, geo.order, axis=1)[:, :, None]
        num = win_numerators(geo, ranked_w, _power(geo.ranked_delta, ranked_r))
        p, _ = probabilities(geo, num, params.denominator)
    else:
        p = p1  # votes at r = 1 are the risk pass's
    u_own = utilities(bases, r[:, :, None], params.q, params.t)
    if params.exponent == "challenger":
        u_back = u_own.transposed()
    elif lever is None:
        u_back = u_own
    else:
        u_back = utilities(bases.transposed_lever(), r[:, :, None], params.q, params.t)
    e_fwd = expected_utility(p, u_own, s[:, None, :])
    e_back = expected_utility(np.swapaxes(p, 1, 2), u_back, s[:, :, None])
    signs, e_fwd, e_back = decision_signs(e_fwd, e_back, RoundInputs(x, w, s, span, r, mu), params)
    kind, partner, new_x = choose_moves(x, geo.gap, e_fwd, e_back, signs, params.offer, params.capitulation)
    return RoundDetail(danger, r, d_risk, p, e_fwd, e_back, kind, partner, new_x)


def _chunks(batch: int, n: int) -> list[slice]:
    size = max(1, _CHUNK_CELLS // max(1, n * n))
    return [slice(i, min(batch, i + size)) for i in range(0, batch, size)]


def simulate(
    x: np.ndarray, c: np.ndarray, s: np.ndarray, params: EUMParams = EUMParams(), workers: int = 1
) -> Trace:
    """Run the model for every draw; Δ is the range of each draw's initial positions, fixed.

    Chunks of draws are independent, so ``workers`` > 1 runs them on that many threads (NumPy
    releases the GIL inside its loops); every draw's arithmetic is the same either way.

    Actors are put in a canonical order (by position, capability, salience) for the computation
    and back afterwards. The dynamics hinge on strict comparisons, so a last-bit difference from
    summing in another order can change a later move; in canonical order the result cannot depend
    on how the actors were listed (actors alike in all three are interchangeable).
    """
    x = np.atleast_2d(np.asarray(x, dtype=float))
    b, n = x.shape
    c = np.broadcast_to(np.asarray(c, dtype=float), (b, n))
    s = np.broadcast_to(np.asarray(s, dtype=float), (b, n))
    perm = np.lexsort((s, c, x), axis=-1)
    x, c, s = (np.take_along_axis(a, perm, axis=1) for a in (x, c, s))
    chunks = _chunks(b, n)
    if workers > 1 and len(chunks) > 1:
        with ThreadPoolExecutor(min(workers, len(chunks))) as pool:
            parts = list(pool.map(lambda sl: _simulate_chunk(x[sl], c[sl], s[sl], params), chunks))
    else:
        parts = [_simulate_chunk(x[sl], c[sl], s[sl], params) for sl in chunks]
    axis = {f.name: (0 if f.name == "last_round" else 1) for f in fields(Trace)}
    trace = {name: np.concatenate([getattr(p, name) for p in parts], axis=ax) for name, ax in axis.items()}
    back = np.argsort(perm, axis=1)[None]
    for name in ("positions", "kind", "partner", "e_fwd", "e_back"):
        trace[name] = np.take_along_axis(trace[name], back, axis=2)
    partner = trace["partner"]
    trace["partner"] = np.where(
        partner >= 0,
        np.take_along_axis(np.broadcast_to(perm, partner.shape), np.maximum(partner, 0), axis=2),
        -1,
    )
    return Trace(**trace)


def _simulate_chunk(x: np.ndarray, c: np.ndarray, s: np.ndarray, params: EUMParams) -> Trace:
    b, n = x.shape
    t_max = params.rounds
    span = x.max(axis=1) - x.min(axis=1)
    span = np.where(span > 0, span, 1.0)  # one position only: every distance is 0 anyway
    w = c * s
    positions = np.empty((t_max + 1, b, n))
    positions[0] = x
    kind = np.full((t_max, b, n), NONE)
    partner = np.full((t_max, b, n), -1)
    e_fwd = np.full((t_max, b, n), np.nan)
    e_back = np.full((t_max, b, n), np.nan)
    last = np.full(b, t_max)
    active = np.ones(b, dtype=bool)
    for t in range(t_max):
        cur = positions[t]
        positions[t + 1] = cur
        idx = np.nonzero(active)[0]
        if idx.size == 0:
            continue
        det = eum_round(cur[idx], c[idx], s[idx], span[idx], params)
        positions[t + 1, idx] = det.new_x
        kind[t, idx], partner[t, idx] = det.kind, det.partner
        safe = np.maximum(det.partner, 0)
        moved = det.partner >= 0
        e_fwd[t, idx] = np.where(
            moved, np.take_along_axis(det.e_fwd, safe[..., None], axis=2)[..., 0], np.nan
        )
        e_back[t, idx] = np.where(
            moved, np.take_along_axis(det.e_back, safe[..., None], axis=2)[..., 0], np.nan
        )
        if params.stop == "stable":
            repeat = (positions[: t + 1, idx] == det.new_x[None]).all(axis=2).any(axis=0)
            last[idx[repeat]] = t + 1
            active[idx[repeat]] = False
    median, mean = median_and_mean(positions, np.broadcast_to(w, positions.shape))
    return Trace(positions, median, mean, kind, partner, e_fwd, e_back, last)
