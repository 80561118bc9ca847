"""Each model's predictive distribution on one-issue cases, through the public Model interface only.

What a model's distribution is depends on what the model can say about uncertainty, and on cost:

- **Static models** (tag ``static``, vectorised ``forecast_batch``): Monte Carlo over input noise,
  ``draws`` perturbed copies of every case at the default noise of
  :mod:`accord.analysis.montecarlo` (positions sd 5% of the range, saliences sd 10 points,
  capabilities log-normal sd 0.2: the size of disagreement between expert codings, Thomson et al.
  2006). Where a model has a documented parameter choice the draws are split evenly over it
  (parameter uncertainty): Nash bargaining under linear and quadratic loss, kappa 1 and 2 (the two
  utility forms of Achen 2006).
- **Stochastic models** (tag ``stochastic``, e.g. the agents simulator): ``stochastic_draws`` runs
  of ``run_batch`` per case on perturbed inputs, so both the input noise and the model's own
  randomness (events; deal or no-deal, whose no-deal draws forecast the no-deal outcome) are in it.
- **Deterministic dynamic models** (eum, smp: a second or more per Monte Carlo pass over the
  cases, beyond the backtest's time budget): the branches the run itself states. A result with a
  ``win_probabilities`` table (round, actor, probability; KTAB's SMP) gives point masses at the
  actors' final positions weighted by their final winning probabilities, the model's own
  probability that each position prevails; a model that states none is a point mass at its
  forecast (its CRPS is then its MAE).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np

from ..errors import UnsupportedScenario
from ..models.base import Model, Result
from ..models.registry import make_model
from ..scenario.arrays import ScenarioArrays, to_arrays
from ..scenario.schema import Scenario
from .montecarlo import NoiseSpec, perturb

DRAWS = 64
STOCHASTIC_DRAWS = 16
PARAMETER_SETS: dict[str, tuple[dict[str, float], ...]] = {"nash": ({"kappa": 1.0}, {"kappa": 2.0})}
# Batch paths that loop in Python per draw and issue (nash: one root finding each) get fewer draws.
MAX_DRAWS = {"nash": 16}


DRAW_STREAM = 7_919  # spawn key of the draws' random stream, apart from the point runs' children
BOOTSTRAP_STREAM = 7_927


def kind(model: Model) -> str:
    """How the model's distribution is made: "static", "stochastic" or "branches"."""
    if "static" in model.tags and "batch" in model.tags:
        return "static"
    if "stochastic" in model.tags:
        return "stochastic"
    return "branches"


def draws_rng(rng: np.random.Generator, stream: int = DRAW_STREAM) -> np.random.Generator:
    """A generator for the draws (or the bootstrap) that leaves ``rng``'s own stream and children
    untouched."""
    # numpy types seed_seq as the ISeedSequence interface; default_rng always makes a SeedSequence
    seq = cast(np.random.SeedSequence, rng.bit_generator.seed_seq)
    return np.random.default_rng(np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, stream)))


def variants(model: Model) -> list[Model]:
    """The model under each of its documented parameter choices (itself when it has none)."""
    sets = PARAMETER_SETS.get(model.name)
    if not sets:
        return [model]
    return [make_model(model.name, **{**model.get_params(), **s}) for s in sets]


def static_draws(
    model: Model, arrays: ScenarioArrays, draws: int, noise: NoiseSpec, rng: np.random.Generator
) -> np.ndarray:
    """(issues, draws) forecasts of a batch model on perturbed copies of ``arrays``."""
    models = variants(model)
    draws = min(draws, MAX_DRAWS.get(model.name, draws))
    sizes = [draws // len(models) + (k < draws % len(models)) for k in range(len(models))]
    parts = [
        m.forecast_batch(perturb(arrays, size, noise, rng), rng)
        for m, size in zip(models, sizes, strict=True)
        if size
    ]
    return np.concatenate([np.asarray(p, dtype=float).reshape(-1, arrays.n_issues) for p in parts], axis=0).T


def stochastic_case(task: tuple[Model, Scenario, int, NoiseSpec, np.random.Generator]) -> np.ndarray:
    """One case's draws of a stochastic model (NaN if it cannot run); picklable for worker processes."""
    model, scenario, draws, noise, rng = task
    try:
        arrays = to_arrays(scenario)
        return np.asarray(
            model.run_batch(scenario, perturb(arrays, draws, noise, rng), rng).forecast, dtype=float
        )[:, 0]
    except UnsupportedScenario:
        return np.full(draws, np.nan)


def branches(result: Result, issue: str | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """Final positions on ``issue`` (default: the only one) and winning probabilities, when the model
    states them."""
    table = result.tables.get("win_probabilities")
    if table is None or not {"round", "actor", "probability"} <= set(table.columns) or table.empty:
        return None
    last = table[table["round"] == table["round"].max()]
    hist = result.history
    if issue is not None:
        hist = hist[hist["issue"] == issue]
    if hist.empty:
        return None
    final = hist[hist["round"] == hist["round"].max()].set_index("actor")["position"]
    keep = last["actor"].isin(final.index).to_numpy()
    if not keep.any():
        return None
    values = final.loc[last["actor"][keep]].to_numpy(dtype=float)
    weights = last["probability"].to_numpy(dtype=float)[keep]
    return (values, weights) if weights.sum() > 0 else None


def spawn_tasks(
    model: Model, scenarios: Sequence[Scenario], draws: int, noise: NoiseSpec, rng: np.random.Generator
) -> list[tuple[Model, Scenario, int, NoiseSpec, np.random.Generator]]:
    """One task per scenario, each with its own child generator so results do not depend on scheduling."""
    return [
        (model, sc, draws, noise, child)
        for sc, child in zip(scenarios, rng.spawn(len(scenarios)), strict=True)
    ]
