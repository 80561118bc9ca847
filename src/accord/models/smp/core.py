"""Array functions of KAPSARC's Spatial Model of Politics (KTAB SMP), on the [0,1] scale.

Everything here is a pure function of numpy arrays, written from the algorithm in
docs/models.md §1.4. Sums and products run in KTAB's order (sequentially, starting from KTAB's
seed values), because a last-bit difference can flip an exact tie between bargains and so change
a trajectory. The challenge estimates and the choice of targets are in challenge.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ...errors import UnsupportedScenario

MIN_COALITION = 1e-8  # seed of every coalition strength in a PCE
MIN_CHALLENGE_COALITION = 1e-10  # seed of the two coalitions in a challenge
BINARY_SCALE = 1e-8
MIN_GAIN = 1e-5  # a challenge must be worth more than this
MIN_WEIGHT = 1e-6  # interpolation guard in the bargain
POS_TOL = 1e-3  # positions closer than this are one option for the winning probabilities
STOP_GUARD = 1e-4


# The rule choices, as accord's snake_case names (model.py maps each to KTAB's XML name).
VictoryProbModel = Literal["linear", "square", "quartic", "octic", "binary"]
PCEModel = Literal["conditional", "markov_incentive", "markov_uniform"]
Transitions = Literal["deterministic", "stochastic"]
VotingRule = Literal["binary", "prop_bin", "proportional", "prop_cubic", "cubic", "asym_prospect"]
BigRAdjust = Literal["none", "one_third", "half", "two_thirds", "full"]
BigRRange = Literal["min", "mid", "max"]
ThirdPartyCommit = Literal["none", "semi", "full"]
BargainInterp = Literal["S2P2", "S1P1", "S2PMax"]
BargainModel = Literal["init_only", "init_rcvr", "pw_compromise"]


@dataclass(frozen=True)
class KtabRules:
    """KTAB SMP's rule choices (votes, victory probabilities, bargains), as accord's snake_case names."""

    victory_prob_model: VictoryProbModel = "linear"
    pce_model: PCEModel = "conditional"
    voting_rule: VotingRule = "proportional"
    big_r_adjust: BigRAdjust = "one_third"
    big_r_range: BigRRange = "mid"
    third_party_commit: ThirdPartyCommit = "semi"
    bargain_interp: BargainInterp = "S2P2"
    bargain_model: BargainModel = "init_only"


def sequential_sum(first: np.ndarray, terms: np.ndarray) -> np.ndarray:
    """first + terms[0] + terms[1] + ... in that order; terms is scratch and gets overwritten.

    numpy reduces a leading axis one slice after another only while that axis is not the
    innermost in memory (then it sums pairwise), hence the C-order copy and the 1-element case.
    """
    terms = np.ascontiguousarray(terms)
    terms[0] += first  # x + y == y + x exactly, so this is the first step of the chain
    if terms[0].size < 2:
        return np.add.accumulate(terms, axis=0)[-1]
    return np.add.reduce(terms, axis=0)


def vote(rule: str, w: np.ndarray | float, du: np.ndarray) -> np.ndarray:
    """An actor's vote of weight w for option a over b, with du = u(a) - u(b)."""
    if rule == "proportional":
        return w * du
    binary = np.clip(du / BINARY_SCALE, -1.0, 1.0)
    if rule == "binary":
        return w * binary
    if rule == "prop_bin":
        return w * ((1 - 0.2) * du + 0.2 * binary)
    cubic = du * du * du
    if rule == "prop_cubic":
        return w * ((1 - 0.5) * du + 0.5 * cubic)
    if rule == "cubic":
        return w * cubic
    # asym_prospect: losses count fully, gains by two thirds
    return np.where(du < 0, w * du, np.where(du > 0, (2.0 * w * du) / 3.0, 0.0))


ANTISYMMETRIC_RULES = {"binary", "prop_bin", "proportional", "prop_cubic", "cubic"}


def _swap(x: np.ndarray) -> np.ndarray:
    return np.swapaxes(x, -1, -2)


def _lower(n_opt: int) -> np.ndarray:
    return np.tril(np.ones((n_opt, n_opt), dtype=bool), -1)


