"""A distributional ensemble: a mixture of predictive distributions with feature-dependent weights.

Components, per issue: every model's predictive distribution, the conformal predictive
distribution of the compromise model, point masses at the issue's structural locations (the
reference point, the positions of named agenda actors, DEU's Commission and Parliament, and of the
two largest camps, actors sharing a position ranked by summed capability x salience) and a discrete
uniform over the scale (21 points, every 5% of the range), which keeps every outcome possible.
Outcomes of EU legislation are lumpy: on the DEU development split 52% of outcomes sit exactly on
one of these points (the largest camp's position 29%, the Parliament's 22%, the Commission's 21%,
the reference point 14%, the second camp's 12%), which a unimodal forecast cannot express and a
mixture can.

Weights: a multinomial logit (softmax) of what is known before the decision, w_k(x) ∝
exp(a_k + b_k·x), over the components available on the issue (a missing reference point or a
model that could not run gets no weight), the mixture-of-experts gating of Jacobs et al. (1991,
Neural Computation 3:79). Features (standardised on the training cases; unknown = training mean):
procedure COD (1) or CNS (0), unanimity (1) or QMV (0), log number of actors, capability x
salience weighted spread of positions (share of the range), and whether the reference point is
known. a and b minimise the mean CRPS over the training cases plus lam·|b|² (ridge). The mixture's
CRPS is exact and quadratic in the weights, w·A - w'Bw/2 with A_k = E|X_k - y| and B_kl =
E|X_k - X_l| (Gneiting & Raftery 2007, JASA 102:359, section 4.2), so fitting needs only A and B
per case; the CRPS of a mixture is convex in its weights (E|X - X'| is a negative-definite
kernel; the softmax makes the fit itself not convex), and L-BFGS from zero is deterministic. lam
is chosen by an inner cross-validation grouped by proposal among
``PENALTIES`` (``None`` = constant weights, no features); on a tie within 1e-9 of the score the
more regularised choice wins.

Intervals: the mixture's atoms make its nominal central intervals over-cover (an atom on an end
puts more than c of the mass inside), so the 50/80/95% intervals are the central ones at levels
calibrated on that inner cross-validation's held-out mixtures (:func:`calibrated_levels`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import minimize

from ..scenario.arrays import ScenarioArrays
from ..scenario.schema import Scenario
from . import crossval
from .distributions import TOL, Predictive
from .scoring import LEVELS

FEATURES = ("cod", "unanimity", "log_actors", "spread", "has_reference")
AGENDA_ACTORS = ("com", "ep")
ANCHORS = ("reference", *(f"actor:{a}" for a in AGENDA_ACTORS), "camp1", "camp2", "uniform")
UNIFORM_POINTS = 21
PENALTIES: tuple[float | None, ...] = (None, 1.0)
ALPHA_PENALTY = 1e-3  # pins the softmax's free shift; small enough not to matter otherwise
INNER_FOLDS = 4


def camps(position: np.ndarray, weight: np.ndarray, span: float, top: int = 2) -> list[float]:
    """Positions of the ``top`` largest camps: actors within 1e-9 of the range of one position.

    Ranked by summed weight, ties (within 1e-9 of the total) to the lower position.
    """
    ok = ~np.isnan(position)
    pos, w = position[ok], weight[ok]
    order = np.argsort(pos, kind="stable")
    pos, w = pos[order], w[order]
    starts = np.r_[True, np.diff(pos) > TOL * span]
    ids = np.cumsum(starts) - 1
    where, mass = pos[starts], np.bincount(ids, weights=w)
    total = max(float(mass.sum()), 1e-300)
    rank = np.lexsort((where, -np.round(mass / total, 9)))
    return [float(where[k]) for k in rank[:top]]


def anchors(arrays: ScenarioArrays, issue: int, actors: Sequence[str] = AGENDA_ACTORS) -> list[np.ndarray]:
    """The structural components of one issue as atom arrays (empty: not available here)."""
    lo, hi = float(arrays.lo[issue]), float(arrays.hi[issue])
    pos = arrays.position[:, issue]
    out = [np.array([arrays.status_quo[issue]]) if not np.isnan(arrays.status_quo[issue]) else np.array([])]
    for a in actors:
        k = arrays.actors.index(a) if a in arrays.actors else -1
        out.append(np.array([pos[k]]) if k >= 0 and not np.isnan(pos[k]) else np.array([]))
    weight = arrays.capability * np.where(np.isnan(pos), 0.0, arrays.salience[:, issue])
    found = camps(pos, weight, hi - lo)
    out += [np.array(found[j : j + 1]) for j in range(2)]
    out.append(np.linspace(lo, hi, UNIFORM_POINTS))
    return out


def features(scenario: Scenario, arrays: ScenarioArrays, issue: int) -> np.ndarray:
    """The pre-decision features of one issue (NaN = unknown); procedure and voting rule come from
    the scenario's ``models["ensemble"]["features"]`` (the DEU reader fills them from proc/counvte)."""
    known = scenario.models.get("ensemble", {}).get("features", {})
    proc, vote = str(known.get("procedure", "")).upper(), str(known.get("voting_rule", "")).upper()
    pos = arrays.position[:, issue]
    ok = ~np.isnan(pos)
    w = arrays.capability[ok] * arrays.salience[ok, issue]
    span = float(arrays.hi[issue] - arrays.lo[issue])
    mean = float(np.average(pos[ok], weights=w)) if w.sum() > 0 else float(np.mean(pos[ok]))
    spread = float(np.sqrt(np.average((pos[ok] - mean) ** 2, weights=w))) / span if w.sum() > 0 else 0.0
    return np.array(
        [
            {"COD": 1.0, "CNS": 0.0}.get(proc, np.nan),
            {"UNAN": 1.0, "UNANIMITY": 1.0, "QMV": 0.0}.get(vote, np.nan),
            np.log(max(int(ok.sum()), 1)),
            spread,
            0.0 if np.isnan(arrays.status_quo[issue]) else 1.0,
        ]
    )


