"""Challenge estimates and target choice of the SMP (shared/docs/models.md §1.4 steps 6-8, §1.9).

An actor needs only its own estimate of its gain from challenging each rival, and only for the
rivals that can still be its best target: the gain is linear in the win probability, so bounds
from P = 0 and P = 1 and the exact gains already computed rule most pairs out. The estimates that
are computed follow KTAB's arithmetic step by step (third parties join in index order), so the
chosen target, its probability and its gain are bit for bit those of the full O(n³) scan.
"""

from __future__ import annotations

import numpy as np

from .core import MIN_CHALLENGE_COALITION, MIN_GAIN, KtabRules, StateView, sequential_sum, util, vote

MARGIN = 1e-12  # far above the rounding of a bound or a gain (~1e-15), far below real gaps
SMALL = 32  # up to this many actors, estimate every open rival in one pass


def challenge_probs(
    rules: KtabRules,
    view: StateView,
    weight: np.ndarray,
    total_sal: np.ndarray,
    h: np.ndarray,
    i: np.ndarray,
    j: np.ndarray,
    block_elems: int = 1 << 13,
) -> tuple[np.ndarray, np.ndarray]:
    """h's estimate that i beats j in a challenge, and of i's expected gain from it.

    h, i, j are 1-D index arrays of one length (pairs). Pairs are processed in blocks of rows with
    the third parties n along the columns; what depends only on (h, i, n) is tabulated once.
    """
    d, rh = view.dist, view.r_hat
    n = d.shape[0]
    u = lambda a, b, est: util(d[a, b], rh[est, a])  # noqa: E731  aUtil[est](a, b)
    u_ii, u_ij, u_ji, u_jj = u(i, i, h), u(i, j, h), u(j, i, h), u(j, j, h)
    c_i0 = np.full(i.shape, MIN_CHALLENGE_COALITION)
    c_j0 = c_i0.copy()
    for contrib in (
        vote(rules.voting_rule, weight[i], u_ii - u_ij),
        vote(rules.voting_rule, weight[j], u_ji - u_jj),
    ):
        c_i0 = np.where(contrib > 0.0, c_i0 + contrib, c_i0)
        c_j0 = np.where(contrib < 0.0, c_j0 - contrib, c_j0)
    key, q = np.unique(h * n + i, return_inverse=True)  # distinct (estimator, challenger) pairs
    r_q = rh[key // n]  # (Q, n): rh[h, n]
    u_ni_q = util(d[:, key % n].T, r_q)  # u_n(p_i) as h estimates it
    u_nn_q = util(np.diag(d)[None, :], r_q)
    ni2 = u_ni_q + u_ni_q
    commit = rules.third_party_commit
    a_q = ni2 + u_ni_q if commit == "full" else ni2 + u_nn_q
    c_q = ni2 + u_nn_q if commit == "none" else ni2 + u_ni_q
    d_t = np.ascontiguousarray(d.T)  # d_t[j, n] = d[n, j]
    utility = _unit_util if d.max() <= 1 else util
    c_i, c_j = np.empty(i.shape), np.empty(i.shape)
    step = max(1, block_elems // n)
    for lo in range(0, i.size, step):  # rows are pairs, columns third parties
        s = slice(lo, lo + step)
        qs, rows = q[s], np.arange(q[s].size)
        u_nj = utility(d_t[j[s]], r_q[qs])
        v = vote(rules.voting_rule, weight, np.subtract(u_ni_q[qs], u_nj))
        cni = np.maximum(v, 0.0)
        cni += c_i0[s, None]
        cnj = np.subtract(c_j0[s, None], np.minimum(v, 0.0, out=v), out=v)  # c_j0 + max(-v, 0)
        p_in = np.divide(cni, cni + cnj, out=cni)
        p_jn = np.subtract(1.0, p_in, out=cnj)
        nj2 = u_nj + u_nj
        b = np.add(nj2, u_nn_q[qs] if commit == "none" else u_nj)
        e = np.add(nj2, u_nj if commit == "full" else u_nn_q[qs], out=nj2)
        b *= p_jn
        e *= p_jn
        x = a_q[qs]
        x *= p_in
        x += b  # p_in a + p_jn b
        y = c_q[qs]
        y *= p_in
        y += e  # p_in c + p_jn e
        v3 = vote(rules.voting_rule, weight, np.subtract(x, y, out=x))
        v3[rows, i[s]] = 0.0  # the two principals are not third parties
        v3[rows, j[s]] = 0.0
        # third parties join in index order (rows are summed down the columns, one after another);
        # c_j0 - min(v3, 0) is exactly c_j0 + (-min(v3, 0)): IEEE subtraction adds the negation
        c_i[s] = sequential_sum(c_i0[s], np.maximum(v3, 0.0).T)
        c_j[s] = sequential_sum(c_j0[s], np.negative(np.minimum(v3, 0.0, out=v3), out=v3).T)
    p_ij = c_i / (c_i + c_j)
    p_ji = c_j / (c_i + c_j)
    # gain to k = i of the challenge, compared with the status quo
    u_ki, u_kj = u_ii, u_ij
    eu_sq = u_ki + u_kj
    eu_win = u_ki + u_ki
    eu_contest = p_ij * eu_win + p_ji * (u_kj + u_kj)
    s_j = total_sal[j]
    eu_chlg = (1 - s_j) * eu_win + s_j * eu_contest
    return p_ij, eu_chlg - eu_sq


def _unit_util(d: np.ndarray, r: np.ndarray) -> np.ndarray:
    """util(d, r) for distances known to be at most 1, in place of d."""
    t = d * r
    t += 1.0
    d = np.subtract(1.0, d, out=d)
    d *= t
    return d


def gain_bounds(view: StateView, total_sal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bounds on i's gain from challenging j: (u_ii - u_ij)(1 - 2 S_j (1 - P)) at P = 1 and P = 0."""
    own = view.own_util
    g = np.diag(own)[:, None] - own
    other = g * (1 - 2 * total_sal[None, :])
    upper, lower = np.maximum(g, other), np.minimum(g, other)
    np.fill_diagonal(upper, -np.inf)
    np.fill_diagonal(lower, -np.inf)
    return upper, lower


def best_challenges(
    rules: KtabRules,
    view: StateView,
    weight: np.ndarray,
    total_sal: np.ndarray,
    first: int = 12,
    rounds: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each actor's target (-1 for none) with its win probability and gain, the full scan's choice.

    Each of `rounds` passes estimates every actor's `first` most promising open rivals (by the
    middle of their bounds); after each, the best gain found, less MARGIN, closes every rival
    whose upper bound falls below it, and a last pass estimates the rivals still open. A rival
    that could tie or beat the best is never closed, so the choice is exact. By default (None) a
    few dozen actors take no pre-pass: one call over every open rival costs less than two calls.
    """
    n = view.dist.shape[0]
    if rounds is None:
        rounds = 0 if n <= SMALL else 1
    upper, lower = gain_bounds(view, total_sal)
    prob, gain = np.zeros((n, n)), np.full((n, n), -np.inf)
    open_ = np.ones((n, n), dtype=bool)
    k = min(first, n)
    for done in range(rounds + 1):
        floor = np.maximum(np.maximum(lower.max(axis=1), gain.max(axis=1)), MIN_GAIN)
        open_ &= upper >= (floor - MARGIN)[:, None]
        if done < rounds:
            score = np.where(open_, upper + lower, -np.inf)
            rows, cols = np.repeat(np.arange(n), k), np.argpartition(-score, k - 1, axis=1)[:, :k].ravel()
            keep = np.isfinite(score[rows, cols])
            rows, cols = rows[keep], cols[keep]
        else:
            rows, cols = np.nonzero(open_)
        prob[rows, cols], gain[rows, cols] = challenge_probs(rules, view, weight, total_sal, rows, rows, cols)
        open_[rows, cols] = False
    target = best_targets(gain)
    has = target >= 0
    rows = np.arange(n)
    return target, np.where(has, prob[rows, target], 0.0), np.where(has, gain[rows, target], -np.inf)


def best_targets(gain: np.ndarray) -> np.ndarray:
    """Each actor's target: the first j with the largest gain above MIN_GAIN, or -1."""
    g = gain.copy()
    np.fill_diagonal(g, -np.inf)
    best = np.argmax(g, axis=1)
    return np.where(g[np.arange(g.shape[0]), best] > MIN_GAIN, best, -1)