def coalitions(rule: str, w: np.ndarray, u: np.ndarray, chunk_elems: int = 1 << 16) -> np.ndarray:
    """C[..., i, j]: strength of the coalition for option i over j; u is (..., voters, options).

    Voters are added one after another from KTAB's seed 1e-8, in chunks small enough to stay in
    cache (chunks chain exactly). For a vote rule with v(j,i) = -v(i,j) the positive parts of the
    full matrix give both triangles at once.
    """
    ub = axis_first(u, -2)  # (voters, ..., options)
    n_opt = ub.shape[-1]
    shape = ub.shape[1:] + (n_opt,)
    step = max(1, chunk_elems // max(1, math.prod(shape)))
    c_for: np.ndarray = np.full(shape, MIN_COALITION)
    antisym = rule in ANTISYMMETRIC_RULES
    c_against: np.ndarray | None = None if antisym else c_for.copy()
    scratch = np.empty((min(step, ub.shape[0]),) + shape)
    for lo in range(0, ub.shape[0], step):
        part = ub[lo : lo + step]
        du = np.subtract(part[..., :, None], part[..., None, :], out=scratch[: part.shape[0]])
        wk = w[lo : lo + step].reshape((-1,) + (1,) * (part.ndim))
        v = np.multiply(wk, du, out=du) if rule == "proportional" else vote(rule, wk, du)
        if c_against is not None:  # exactly when not antisym
            c_against = sequential_sum(c_against, np.maximum(-v, 0.0))
        c_for = sequential_sum(c_for, np.maximum(v, 0.0, out=v))
    if antisym:
        c = c_for  # the upper triangle already holds the sums of -v over the lower one
    else:
        assert c_against is not None
        low = _lower(n_opt)
        c = np.where(low, c_for, 0.0) + _swap(np.where(low, c_against, 0.0))
    diag = np.arange(n_opt)
    c[..., diag, diag] = MIN_COALITION
    return c


def victory_probs(model: str, c: np.ndarray) -> np.ndarray:
    """P[..., i, j] = probability that option i beats j, from coalition strengths.

    KTAB fills the lower triangle and mirrors it; for the power models x_ij / (x_ij + x_ji) is
    the same number computed from either side, so both triangles come from one division.
    """
    if model == "binary":
        s1, s2 = c, _swap(c)  # for the lower triangle: s1 = C[i,j], s2 = C[j,i]
        r12 = s1 / (s1 + s2)
        p12 = (r12 * (1.10 + 1.0) - 1.0) / (1.10 - 1.0)
        x1 = np.where(s1 >= 1.10 * s2, 1.0, np.where(s2 >= 1.10 * s1, 1e-6, p12))
        x2 = np.where(s1 >= 1.10 * s2, 1e-6, np.where(s2 >= 1.10 * s1, 1.0, 1 - p12))
        low = _lower(c.shape[-1])
        p = np.where(low, x1 / (x1 + x2), 0.0) + _swap(np.where(low, x2 / (x1 + x2), 0.0))
    else:
        x, power = c, {"linear": 1, "square": 2, "quartic": 4, "octic": 8}[model]
        while power > 1:
            x, power = x * x, power // 2
        p = x / (x + _swap(x))
    diag = np.arange(c.shape[-1])
    p[..., diag, diag] = 0.5
    return p


def pce(rules: KtabRules, w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Probabilistic Condorcet election over the options (last axis of u), voters weighted by w.

    u is (..., voters, options): leading axes are independent elections of the same size.
    """
    c = coalitions(rules.voting_rule, w, u)
    pv = victory_probs(rules.victory_prob_model, c)
    if rules.pce_model == "conditional":
        p = np.multiply.reduce(pv, axis=-1)
        total = np.add.reduce(axis_first(p, -1), axis=0)[..., None]
        if (total > 0).all():
            return p / total
        # every product underflowed somewhere: normalise in logs instead, through libm (NumPy's
        # AVX-512 log/exp differ from it in the last bit, and these probabilities decide moves)
        logp = np.frompyfunc(math.log, 1, 1)(pv).astype(float).sum(axis=-1)
        q = np.frompyfunc(math.exp, 1, 1)(logp - logp.max(axis=-1, keepdims=True)).astype(float)
        return q / q.sum(axis=-1, keepdims=True)
    flat_c, flat_p = c.reshape((-1,) + c.shape[-2:]), pv.reshape((-1,) + pv.shape[-2:])
    out = [_markov(rules.pce_model, fc, fp) for fc, fp in zip(flat_c, flat_p, strict=True)]
    return np.array(out).reshape(pv.shape[:-1])


def _markov(model: str, c: np.ndarray, pv: np.ndarray) -> np.ndarray:
    n_opt = pv.shape[0]
    if model == "markov_uniform":
        step = lambda p: (pv * (p[:, None] + p[None, :])).sum(axis=1) / n_opt  # noqa: E731
        tol = 1e-6
    else:  # markov_incentive
        incentive = c * pv + np.diag(np.full(n_opt, 1e-10))
        challenge = incentive / incentive.sum(axis=0)[None, :]

        def step(p: np.ndarray) -> np.ndarray:
            ct = p[:, None] * challenge.T
            return (pv * (ct + ct.T)).sum(axis=1)

        tol = 1e-8
    p = np.full(n_opt, 1.0 / n_opt)
    for _ in range(1000):
        q = step(p)
        change = np.abs(q - p).max()
        p = (p + q) / 2.0
        if not change > tol:
            return p
    raise UnsupportedScenario(  # a valid scenario this setting cannot solve, not a crash
        f"model 'smp': the Markov PCE (pce_model {model!r}) did not converge in 1000 iterations over "
        f"{n_opt} options; allowed: pce_model 'conditional' (KTAB's default), or fewer distinct positions"
    )


def big_r(p: np.ndarray, rng: str) -> np.ndarray:
    """Risk attitudes from the risk-neutral PCE: the likeliest position is the most risk-averse."""
    p_min, p_max = p.min(), p.max()
    if not p_max > p_min:  # all equally likely: KTAB divides 0/0; we call everyone risk-neutral
        return np.zeros_like(p)
    if rng == "min":
        return (p - p_min) / (p_max - p_min)
    if rng == "mid":
        return (3 * p - (p_max + 2 * p_min)) / (2 * (p_max - p_min))
    return (2 * p - (p_max + p_min)) / (p_max - p_min)


def estimated_r(r: np.ndarray, adjust: str) -> np.ndarray:
    """R̂[h, i]: h's estimate of i's risk attitude."""
    rh, ri = r[:, None], r[None, :]
    if adjust == "none":
        return np.broadcast_to(rh, (r.size, r.size)).copy()
    if adjust == "one_third":
        return ((2.0 * rh) + ri) / 3.0
    if adjust == "half":
        return (rh + ri) / 2
    if adjust == "two_thirds":
        return (rh + (2.0 * ri)) / 3.0
    return np.broadcast_to(ri, (r.size, r.size)).copy()


def distances(ideal: np.ndarray, sal: np.ndarray, points: np.ndarray) -> np.ndarray:
    """d[i, y]: salience-weighted normalised distance from i's ideal to point y (KTAB bvDiff)."""
    ds = np.zeros((ideal.shape[0], points.shape[0]))
    ss = np.zeros(ideal.shape[0])
    for k in range(ideal.shape[1]):
        term = (ideal[:, None, k] - points[None, :, k]) * sal[:, None, k]
        ds = ds + term * term
        ss = ss + sal[:, k] * sal[:, k]
    ratio = np.divide(ds, ss[:, None], out=np.zeros_like(ds), where=ss[:, None] > 0)
    return np.sqrt(ratio)


def util(d: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Utility of a position at distance d for risk attitude r (KTAB bsUtil).

    Distances between points of the unit box never exceed 1, so the second branch is rare.
    """
    if (d <= 1).all():
        return (1 - d) * (1 + d * r)
    return np.where(d <= 1, (1 - d) * (1 + d * r), (1 - d) * (1 + r))


def row_sums(values: np.ndarray) -> np.ndarray:
    """Sum along the last axis in order (KTAB's loops), not numpy's pairwise order.

    numpy sums pairwise along the axis that is innermost in memory, which a transposed view
    would be; the C-order copy in sequential_sum makes the summed axis outermost, so the terms are
    added one after another whatever the array's size.
    """
    terms = axis_first(values, -1)
    if terms.shape[0] == 0:
        return np.zeros(terms.shape[1:])
    return sequential_sum(np.zeros(terms.shape[1:]), terms)


def axis_first(x: np.ndarray, axis: int) -> np.ndarray:
    """np.moveaxis(x, axis, 0) without its argument checks, which dominate on small arrays."""
    k = axis % x.ndim
    return x.transpose((k, *range(k), *range(k + 1, x.ndim)))


@dataclass(frozen=True)
class StateView:
    """What one state's decisions read: distances, risk attitudes and own utilities."""

    dist: np.ndarray  # (n, n) d_i(p_j) from i's ideal
    r: np.ndarray  # (n,) objective risk attitudes
    r_hat: np.ndarray  # (n, n) R̂[h, i]
    own_util: np.ndarray  # (n, n) aUtil[i](i, j)


def assess(
    rules: KtabRules, pos: np.ndarray, ideal: np.ndarray, sal: np.ndarray, cap: np.ndarray
) -> StateView:
    """Distances, risk attitudes and each actor's utilities of the others' positions in one state."""
    dist = distances(ideal, sal, pos)
    r = big_r(pce(rules, cap, util(dist, np.zeros((dist.shape[0], 1)))), rules.big_r_range)
    r_hat = estimated_r(r, rules.big_r_adjust)
    return StateView(dist, r, r_hat, util(dist, np.diag(r_hat)[:, None]))


def _round4(x: np.ndarray) -> np.ndarray:
    return np.trunc(0.5 + x * 10000.0) / 10000.0


def interpolate(
    how: str,
    t_i: np.ndarray,
    s_i: np.ndarray,
    p_i: np.ndarray,
    t_j: np.ndarray,
    s_j: np.ndarray,
    p_j: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The bargain's new positions (b_i, b_j) per dimension; rows are bargains."""
    p_i, p_j = p_i[:, None], p_j[:, None]
    if how == "S2PMax":
        di = np.where(p_j > p_i, p_j - p_i, 0.0)
        dj = np.where(p_i > p_j, p_i - p_j, 0.0)
        si2, sj2 = s_i * s_i, s_j * s_j
        dik = (di * sj2) / ((di * sj2) + MIN_WEIGHT + ((1 - di) * si2))
        djk = (dj * si2) / ((dj * si2) + MIN_WEIGHT + ((1 - dj) * sj2))
        return t_i + dik * (t_j - t_i), t_j + djk * (t_i - t_j)
    if how == "S2P2":
        w_i, w_j = (s_i * s_i) * (p_i * p_i), (s_j * s_j) * (p_j * p_j)
    else:  # S1P1
        w_i, w_j = s_i * p_i, s_j * p_j
    den = w_i + MIN_WEIGHT + w_j
    return (
        _round4(((w_i + MIN_WEIGHT) * t_i + w_j * t_j) / den),
        _round4((w_i * t_i + (MIN_WEIGHT + w_j) * t_j) / den),
    )


def unique_classes(pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Representatives of the distinct positions, and for each actor the last one within POS_TOL."""
    diff = np.zeros((pos.shape[0], pos.shape[0]))
    for k in range(pos.shape[1]):
        dk = pos[:, None, k] - pos[None, :, k]
        diff = diff + dk * dk
    near = np.sqrt(diff) < POS_TOL  # symmetric, true on the diagonal
    is_rep, covered = np.zeros(len(pos), dtype=bool), np.zeros(len(pos), dtype=bool)
    for a in range(len(pos)):  # a represents a class unless an earlier representative is near it
        if not covered[a]:
            is_rep[a] = True
            covered |= near[a]
    rep = np.nonzero(is_rep)[0]
    last = rep[rep.size - 1 - np.argmax(near[:, rep[::-1]], axis=1)]
    return rep, last


def win_probabilities(
    rules: KtabRules, view: StateView, pos: np.ndarray, cap: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per actor, the probability that its position wins (KTAB's pDist over distinct positions).

    Returns (per-actor probability, representatives, their probabilities).
    """
    rep, last = unique_classes(pos)
    p = pce(rules, cap, view.own_util[:, rep])
    return p[np.searchsorted(rep, last)], rep, p