@dataclass(frozen=True)
class Moments:
    """A (n, K) = E|X_k - y|, B (n, K, K) = E|X_k - X_l|, mask (n, K) = component available, and
    below, upto (n, K) = F_k(y-), F_k(y): what fitting the weights and calibrating the intervals need."""

    a: np.ndarray
    b: np.ndarray
    mask: np.ndarray
    below: np.ndarray
    upto: np.ndarray

    def take(self, index: np.ndarray) -> Moments:
        """The moments of the cases at ``index``, for fitting on one fold."""
        return Moments(self.a[index], self.b[index], self.mask[index], self.below[index], self.upto[index])


def moments(parts: Sequence[Predictive], y: np.ndarray) -> Moments:
    """A and B of every case, exactly, from the components' CDFs on the union of their atoms, and
    those CDFs at the outcome."""
    n, k = len(y), len(parts)
    a, b, mask = np.zeros((n, k)), np.zeros((n, k, k)), np.column_stack([p.available for p in parts])
    cdfs = [p.cdf(y) for p in parts]
    for i in range(n):
        vals = [p.values[i] for p in parts]
        wts = [p.weights[i] if mask[i, j] else np.zeros_like(p.weights[i]) for j, p in enumerate(parts)]
        v, w = np.concatenate(vals), np.concatenate(wts)
        label = np.repeat(np.arange(k), [len(x) for x in vals])
        z, at = np.unique(v, return_inverse=True)
        mass = np.zeros((k, z.size))
        np.add.at(mass, (label, at), w)
        a[i] = np.bincount(label, weights=w * np.abs(v - y[i]), minlength=k)
        if z.size > 1:
            cdf = np.cumsum(mass, axis=1)[:, :-1]
            m = (cdf * np.diff(z)) @ (1 - cdf).T
            b[i] = m + m.T
        b[i][~mask[i]] = 0.0
        b[i][:, ~mask[i]] = 0.0
    return Moments(a, b, mask, np.column_stack([c[0] for c in cdfs]), np.column_stack([c[1] for c in cdfs]))


