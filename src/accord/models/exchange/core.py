"""Stokman's position-exchange model with the Equal Gain rule, as pure NumPy on one scenario.

Actors trade voting positions: on a pair of issues (p, q), actor i who cares relatively more about
p than j does (s_ip/s_iq > s_jp/s_jq) gets j to move toward i on p, and pays by moving toward j
on q. The outcome of every issue is the compromise O_d = Σ c s x / Σ c s, so a move of Δx by
actor k shifts O_d by Δx c_k s_k / W_d, W_d = Σ c s. An exchange only helps both when they sit
on opposite sides of the outcome on both issues (Stokman & van Oosten 1994; the a-d / b-c groups
of foarsitter/decide-exchange-model).

Units: positions are rescaled to [0, 1] per issue (by the issue's min and max) and saliences are
fractions, so a utility −s |O − x| is comparable across issues with different scales.

Equal Gain, worked once here because every bound follows from it. With dp = |ΔO_p| and
dq = |ΔO_q| (both outcomes move toward the demander's position on its demand issue),
    gain_i = s_ip dp − s_iq dq,   gain_j = s_jq dq − s_jp dp.
Equal gains give dq = k dp with k = (s_ip + s_jp)/(s_iq + s_jq), and then
    gain = dp (s_ip s_jq − s_iq s_jp)/(s_iq + s_jq) > 0 exactly when i is relatively keener on p.
The exchange is the largest dp such that nobody moves past the other's position and no outcome
passes the demander's position (beyond it the demander would start losing):
    dp = min(|x_ip − x_jp| c_j s_jp / W_p, |x_jq − x_iq| c_i s_iq / (k W_q), |x_ip − O_p|, |x_jq − O_q| / k).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

import numpy as np


@dataclass(frozen=True)
class Exchange:
    """One executed exchange: i demands p (j moves on p), j demands q (i moves on q)."""

    i: int
    j: int
    p: int
    q: int
    shift_p: float  # |ΔO_p| on the unit scale
    shift_q: float
    move_j: float  # signed move of j on p (unit scale)
    move_i: float  # signed move of i on q
    gain: float  # utility gain of each of i and j


def outcomes(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The compromise outcome per issue (m,), actors (n, m) without a stance carrying w = 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(w > 0, w * np.nan_to_num(x), 0.0).sum(axis=0) / w.sum(axis=0)


def candidates(
    x: np.ndarray, c: np.ndarray, s: np.ndarray, free: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Equal-gain size dp and gain of every exchange (i, j, p, q): arrays (n, n, m, m).

    x (n, m) unit-scale positions (NaN: no stance), c (n,), s (n, m) fractions, free (n, m) marks
    the actor-issue positions not yet used this round. The third array is the validity mask;
    each exchange appears once, as the ordering in which i demands p.
    """
    n, m = x.shape
    w = np.where(np.isnan(x), 0.0, c[:, None] * s)
    out = outcomes(x, w)
    total = w.sum(axis=0)
    side = np.sign(np.nan_to_num(x - out, nan=0.0))  # 0 at the outcome or without a stance
    usable = free & ~np.isnan(x) & (side != 0)
    # Axes: i, j, p, q.
    xi_p, xj_p = x[:, None, :, None], x[None, :, :, None]
    xi_q, xj_q = x[:, None, None, :], x[None, :, None, :]
    si_p, sj_p = s[:, None, :, None], s[None, :, :, None]
    si_q, sj_q = s[:, None, None, :], s[None, :, None, :]
    wj_p, wi_q = w[None, :, :, None], w[:, None, None, :]
    valid = (
        usable[:, None, :, None]
        & usable[None, :, :, None]
        & usable[:, None, None, :]
        & usable[None, :, None, :]
        & (side[:, None, :, None] != side[None, :, :, None])
        & (side[:, None, None, :] != side[None, :, None, :])
        & (si_p * sj_q > si_q * sj_p)
        & (wj_p > 0)
        & (wi_q > 0)
        & ~np.eye(n, dtype=bool)[:, :, None, None]
        & ~np.eye(m, dtype=bool)[None, None, :, :]
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        k = (si_p + sj_p) / (si_q + sj_q)
        dp = reduce(
            np.minimum,
            [
                np.abs(xi_p - xj_p) * wj_p / total[None, None, :, None],
                np.abs(xj_q - xi_q) * wi_q / (k * total[None, None, None, :]),
                np.abs(xi_p - out[None, None, :, None]),
                np.abs(xj_q - out[None, None, None, :]) / k,
            ],
        )
        gain = dp * (si_p * sj_q - si_q * sj_p) / (si_q + sj_q)
    valid &= np.isfinite(gain)
    return np.where(valid, dp, 0.0), np.where(valid, gain, -np.inf), valid


def best_exchange(
    x: np.ndarray, c: np.ndarray, s: np.ndarray, free: np.ndarray, min_gain: float
) -> Exchange | None:
    """The exchange with the largest gain among the free positions (ties: lowest i, j, p, q)."""
    dp, gain, valid = candidates(x, c, s, free)
    if not valid.any():
        return None
    flat = int(np.argmax(gain))
    if not gain.flat[flat] > min_gain:
        return None
    i, j, p, q = (int(v) for v in np.unravel_index(flat, gain.shape))
    w = np.where(np.isnan(x), 0.0, c[:, None] * s)
    total = w.sum(axis=0)
    shift_p = float(dp[i, j, p, q])
    shift_q = float(shift_p * (s[i, p] + s[j, p]) / (s[i, q] + s[j, q]))
    move_j = np.sign(x[i, p] - x[j, p]) * shift_p * total[p] / w[j, p]
    move_i = np.sign(x[j, q] - x[i, q]) * shift_q * total[q] / w[i, q]
    return Exchange(i, j, p, q, shift_p, shift_q, float(move_j), float(move_i), float(gain[i, j, p, q]))


def utilities(ideal: np.ndarray, s: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Each actor's utility −Σ_d s_d |O_d − ideal_d| over the issues it has a stance on (n,).

    Utility is measured from the actor's initial position (its ideal), not from the voting
    position it has traded away.
    """
    return -np.nansum(s * np.abs(out[None, :] - ideal), axis=1)


@dataclass(frozen=True)
class Step:
    """An executed exchange with its round, its order within the round and every actor's utility change."""

    round: int
    order: int
    exchange: Exchange
    utility_change: np.ndarray  # (n,): gain for i and j, externality for the others (from ideals)


def simulate(
    x: np.ndarray, c: np.ndarray, s: np.ndarray, rounds: int, min_gain: float
) -> tuple[np.ndarray, list[Step]]:
    """Rounds of best-first exchanges; returns positions (R+1, n, m) and the executed steps.

    Within a round the best exchange is executed, the outcomes recomputed, and the next best
    sought among actor-issue positions not yet moved or used as a demand this round, until none
    gains; a round with no exchange ends the run (as does the cap ``rounds``).
    """
    x = np.array(x, dtype=float)
    ideal = x.copy()
    history = [x.copy()]
    steps: list[Step] = []
    w = np.where(np.isnan(x), 0.0, c[:, None] * s)
    for t in range(1, rounds + 1):
        free = np.ones(x.shape, dtype=bool)
        order = 0
        while (ex := best_exchange(x, c, s, free, min_gain)) is not None:
            before = utilities(ideal, s, outcomes(x, w))
            x[ex.j, ex.p] += ex.move_j
            x[ex.i, ex.q] += ex.move_i
            after = utilities(ideal, s, outcomes(x, w))
            free[[ex.i, ex.i, ex.j, ex.j], [ex.p, ex.q, ex.p, ex.q]] = False
            order += 1
            steps.append(Step(t, order, ex, after - before))
        if order == 0:
            break
        history.append(x.copy())
    return np.stack(history), steps
