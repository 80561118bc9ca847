"""Pivotal actors: how much each actor moves each issue's forecast.

Three measures, each in points of the issue's own scale:

- ``remove``: forecast with the actor minus forecast without it (how far its presence pulls).
- ``shift``: how far the forecast moves when the actor's positions move by ``shift`` x range,
  the central difference (f(x+d) - f(x-d)) / 2 with positions clipped to the range.
- ``shapley``: the actor's Shapley share of the move from the reference point (status quo, or the
  middle of the range) to the full forecast, where a coalition's value is the forecast with only
  its members present. Shares add up to that full move. Exact over all 2^n coalitions for up to
  ``EXACT_MAX`` actors, otherwise estimated from sampled permutations.

Models with a deterministic vectorised path are evaluated on all coalitions in one batch, an
absent actor being a NaN position with zero salience (the arrays' convention). Other models run
once per coalition on the scenario with the other actors removed, every run with the same seed
(common random numbers), so differences are not noise; a coalition the model cannot run at all (say,
fewer than two required parties left) is valued at the reference point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from ..errors import AccordError, ParameterError
from ..models.base import Model, check_seed
from ..scenario.arrays import ScenarioArrays, to_arrays
from ..scenario.schema import Scenario
from .edit import drop
from .montecarlo import ProgressFactory

METHODS = ("remove", "shift", "shapley")
EXACT_MAX = 8
COLUMNS = ["actor", "issue", "method", "effect", "rank"]


def reference_point(arrays: ScenarioArrays) -> np.ndarray:
    """Where an issue stands with nobody pushing: the status quo, else the middle of the range."""
    return np.where(np.isnan(arrays.status_quo), (arrays.lo + arrays.hi) / 2, arrays.status_quo)


class Coalitions:
    """Forecasts for sub-groups of actors, cached by bit mask (bit k = actor k present)."""

    def __init__(
        self, scenario: Scenario, model: Model, seed: int, progress: ProgressFactory | None = None
    ) -> None:
        self.scenario, self.model, self.seed, self.progress = scenario, model, seed, progress
        self.arrays = to_arrays(scenario)
        self.vectorised = "batch" in model.tags and "stochastic" not in model.tags
        self._cache: dict[int, np.ndarray] = {}

    def values(self, masks: Sequence[int] | np.ndarray, label: str = "coalitions") -> np.ndarray:
        """(len(masks), issues) forecasts; issues nobody in a coalition weighs stay at the reference."""
        todo = sorted({int(m) for m in masks} - self._cache.keys())
        if todo and self.vectorised:
            self._cache.update(zip(todo, self._vectorised(todo), strict=True))
        elif todo:
            advance = self.progress(len(todo), f"pivotal: {label}") if self.progress else None
            for m in todo:  # one model run per coalition: the slow path, so it reports progress
                self._cache[m] = self._one(m)
                if advance:
                    advance(1)
        return np.array([self._cache[int(m)] for m in masks])

    def _members(self, masks: Sequence[int]) -> np.ndarray:
        bits = 1 << np.arange(self.arrays.n_actors)
        return (np.asarray(masks)[:, None] & bits) > 0  # (k, actors)

    def _weighed(self, members: np.ndarray) -> np.ndarray:
        a = self.arrays
        weight = a.present & (a.salience > 0) & (a.capability[:, None] > 0)
        return np.asarray((members[:, :, None] & weight[None]).any(axis=1))  # (k, issues)

    def _vectorised(self, masks: list[int]) -> list[np.ndarray]:
        a = self.arrays
        members = self._members(masks)
        covered = self._weighed(members)
        out = np.tile(reference_point(a), (len(masks), 1))
        for pattern in np.unique(covered, axis=0):
            if not pattern.any():
                continue
            rows = np.nonzero((covered == pattern).all(axis=1))[0]
            cols = np.nonzero(pattern)[0]
            keep = members[rows][:, :, None]
            sub = replace(
                a,
                issues=tuple(a.issues[c] for c in cols),
                lo=a.lo[cols],
                hi=a.hi[cols],
                status_quo=a.status_quo[cols],
                capability=np.broadcast_to(a.capability, (len(rows), a.n_actors)).copy(),
                position=np.where(keep, a.position[None][..., cols], np.nan),
                salience=np.where(keep, a.salience[None][..., cols], 0.0),
            )
            out[np.ix_(rows, cols)] = self.model.forecast_batch(sub, np.random.default_rng(self.seed))
        return list(out)

    def _one(self, mask: int) -> np.ndarray:
        a = self.arrays
        out = reference_point(a).copy()
        members = self._members([mask])[0]
        covered = self._weighed(members[None])[0]
        if not covered.any():
            return out
        sub = drop(
            self.scenario,
            actors=[x for x, m in zip(a.actors, members, strict=True) if not m],
            issues=[i for i, c in zip(a.issues, covered, strict=True) if not c],
        )
        try:
            forecast = self.model.run(sub, self.seed).forecast.set_index("issue")["forecast"]
        except AccordError:  # e.g. too few required parties left to negotiate: nobody moves the issue
            return out
        for k, issue in enumerate(a.issues):
            if issue in forecast.index:
                out[k] = float(forecast[issue])
        return out


def shapley(coalitions: Coalitions, permutations: int, rng: np.random.Generator) -> np.ndarray:
    """(actors, issues) Shapley shares; exact up to EXACT_MAX actors, else permutation sampling."""
    n = coalitions.arrays.n_actors
    if n <= EXACT_MAX:
        masks = np.arange(2**n)
        v = coalitions.values(masks, "shapley")
        size = np.array([bin(m).count("1") for m in masks])
        fact = np.array([float(np.prod(np.arange(1, k + 1))) for k in range(n + 1)])
        phi = np.zeros((n, v.shape[1]))
        for k in range(n):
            without = masks[(masks >> k) & 1 == 0]
            w = fact[size[without]] * fact[n - size[without] - 1] / fact[n]
            phi[k] = (w[:, None] * (v[without | (1 << k)] - v[without])).sum(axis=0)
        return phi
    orders = np.array([rng.permutation(n) for _ in range(permutations)])
    prefix = np.zeros((permutations, n + 1), dtype=np.int64)
    for step in range(n):
        prefix[:, step + 1] = prefix[:, step] | (1 << orders[:, step])
    v = coalitions.values(prefix.reshape(-1), "shapley").reshape(permutations, n + 1, -1)
    gains = v[:, 1:] - v[:, :-1]  # (permutations, steps, issues)
    phi = np.zeros((n, v.shape[2]))
    np.add.at(phi, orders.reshape(-1), gains.reshape(-1, v.shape[2]))
    return phi / permutations


def shift_effects(
    scenario: Scenario,
    model: Model,
    arrays: ScenarioArrays,
    shift: float,
    seed: int,
    progress: ProgressFactory | None = None,
) -> np.ndarray:
    """(actors, issues) central-difference response of the forecast to each actor's positions."""
    n = arrays.n_actors
    delta = shift * (arrays.hi - arrays.lo)
    pos = np.repeat(arrays.position[None], 2 * n, axis=0)
    for k in range(n):
        pos[2 * k, k] = np.clip(pos[2 * k, k] + delta, arrays.lo, arrays.hi)
        pos[2 * k + 1, k] = np.clip(pos[2 * k + 1, k] - delta, arrays.lo, arrays.hi)
    variants = arrays.with_values(
        position=pos,
        salience=np.repeat(arrays.salience[None], 2 * n, axis=0),
        capability=np.repeat(arrays.capability[None], 2 * n, axis=0),
    )
    if "batch" in model.tags and "stochastic" not in model.tags:
        f = model.run_batch(scenario, variants, np.random.default_rng(seed)).forecast
    else:
        advance = progress(2 * n, "pivotal: shift") if progress else None
        runs = []
        for d in range(2 * n):
            runs.append(model.run_batch(scenario, _take(variants, d), np.random.default_rng(seed)).forecast)
            if advance:
                advance(1)
        f = np.concatenate(runs)
    effect = (f[0::2] - f[1::2]) / 2
    return np.where(arrays.present, effect, np.nan)


