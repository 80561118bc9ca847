"""Backtesting: run models over cases with known outcomes and score them.

A case is a one-issue scenario with the outcome kept aside (e.g. from ``accord.scenario.deu``).
Models with a batch path (the static ones, eum) see all cases at once: the cases are stacked as the
issues of one array set over the union of their actors (an absent actor has a NaN position and zero
salience, so it drops out), one stack per set of compatible capabilities. Every other model runs case by case,
optionally spread over worker processes: each case gets its own child generator, spawned in case
order before any runs, so the numbers do not depend on how many processes there are.
A case a model cannot run (``UnsupportedScenario``) is skipped and counted, never fatal.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from ..errors import ParameterError, UnsupportedScenario
from ..models.base import Model
from ..models.registry import make_model
from ..scenario.arrays import ScenarioArrays, to_arrays
from ..scenario.schema import Scenario
from . import crossval, ensemble_fit, evaluation, predictive
from .cases import INTERVAL_COLUMNS, Case, Forecasts, groups, midpoint, outcomes, scale, score
from .distributions import Predictive
from .montecarlo import DEFAULT_NOISE, NoiseSpec


def workers(jobs: int | None) -> AbstractContextManager[Executor | None]:
    """A pool of ``jobs`` worker processes for the case-by-case runs (None or 1: run in this process).

    Workers are forked where the platform allows it, so they start without importing accord again.
    """
    if jobs is not None and jobs < 1:
        raise ParameterError(f"--jobs must be at least 1 (got {jobs}); allowed: 1, 2, ...")
    if jobs is None or jobs == 1:
        return nullcontext()
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    return ProcessPoolExecutor(jobs, mp_context=context)


CaseRun = tuple[float, tuple[float, float] | None, str, tuple[np.ndarray, np.ndarray] | None]


def _run_case(task: tuple[Model, Scenario, np.random.Generator]) -> CaseRun:
    """One model on one case: (forecast, 80% bounds or None, why it could not run or "", the branches
    the run states or None)."""
    model, scenario, rng = task
    try:
        result = model.run(scenario, rng)
    except UnsupportedScenario as exc:
        return np.nan, None, str(exc), None
    table = result.forecast
    bounds = None
    if all(c in table.columns for c in INTERVAL_COLUMNS):
        bounds = float(table["lo80"].iloc[0]), float(table["hi80"].iloc[0])
    return float(table["forecast"].iloc[0]), bounds, "", predictive.branches(result)


def run_model(
    model: Model,
    cases: Sequence[Case],
    rng: np.random.Generator,
    pool: Executor | None = None,
    draws: int = 0,
) -> Forecasts:
    """One model over every case, batched where the model allows it, else case by case (on ``pool``);
    with ``draws``, also its predictive distribution (accord.analysis.predictive)."""
    return start_model(model, cases, rng, pool, draws)()


def start_model(
    model: Model,
    cases: Sequence[Case],
    rng: np.random.Generator,
    pool: Executor | None = None,
    draws: int = 0,
    noise: NoiseSpec = DEFAULT_NOISE,
) -> Callable[[], Forecasts]:
    """run_model in two steps: the batch part and the hand-over of the case-by-case runs to ``pool``
    now, their collection when the returned function is called (meanwhile this process is free,
    e.g. for the next model's batch part). Draws from ``rng`` happen now, in the same order as run_model;
    the distributions' draws come from a separate stream (predictive.draws_rng), so asking for them
    changes no point forecast."""
    n = len(cases)
    how = predictive.kind(model)
    drng = predictive.draws_rng(rng)
    capped = min(draws, predictive.MAX_DRAWS.get(model.name, draws))
    width = capped if how == "static" else predictive.STOCHASTIC_DRAWS if how == "stochastic" else 0
    samples = np.full((n, max(width, 1)), np.nan)
    forecast = np.full(n, np.nan)
    lo, hi = np.full(n, np.nan), np.full(n, np.nan)
    failures: list[str] = []
    runnable = []
    for k, case in enumerate(cases):
        try:
            model.check_supported(case.scenario)
            runnable.append(k)
        except UnsupportedScenario as exc:
            failures.append(str(exc))
    single = runnable
    if "batch" in model.tags and runnable:
        single = []
        for idx, arrays in stack([cases[k] for k in runnable], runnable):
            try:
                forecast[idx] = np.asarray(model.forecast_batch(arrays, rng), dtype=float)
            except UnsupportedScenario:
                single.extend(idx)  # find the offending cases one by one
                continue
            if draws and how == "static":
                samples[idx] = predictive.static_draws(model, arrays, draws, noise, drng)
    tasks = [
        (model, cases[k].scenario, child) for k, child in zip(single, rng.spawn(len(single)), strict=True)
    ]
    mapper = map if pool is None else partial(pool.map, chunksize=max(1, len(tasks) // 64))
    # small chunks: runs differ a lot in length (SMP cycles to its turn cap on some issues)
    results = mapper(_run_case, tasks)
    stochastic: Iterable[np.ndarray] = []
    if draws and how == "stochastic":
        dtasks = predictive.spawn_tasks(model, [cases[k].scenario for k in runnable], width, noise, drng)
        stochastic = mapper(predictive.stochastic_case, dtasks)

    def finish() -> Forecasts:
        has_interval = False
        stated: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for k, (value, bounds, failure, branch) in zip(single, results, strict=True):
            if failure:
                failures.append(failure)
                continue
            forecast[k] = value
            if branch is not None:
                stated[k] = branch
            if bounds is not None:
                has_interval = True
                lo[k], hi[k] = bounds
        for k, row in zip(runnable, stochastic, strict=False):
            samples[k] = row
        interval: tuple[np.ndarray | None, np.ndarray | None] = (lo, hi) if has_interval else (None, None)
        dist = _distribution(model, cases, forecast, samples, stated, draws, noise, drng) if draws else None
        return Forecasts(
            model.name,
            forecast,
            *interval,
            skipped=len(failures),
            reason=failures[0] if failures else "",
            predictive=dist,
        )

    return finish


def _distribution(
    model: Model,
    cases: Sequence[Case],
    forecast: np.ndarray,
    samples: np.ndarray,
    stated: dict[int, tuple[np.ndarray, np.ndarray]],
    draws: int,
    noise: NoiseSpec,
    drng: np.random.Generator,
) -> Predictive:
    """The model's predictive distribution per case from its draws, its stated branches, or its forecast."""
    lo, hi = scale(cases)
    how = predictive.kind(model)
    if how == "static":  # cases that fell out of the stacks: their draws one by one
        for k in np.nonzero(np.isnan(samples).all(axis=1) & ~np.isnan(forecast))[0].tolist():
            samples[k] = predictive.static_draws(model, to_arrays(cases[k].scenario), draws, noise, drng)[0]
    if how != "branches":
        samples[np.isnan(forecast)] = np.nan
        return Predictive.from_draws(samples, lo, hi)
    values, weights = [], []
    for k in range(len(cases)):
        v, w = stated.get(k, (forecast[k : k + 1], np.ones(1)))
        ok = ~np.isnan(v)
        values.append(v[ok])
        weights.append(w[ok] if not np.isnan(forecast[k]) else np.zeros(int(ok.sum())))
    return Predictive.atoms(values, weights, lo, hi)


def stack(cases: Sequence[Case], index: Sequence[int]) -> list[tuple[list[int], ScenarioArrays]]:
    """The cases as few array sets as possible: issues = cases, actors = the union of their actors.

    Cases join one set when every actor they share has the same capability there (capability is
    per actor, not per issue, in ScenarioArrays); e.g. one set for equal or GDP capabilities, one
    per voting regime for Council weights.
    """
    parts = [to_arrays(c.scenario) for c in cases]
    sets: list[tuple[dict[str, float], list[int]]] = []
    for j, arr in enumerate(parts):
        caps = dict(zip(arr.actors, arr.capability.tolist(), strict=True))
        for known, members in sets:
            if all(known.get(a, v) == v for a, v in caps.items()):
                known.update(caps)
                members.append(j)
                break
        else:
            sets.append((caps, [j]))
    out = []
    for caps, members in sets:
        actors = tuple(caps)
        row = {a: i for i, a in enumerate(actors)}
        pos = np.full((len(actors), len(members)), np.nan)
        sal = np.zeros((len(actors), len(members)))
        for col, j in enumerate(members):
            rows = [row[a] for a in parts[j].actors]
            pos[rows, col] = parts[j].position[:, 0]
            sal[rows, col] = parts[j].salience[:, 0]
        arrays = ScenarioArrays(
            actors=actors,
            issues=tuple(parts[j].issues[0] + f"#{j}" for j in members),
            capability=np.array([caps[a] for a in actors], dtype=float),
            position=pos,
            salience=sal,
            lo=np.array([parts[j].lo[0] for j in members]),
            hi=np.array([parts[j].hi[0] for j in members]),
            status_quo=np.array([parts[j].status_quo[0] for j in members]),
        )
        out.append(([index[j] for j in members], arrays))
    return out


COMBINATIONS = (
    ("cv-select", None, "select"),
    ("cv-shrink", ("weighted-mean", "weighted-median", "status-quo", "always-50"), "lad"),
    ("cv-stack", None, "lad"),
)


def base_name(label: str) -> str:
    """ "weighted-mean/gdp" -> "weighted-mean": a model's name without its capability variant."""
    return label.split("/")[0]


def combinations(
    base: list[Forecasts], cases: Sequence[Case], k: int = 10, fallback: str = "weighted-mean"
) -> tuple[list[Forecasts], dict[str, dict[str, float]]]:
    """The CV-fitted predictors over the base models' forecasts, scored only on held-out folds.

    ``cv-select`` picks the model with the best training MAE; ``cv-shrink`` is the MAE-optimal
    convex mix of the weighted mean with the median, the status quo and the scale midpoint (a
    shrinkage whose amount is fitted); ``cv-stack`` mixes every model (and every capability variant
    given). Each carries a conformal 80% band. Also returns each predictor's mean weight per model
    across folds.
    """
    by_name = {f.model: f.forecast for f in base}
    fill = next((m for m in by_name if base_name(m) == fallback), "always-50")
    names, x = crossval.feature_matrix(by_name, fill)
    y = outcomes(cases)
    folds = crossval.group_kfold(groups(cases), k)
    lo, hi = scale(cases)
    fits = {"select": crossval.select_best, "lad": crossval.lad_simplex}
    out, weights = [], {}
    for name, columns, how in COMBINATIONS:
        cols = [c for c in names if columns is None or base_name(c) in columns]
        pred, lo80, hi80, w = crossval.cross_validate(
            crossval.Combination(name, cols, fits[how]), names, x, y, folds, lo, hi
        )
        out.append(Forecasts(name, pred, lo80, hi80))
        weights[name] = {m: round(float(v), 3) for m, v in zip(names, w.mean(axis=0), strict=True) if v > 0}
    return out, weights


def run_models(
    models: Sequence[Model],
    variants: dict[str, Sequence[Case]],
    rng: np.random.Generator,
    jobs: int | None = None,
    draws: int = 0,
) -> list[Forecasts]:
    """Every model on every variant ("model/label" when there are several), then the always-50 baseline."""
    first = next(iter(variants.values()))
    base = []
    with workers(jobs) as pool:
        started = [
            (m, label, start_model(m, cases, rng, pool, draws))
            for label, cases in variants.items()
            for m in models
        ]
        for m, label, finish in started:
            f = finish()
            base.append(replace(f, model=f"{m.name}/{label}") if len(variants) > 1 else f)
    base.append(midpoint(first))
    return base


@dataclass(frozen=True)
class BacktestResult:
    """Rows of scores (one per predictor), CV weights, the detectable differences, and the predictors
    themselves (forecasts and predictive distributions, for the tidy table of samples)."""

    rows: list[dict]
    weights: dict[str, dict[str, float]]
    detectable: dict[str, float | None]
    predictors: list[Forecasts]
    ensemble_penalties: list[float | None]


def backtest(
    models: Sequence[Model],
    variants: dict[str, Sequence[Case]],
    rng: np.random.Generator,
    k: int = 10,
    jobs: int | None = None,
    draws: int = predictive.DRAWS,
) -> tuple[list[dict], dict[str, dict[str, float]]]:
    """Score every model, the always-50 baseline, the CV combinations and the distributional ensemble:
    one row per predictor (see :func:`backtest_full`)."""
    result = backtest_full(models, variants, rng, k, jobs, draws)
    return result.rows, result.weights


def backtest_full(
    models: Sequence[Model],
    variants: dict[str, Sequence[Case]],
    rng: np.random.Generator,
    k: int = 10,
    jobs: int | None = None,
    draws: int = predictive.DRAWS,
) -> BacktestResult:
    """Every model, the always-50 baseline, the CV combinations, the compromise model's conformal
    distribution and the distributional ensemble, scored; each compared with the compromise model.

    ``variants`` maps a label (e.g. a capability option) to the same cases read that way; with
    several, each model runs on each and is named "model/label", and the combinations may mix them.
    ``jobs`` worker processes share the case-by-case runs; the scores do not depend on it. ``draws``
    Monte Carlo draws per case make each model's predictive distribution (0: point scores only,
    no ensemble).
    """
    first = next(iter(variants.values()))
    y = outcomes(first)
    base = run_models(models, variants, rng, jobs, draws)
    combos, weights = combinations(base, first, k)
    kinds = [(f, "model") for f in base[:-1]] + [(base[-1], "baseline")] + [(c, "cv") for c in combos]
    penalties: list[float | None] = []
    if draws:
        extra, weights["ensemble"], penalties = _distributional(base, first, k, rng)
        kinds += [(f, "cv") for f in extra]
    rows, per = [], []
    for f, kind in kinds:
        row = {
            "model": f.model,
            "kind": kind,
            **evaluation.score_row(f.forecast, f.predictive, y, f.levels),
            "skipped": f.skipped,
        }
        if f.predictive is None:
            row["coverage80"] = None if f.lo80 is None else score(f.forecast, y, f.lo80, f.hi80)["coverage80"]
            if row["coverage80"] is None:
                row.pop("coverage80")
        if f.reason:
            row["skip_reason"] = f.reason
        rows.append(row)
        per.append(evaluation.per_case(f.forecast, f.predictive, y, f.levels))
    names = [r["model"] for r in rows]
    detectable: dict[str, float | None] = {}
    if ensemble_fit.CONFORMAL in names:
        detectable = evaluation.compare(
            rows,
            per,
            names.index(ensemble_fit.CONFORMAL),
            groups(first),
            predictive.draws_rng(rng, predictive.BOOTSTRAP_STREAM),
        )
    return BacktestResult(rows, weights, detectable, [f for f, _ in kinds], penalties)


def _distributional(
    base: list[Forecasts], cases: Sequence[Case], k: int, rng: np.random.Generator
) -> tuple[list[Forecasts], dict[str, float], list[float | None]]:
    """The compromise model's conformal distribution and the ensemble, both cross-validated by proposal."""
    y, g = outcomes(cases), groups(cases)
    lo, hi = scale(cases)
    point = next((f.forecast for f in base if base_name(f.model) == "weighted-mean"), None)
    if point is None:  # the reference is needed even when the compromise model was not asked for
        point = run_model(make_model("weighted-mean"), cases, rng).forecast
    dists = {f.model: f.predictive for f in base if f.predictive is not None and f.predictive.available.any()}
    run = ensemble_fit.cross_validate(dists, point, cases, y, g, crossval.group_kfold(g, k), lo, hi)
    return (
        [
            Forecasts(ensemble_fit.CONFORMAL, point, predictive=run.conformal),
            Forecasts("ensemble", run.predictive.median(), predictive=run.predictive, levels=run.levels),
        ],
        run.mean_weights(),
        run.penalties(),
    )


def run_record(
    file: str,
    digest: str,
    capability: str,
    k: int,
    seed: int,
    rows: list[dict],
    weights: dict[str, dict[str, float]],
    skipped_rows: dict[str, int],
    detectable: dict[str, float | None] | None = None,
    draws: int = 0,
) -> dict:
    """One backtest as a JSON-able record: what was scored, how, and the scores (for --out and the run
    store)."""
    from .. import __version__

    return {
        "kind": "backtest",
        "file": file,
        "sha256": digest,
        "capability": capability,
        "folds": k,
        "seed": seed,
        "accord_version": __version__,
        "rows_skipped": skipped_rows,
        "scores": rows,
        "cv_weights": weights,
        "draws": draws,
        "detectable_difference": detectable or {},
    }