def gate(alpha: np.ndarray, beta: np.ndarray, x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Softmax weights (n, K) over the available components."""
    z = np.where(mask, alpha[None, :] + x @ beta.T, -np.inf)
    e = np.exp(z - z.max(axis=1, keepdims=True))  # exp(-inf) = 0: unavailable components get nothing
    return e / e.sum(axis=1, keepdims=True)


def mixture_crps(w: np.ndarray, m: Moments) -> np.ndarray:
    """Per-case CRPS of the mixture with weights ``w``: w·A - ½ wᵀBw, exact for mixtures of atoms."""
    return np.einsum("nk,nk->n", w, m.a) - 0.5 * np.einsum("nk,nkl,nl->n", w, m.b, w)


def interval_scores(w: np.ndarray, m: Moments) -> np.ndarray:
    """Per case, the smallest central level whose interval (ends included) holds the outcome.

    With lower quantiles q, y lies in [q((1-c)/2), q((1+c)/2)] exactly when (1-c)/2 <= F(y) and
    F(y-) < (1+c)/2, i.e. when c >= max(1 - 2F(y), 2F(y-) - 1) (the 1e-9 keeps the strict side
    strict against rounding: above the quantiles' 1e-12 slack, far below any level that matters).
    F is the mixture's CDF, Σ_k w_k F_k."""
    below, upto = (w * m.below).sum(axis=1), (w * m.upto).sum(axis=1)
    return np.clip(np.maximum(1 - 2 * upto, 2 * below - 1 + 1e-9), 0.0, 1.0)


def calibrated_levels(scores: np.ndarray, levels: Sequence[float] = LEVELS) -> tuple[float, ...]:
    """The central levels to report as the nominal ``levels``: split-conformal quantiles of held-out
    ``scores`` (:func:`interval_scores`), the ⌈(n+1)c⌉-th smallest (1, the whole support, past n).

    A mixture with atoms (the anchors) puts more than c of its mass in its closed central c interval
    whenever an atom sits on an end, and DEU outcomes sit on those atoms, so the nominal interval
    covers more than c. Choosing the level from held-out cases instead gives a new case's interval
    coverage of at least c when cases are exchangeable with the held-out ones (Vovk, Gammerman &
    Shafer 2005, "Algorithmic Learning in a Random World", ch. 2; Lei et al. 2018, JASA 113:1094,
    th. 2.1: and at most c + 1/(n+1) without ties). The held-out cases are those of the inner
    grouped cross-validation that chose the penalty, and the interval then comes from the gate
    refitted on all of them: the K-fold "CV" scheme that Barber, Candès, Ramdas & Tibshirani (2021,
    Ann. Stat. 49:486, sec. 2) set beside CV+, close to nominal in practice, without CV+'s
    finite-sample guarantee (the refitted gate is a little better than the held-out ones)."""
    s = np.sort(scores[~np.isnan(scores)])
    n = s.size
    ranks = [int(np.ceil((n + 1) * c - 1e-9)) for c in levels]  # 1e-9: (n+1)c whole but rounded up
    return tuple(
        c if n == 0 else float(s[r - 1]) if r <= n else 1.0 for c, r in zip(levels, ranks, strict=True)
    )


@dataclass(frozen=True)
class Gating:
    """Fitted gate: a (K,), b (K, p), the training features' mean and sd, the penalty chosen, and the
    calibrated central levels reported as the nominal 50/80/95% intervals (nominal when nothing was
    held out to calibrate them on)."""

    alpha: np.ndarray
    beta: np.ndarray
    center: np.ndarray
    scale: np.ndarray
    penalty: float | None
    levels: tuple[float, ...] = LEVELS

    def standardise(self, x: np.ndarray) -> np.ndarray:
        """Features scaled by the training mean and sd; missing features count as the mean (0)."""
        return np.nan_to_num((x - self.center) / self.scale, nan=0.0)

    def weights(self, x: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Mixture weights per case for features ``x``; ``mask`` marks the components that forecast it."""
        return gate(self.alpha, self.beta, self.standardise(x), mask)


def fit(m: Moments, x: np.ndarray, penalty: float | None, start: Gating | None = None) -> Gating:
    """Gate parameters minimising mean CRPS + penalty·|b|² (+ a tiny ridge on a); None: b = 0.

    ``start``: a gate fitted on the same cases to start from (the regularisation path's previous
    step), else zero (equal weights)."""
    n, k = m.a.shape
    known = ~np.isnan(x)
    count = known.sum(axis=0)
    center = np.where(count > 0, np.where(known, x, 0.0).sum(axis=0) / np.maximum(count, 1), 0.0)
    var = np.where(known, (x - center) ** 2, 0.0).sum(axis=0) / np.maximum(count, 1)
    scale = np.where(var > 1e-24, np.sqrt(var), 1.0)  # a feature unknown or constant here: no effect
    xs = np.nan_to_num((x - center) / scale, nan=0.0)
    p = 0 if penalty is None else xs.shape[1]
    if n == 0:  # nothing to fit on: equal weights over what is available
        return Gating(np.zeros(k), np.zeros((k, xs.shape[1])), center, scale, penalty)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        alpha, beta = theta[:k], theta[k:].reshape(k, p)
        w = gate(alpha, beta, xs[:, :p], m.mask)
        bw = np.matmul(m.b, w[:, :, None])[:, :, 0]
        g = m.a - bw  # gradient of each case's CRPS in its weights
        value = float((w * (m.a - 0.5 * bw)).sum()) / n + ALPHA_PENALTY * alpha @ alpha
        dz = w * (g - (w * g).sum(axis=1, keepdims=True)) / n
        grad_a = dz.sum(axis=0) + 2 * ALPHA_PENALTY * alpha
        grad_b = dz.T @ xs[:, :p]
        if p and penalty is not None:  # (p > 0 only with a penalty)
            value += penalty * float((beta**2).sum())
            grad_b = grad_b + 2 * penalty * beta
        return float(value), np.concatenate([grad_a, grad_b.ravel()])

    theta0 = np.zeros(k * (1 + p))
    if start is not None:
        theta0[:k] = start.alpha
        theta0[k:] = start.beta[:, :p].ravel()
    # ftol 1e-8 of a CRPS of ~15 points is ~1e-7 points: far below anything scored.
    res = minimize(loss, theta0, jac=True, method="L-BFGS-B", options={"maxiter": 500, "ftol": 1e-8})
    beta = np.zeros((k, xs.shape[1]))
    beta[:, :p] = res.x[k:].reshape(k, p)
    return Gating(res.x[:k], beta, center, scale, penalty)


def choose(m: Moments, x: np.ndarray, groups: np.ndarray) -> Gating:
    """The penalty with the best inner grouped-CV CRPS, refitted on all the given cases, its interval
    levels calibrated on the same inner CV's held-out mixtures at that penalty."""
    folds = crossval.group_kfold(groups, INNER_FOLDS)
    if len(folds) < 2:  # one proposal: nothing to cross-validate a penalty on
        return fit(m, x, None)
    scores = np.zeros(len(PENALTIES))
    held = np.zeros((len(PENALTIES), *m.a.shape))
    for test in folds:
        train = np.setdiff1d(np.arange(len(groups)), test)
        g = None
        for j, penalty in enumerate(PENALTIES):  # along the path, each fit starting from the last
            g = fit(m.take(train), x[train], penalty, g)
            held[j, test] = g.weights(x[test], m.mask[test])
            scores[j] += float(mixture_crps(held[j, test], m.take(test)).sum())
    scores /= len(groups)
    best = min(scores)
    # PENALTIES run from most to least regularised: the first within tolerance of the best wins.
    pick = next(j for j, s in enumerate(scores) if s <= best + 1e-9 * max(abs(best), 1.0))
    levels = calibrated_levels(interval_scores(held[pick], m))
    return replace(fit(m, x, PENALTIES[pick]), levels=levels)


def with_component(
    m: Moments, parts: Sequence[Predictive], extra: Predictive, y: np.ndarray, at: int
) -> Moments:
    """``m`` (the moments of ``parts``) with one more component inserted at index ``at``.

    Its A entry and B row come from its sorted atoms c (weights w): for any point v,
    E|C - v| = v (2 W(v) - 1) + S - 2 S(v) with W(v), S(v) the weight and weighted sum of the atoms
    below v and S the total, and E|C - C'| = 2 Σ_a w_a (c_a W(c_a) - S(c_a)). So a component that
    changes from fold to fold (the conformal one) costs one sorted pass per case, not the table.
    """
    n, k = m.a.shape
    row, own = np.zeros((n, k)), np.zeros(n)
    ok = extra.available
    label = np.repeat(np.arange(k), [p.values.shape[1] for p in parts])
    values = np.concatenate([p.values for p in parts], axis=1)
    weights = np.concatenate([p.weights for p in parts], axis=1)
    for i in np.nonzero(ok)[0]:
        keep = extra.weights[i] > 0
        order = np.argsort(extra.values[i][keep], kind="stable")
        c, wc = extra.values[i][keep][order], extra.weights[i][keep][order]
        cum_w, cum_s = np.r_[0.0, np.cumsum(wc)], np.r_[0.0, np.cumsum(wc * c)]
        v = values[i]
        at_v = np.searchsorted(c, v, side="left")
        spread = v * (2 * cum_w[at_v] - cum_w[-1]) + cum_s[-1] - 2 * cum_s[at_v]
        row[i] = np.bincount(label, weights=spread * weights[i], minlength=k)
        own[i] = 2 * float(wc @ (c * cum_w[:-1] - cum_s[:-1]))
    row = np.where(m.mask, row, 0.0)
    a_new = np.where(ok, (extra.weights * np.abs(extra.values - y[:, None])).sum(axis=1), 0.0)
    a = np.insert(m.a, at, a_new, axis=1)
    old = np.array([j for j in range(k + 1) if j != at])
    b = np.zeros((n, k + 1, k + 1))
    b[:, old[:, None], old[None, :]] = m.b
    b[:, at, old] = row
    b[:, old, at] = row
    b[:, at, at] = own
    below, upto = extra.cdf(y)
    return Moments(
        a,
        b,
        np.insert(m.mask, at, ok, axis=1),
        np.insert(m.below, at, below, axis=1),
        np.insert(m.upto, at, upto, axis=1),
    )


def cross_validated(
    parts: Sequence[Predictive],
    per_fold: Sequence[Predictive],
    at: int,
    y: np.ndarray,
    x: np.ndarray,
    groups: np.ndarray,
    folds: Sequence[np.ndarray],
) -> tuple[np.ndarray, list[Gating], np.ndarray]:
    """Held-out weights (n, K) and interval levels (n, len(LEVELS)): for each outer fold, the gate
    chosen, fitted and calibrated on its training cases.

    ``parts`` are the components that do not depend on the fold; ``per_fold[f]`` is the one that
    does (the conformal distribution from fold f's training residuals), inserted at index ``at``.
    """
    n = len(y)
    base = moments(parts, y)
    weights, levels = np.zeros((n, len(parts) + 1)), np.zeros((n, len(LEVELS)))
    gates = []
    for f, test in enumerate(folds):
        m = with_component(base, parts, per_fold[f], y, at)
        train = np.setdiff1d(np.arange(n), test)
        g = choose(m.take(train), x[train], groups[train])
        gates.append(g)
        weights[test] = g.weights(x[test], m.mask[test])
        levels[test] = g.levels
    return weights, gates, levels


def held_out(per_fold: Sequence[Predictive], folds: Sequence[np.ndarray]) -> Predictive:
    """One predictive from per-fold versions: each case as its own held-out fold saw it."""
    first = per_fold[0]
    width = max(p.values.shape[1] for p in per_fold)
    values = np.tile(first.lo[:, None], (1, width)).astype(float)
    weights = np.zeros((first.n, width))
    for part, test in zip(per_fold, folds, strict=True):
        values[test, : part.values.shape[1]] = part.values[test]
        weights[test, : part.values.shape[1]] = part.weights[test]
    return Predictive(values, weights, first.lo, first.hi)
