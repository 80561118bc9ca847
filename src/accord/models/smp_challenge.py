"""Challenge estimates and target choice of the SMP (docs/models.md §1.4 steps 6-8, §1.9).

An actor needs only its own estimate of its gain from challenging each rival, and only for the
rivals that can still be its best target: the gain is linear in the win probability, so bounds
from P = 0 and P = 1 and the exact gains already computed rule most pairs out. The estimates that
are computed follow KTAB's arithmetic step by step (third parties join in index order), so the
chosen target, its probability and its gain are bit for bit those of the full O(n³) scan.
"""

from __future__ import annotations

import numpy as np

from .smp_core import MIN_CHALLENGE_COALITION, MIN_GAIN, Rules, StateView, sequential_sum, util, vote

MARGIN = 1e-12  # far above the rounding of a bound or a gain (~1e-15), far below real gaps


def challenge_probs(
    rules: Rules, view: StateView, weight: np.ndarray, total_sal: np.ndarray,
    h: np.ndarray, i: np.ndarray, j: np.ndarray, block_elems: int = 1 << 14,
) -> tuple[np.ndarray, np.ndarray]:
    """h's estimate that i beats j in a challenge, and of i's expected gain from it.

    h, i, j are 1-D index arrays of one length (pairs). Pairs are processed in blocks with the
    third parties n along the leading axis; what depends only on (h, i, n) is tabulated once.
    """
    d, rh = view.dist, view.r_hat
    n = d.shape[0]
    u = lambda a, b, est: util(d[a, b], rh[est, a])  # noqa: E731  aUtil[est](a, b)
    u_ii, u_ij, u_ji, u_jj = u(i, i, h), u(i, j, h), u(j, i, h), u(j, j, h)
    c_i0 = np.full(i.shape, MIN_CHALLENGE_COALITION)
    c_j0 = c_i0.copy()
    for contrib in (vote(rules.voting_rule, weight[i], u_ii - u_ij), vote(rules.voting_rule, weight[j], u_ji - u_jj)):
        c_i0 = np.where(contrib > 0.0, c_i0 + contrib, c_i0)
        c_j0 = np.where(contrib < 0.0, c_j0 - contrib, c_j0)
    key, q = np.unique(h * n + i, return_inverse=True)  # distinct (estimator, challenger) pairs
    r_q = rh[key // n]  # rh[h, n]
    u_ni_q = util(d[:, key % n].T, r_q)  # u_n(p_i) as h estimates it
    u_nn_q = util(np.diag(d)[None, :], r_q)
    ni2 = u_ni_q + u_ni_q
    commit = rules.third_party_commit
    a_q = ni2 + u_ni_q if commit == "full" else ni2 + u_nn_q
    c_q = ni2 + u_nn_q if commit == "none" else ni2 + u_ni_q
    tables = [np.ascontiguousarray(t.T) for t in (r_q, u_ni_q, u_nn_q, a_q, c_q)]  # (n, Q) each
    w_n = weight[:, None]
    c_i, c_j = np.empty(i.shape), np.empty(i.shape)
    step = max(1, block_elems // n)
    for lo in range(0, i.size, step):
        s = slice(lo, lo + step)
        r_n, u_ni, u_nn, a, c = (np.take(t, q[s], axis=1) for t in tables)  # (n, pairs)
        u_nj = util(np.take(d, j[s], axis=1), r_n)
        v = vote(rules.voting_rule, w_n, u_ni - u_nj)
        cni = c_i0[s] + np.maximum(v, 0.0)
        cnj = c_j0[s] + np.maximum(-v, 0.0)
        p_in = cni / (cni + cnj)
        p_jn = 1.0 - p_in
        nj2 = u_nj + u_nj
        b = nj2 + u_nn if commit == "none" else nj2 + u_nj
        e = nj2 + u_nj if commit == "full" else nj2 + u_nn
        v3 = vote(rules.voting_rule, w_n, (p_in * a + p_jn * b) - (p_in * c + p_jn * e))
        cols = np.arange(v3.shape[1])
        v3[i[s], cols] = 0.0  # the two principals are not third parties
        v3[j[s], cols] = 0.0
        c_i[s] = sequential_sum(c_i0[s], np.maximum(v3, 0.0))  # third parties join in index order
        c_j[s] = sequential_sum(c_j0[s], np.maximum(-v3, 0.0))
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
    rules: Rules, view: StateView, weight: np.ndarray, total_sal: np.ndarray, first: int = 8,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each actor's target (-1 for none) with its win probability and gain, the full scan's choice.

    A first pass estimates each actor's `first` most promising rivals (by the middle of their
    bounds); the best gain found, less MARGIN, then rules out every rival whose upper bound falls
    below it, and a second pass estimates the rest. A rival that could tie or beat the best is
    always estimated, so the choice is exact.
    """
    n = view.dist.shape[0]
    upper, lower = gain_bounds(view, total_sal)
    prob, gain = np.zeros((n, n)), np.full((n, n), -np.inf)
    open_ = upper >= (np.maximum(lower.max(axis=1), MIN_GAIN) - MARGIN)[:, None]
    k = min(first, n)
    score = np.where(open_, upper + lower, -np.inf)
    top = np.argpartition(-score, k - 1, axis=1)[:, :k]
    rows, cols = np.repeat(np.arange(n), k), top.ravel()
    keep = np.isfinite(score[rows, cols])

    def estimate(rows: np.ndarray, cols: np.ndarray) -> None:
        prob[rows, cols], gain[rows, cols] = challenge_probs(rules, view, weight, total_sal, rows, rows, cols)
        open_[rows, cols] = False

    estimate(rows[keep], cols[keep])
    floor = np.maximum(np.maximum(lower.max(axis=1), gain.max(axis=1)), MIN_GAIN)
    estimate(*np.nonzero(open_ & (upper >= (floor - MARGIN)[:, None])))
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
