"""Who would win a challenge in the EUM: the voters' geometry on the line and the win probabilities P.

Split from core (the round and the run) because it is the model's costliest part and has a
structure of its own: on a line a voter prefers a to b exactly when it lies on a's side of their
midpoint, so P's numerators come from prefix sums over voters sorted by position.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .core import Denominator


@dataclass(frozen=True)
class Geometry:
    """What a round's positions fix before any exponent is known; shared by the risk and offer passes.

    On a line, voter k prefers a to b exactly when it lies on a's side of their midpoint, so the
    voters preferring the lower of the two form a prefix of the voters sorted by position; ``rows``
    locates, for each pair, the prefix sum up to the midpoint. It lets P's numerators come from
    prefix sums in O(n² log n) rather than from the O(n³) (voter, a, b) cube.
    """

    order: np.ndarray  # (B, n) voters sorted by position
    rows: np.ndarray  # (B, n, n) flat index of prefix[β, split[a, b], b] in a (B, n + 1, n) table
    lower: np.ndarray  # (B, n, n) x_a < x_b
    same: np.ndarray  # (B, n, n) x_a = x_b
    gap: np.ndarray  # (B, n, n) |x_a − x_b|
    delta: np.ndarray  # (B, n, n) |x_a − x_b| / Δ
    ranked_delta: np.ndarray  # (B, n, n) delta with rows in voter order

    @classmethod
    def of(cls, x: np.ndarray, span: np.ndarray) -> Geometry:
        """The geometry of positions x (B, n) on issues whose initial range is span (B,)."""
        b, n = x.shape
        order = np.argsort(x, axis=1, kind="stable")
        ranked = np.take_along_axis(x, order, axis=1)
        upper_a, upper_b = np.triu_indices(n, 1)  # split is symmetric and unused on the diagonal
        mid = 0.5 * (x[:, upper_a] + x[:, upper_b])
        count = np.zeros(mid.shape, dtype=np.intp)
        below = np.empty(mid.shape, dtype=bool)
        for k in range(n):
            count += np.less_equal(ranked[:, k, None], mid, out=below)
        split = np.zeros((b, n, n), dtype=np.intp)
        split[:, upper_a, upper_b] = count
        split[:, upper_b, upper_a] = count
        split *= n
        split += np.arange(n) + (n + 1) * n * np.arange(b)[:, None, None]
        gap = np.abs(x[:, :, None] - x[:, None, :])
        delta = gap / span[:, None, None]
        voter_rows = order + n * np.arange(b)[:, None]
        ranked_delta = delta.reshape(b * n, n).take(voter_rows.reshape(-1), axis=0).reshape(b, n, n)
        return cls(order, split, x[:, :, None] < x[:, None, :], gap == 0, gap, delta, ranked_delta)


def win_numerators(geo: Geometry, ranked_w: np.ndarray, ranked_d: np.ndarray) -> np.ndarray:
    """N[a, b] = Σ_k max(0, w_k [d_k(x_b) − d_k(x_a)]), from d_k(x_b) (B, n, n) with voters k in rows.

    Voters at the midpoint are indifferent and add nothing, whichever side they are counted on.
    """
    b, n = ranked_w.shape[:2]
    prefix = np.empty((b, n + 1, n))
    prefix[:, 0] = 0.0
    np.multiply(ranked_w, ranked_d, out=prefix[:, 1:])
    for k in range(1, n):  # a running sum in voter order, as np.cumsum adds (but faster on this axis)
        prefix[:, k + 1] += prefix[:, k]
    g = prefix.reshape(-1).take(geo.rows)  # g[a, b] = Σ over the voters below the midpoint of w_k d_k(x_b)
    below = np.subtract(g, np.swapaxes(g, 1, 2))
    total = prefix[:, -1]
    num = np.subtract(total[:, None, :], total[:, :, None])
    num -= below
    np.copyto(num, below, where=geo.lower)
    return num


def probabilities(geo: Geometry, num: np.ndarray, denominator: Denominator) -> tuple[np.ndarray, np.ndarray]:
    """P(a→b) (B, n, n) from the numerators, and the global denominator D (B,) (NaN per pair)."""
    if denominator == "pair":
        den = num + np.swapaxes(num, 1, 2)
        total = np.full(num.shape[0], np.nan)
        bad = geo.same | (den <= 0)
    else:
        if denominator == "distinct":
            inv = 1.0 / geo.same.sum(axis=2)  # each actor counts 1/multiplicity of its position
            total = 2.0 * np.einsum("ba,baq,bq->b", inv, num, inv)
        else:
            total = 2.0 * num.sum(axis=(1, 2))
        den = total[:, None, None]
        bad = geo.same | (den <= 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.divide(num, den)
    np.copyto(p, 0.0, where=bad)
    return p, total