def _take(arrays: ScenarioArrays, d: int) -> ScenarioArrays:
    return arrays.with_values(
        position=arrays.position[d : d + 1],
        salience=arrays.salience[d : d + 1],
        capability=arrays.capability[d : d + 1],
    )


def pivotal_actors(
    scenario: Scenario,
    model: Model,
    seed: int = 0,
    method: Sequence[str] = METHODS,
    shift: float = 0.1,
    permutations: int = 200,
    progress: ProgressFactory | None = None,
) -> pd.DataFrame:
    """Tidy (actor, issue, method, effect, rank); rank 1 = largest |effect| per method and issue."""
    unknown = [m for m in method if m not in METHODS]
    if unknown:
        raise ParameterError(f"unknown pivotal method {unknown[0]!r}; allowed: {', '.join(METHODS)}")
    if not 0 < shift <= 1:
        raise ParameterError(f"shift must be in (0, 1] of the issue range (got {shift}); allowed: e.g. 0.1")
    seed = check_seed(seed)
    model.check_supported(scenario)
    coalitions = Coalitions(scenario, model, seed, progress)
    arrays = coalitions.arrays
    n = arrays.n_actors
    full = (1 << n) - 1
    effects: dict[str, np.ndarray] = {}
    if "remove" in method:
        v = coalitions.values([full] + [full & ~(1 << k) for k in range(n)], "remove")
        effects["remove"] = v[0][None] - v[1:]
    if "shift" in method:
        effects["shift"] = shift_effects(scenario, model, arrays, shift, seed, progress)
    if "shapley" in method:
        effects["shapley"] = shapley(coalitions, permutations, np.random.default_rng(seed))
    frames = []
    for name, eff in effects.items():
        frame = pd.DataFrame(
            {
                "actor": np.repeat(np.array(arrays.actors, dtype=object), arrays.n_issues),
                "issue": np.tile(np.array(arrays.issues, dtype=object), n),
                "method": name,
                "effect": eff.reshape(-1),
            }
        ).dropna(subset=["effect"])
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out["rank"] = (
        out.assign(size=out["effect"].abs())
        .groupby(["method", "issue"])["size"]
        .rank(method="min", ascending=False)
        .astype(int)
    )
    return out.sort_values(["method", "issue", "rank", "actor"], ignore_index=True)[COLUMNS]


def top_actors(frame: pd.DataFrame, method: str = "shapley", n: int = 3) -> pd.DataFrame:
    """The ``n`` most pivotal actors per issue under one method (for tables under a forecast)."""
    sub = frame[(frame["method"] == method) & (frame["rank"] <= n)]
    return sub.sort_values(["issue", "rank"], ignore_index=True)
