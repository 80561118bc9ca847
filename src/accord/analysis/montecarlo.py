"""Monte Carlo: how sure a forecast is, given that every input number is an analyst's estimate.

Each draw perturbs positions, saliences and capabilities around the scenario's values and runs the
model on the result (its vectorised batch path where it has one). Draws come in chunks of a fixed
size ``CHUNK``; chunk ``c`` takes its generator from ``SeedSequence(seed, spawn_key=(c,))``, which
depends on nothing but the seed and the chunk number. So the numbers do not depend on how chunks
are scheduled (serial, a local cluster, a remote one, or a sweep resumed after a crash), and the
first N draws of a longer run are the N draws of a shorter one.

Default noise (see docs/analysis.md): positions ±5% of the issue range (sd), saliences ±10 points,
capabilities log-normal with sd 0.2 (about ±20%, median-preserving so the median draw is the
scenario's own number). These are the usual size of disagreement between expert codings of the
same actor (Thomson et al. 2006 report inter-expert differences of roughly a tenth of the scale);
they are a starting point to vary, not a finding.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import ParameterError
from ..jsonable import jsonable
from ..models.agents.explain import coalition_shares, failure_shares
from ..models.base import Model, check_seed
from ..scenario.arrays import ScenarioArrays, to_arrays
from ..scenario.schema import Scenario
from .parallel import SERIAL, Executor, Progress
from .store import RunInfo, RunStore
from .sweep import TaskResult, run_sweep

CHUNK = 256  # draws per task; fixed, because the random streams are per chunk
QUANTILES = {"p2_5": 0.025, "p10": 0.10, "p25": 0.25, "median": 0.5, "p75": 0.75, "p90": 0.90, "p97_5": 0.975}
SUMMARY_COLUMNS = ["issue", "median", "p2_5", "p10", "p25", "p75", "p90", "p97_5", "mean"]
MIN_SALIENCE = 1.0  # a stance an actor holds stays held; dropping it is a what-if, not noise

ProgressFactory = Callable[[int, str], Progress]  # (total tasks, label) -> advance callback


class NoiseSpec(BaseModel):
    """How much the inputs are perturbed per draw (all zero = no noise)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    position_sd: float = Field(
        default=0.05, ge=0, le=1, description="sd of position noise, as a fraction of the issue range"
    )
    salience_sd: float = Field(
        default=10.0, ge=0, le=100, description="sd of salience noise, in points of 0-100"
    )
    capability_sd: float = Field(
        default=0.2, ge=0, le=3, description="sd of log-capability (log-normal, median kept)"
    )

    @classmethod
    def parse(cls, items: Sequence[str]) -> NoiseSpec:
        """From CLI items like ``position=0.1``, ``salience=5,capability=0`` or ``none``."""
        values: dict[str, float] = {}
        for item in items:
            for part in filter(None, re.split(r"[,\s]+", item)):
                if part.lower() in ("none", "0", "off"):
                    values.update(position_sd=0.0, salience_sd=0.0, capability_sd=0.0)
                    continue
                key, sep, value = part.partition("=")
                name = key.strip().removesuffix("_sd") + "_sd"
                if not sep or name not in cls.model_fields:
                    raise ParameterError(
                        f"bad --noise {part!r}; allowed: position=F, salience=F, capability=F, none"
                    )
                try:
                    values[name] = float(value)
                except ValueError:
                    raise ParameterError(
                        f"bad --noise {part!r}: {value!r} is not a number; allowed: a number >= 0"
                    ) from None
        try:
            return cls(**values)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise ParameterError(f"bad --noise {err['loc'][0]}={err['input']}: {err['msg']}") from None


DEFAULT_NOISE = NoiseSpec()  # frozen, so one shared instance is a safe default argument


@dataclass(frozen=True)
class Shocks:
    """Standard-normal draws for every (actor, issue) cell, whether or not a stance is there.

    Drawing for the full matrix keeps the same random numbers attached to the same cells when a
    variant adds or drops a stance, which is what makes what-if comparisons paired.
    """

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    position: np.ndarray  # (draws, actors, issues)
    salience: np.ndarray  # (draws, actors, issues)
    capability: np.ndarray  # (draws, actors)

    def reindex(self, actors: Sequence[str], issues: Sequence[str]) -> Shocks:
        """The same shocks reordered (or subset) to another actor and issue order, so variants share draws."""
        a = [self.actors.index(x) for x in actors]
        i = [self.issues.index(x) for x in issues]
        return Shocks(
            tuple(actors),
            tuple(issues),
            self.position[:, a][:, :, i],
            self.salience[:, a][:, :, i],
            self.capability[:, a],
        )


def draw_shocks(actors: Sequence[str], issues: Sequence[str], draws: int, rng: np.random.Generator) -> Shocks:
    """Standard-normal shocks for every draw, scaled by the NoiseSpec only when applied."""
    n, m = len(actors), len(issues)
    return Shocks(
        tuple(actors),
        tuple(issues),
        rng.standard_normal((draws, n, m)),
        rng.standard_normal((draws, n, m)),
        rng.standard_normal((draws, n)),
    )


def _exp(x: np.ndarray) -> np.ndarray:
    """exp through the C library, element by element: NumPy's own SIMD exp (AVX-512) differs from it
    in the last bit on some CPUs, and a draw's inputs should be the same on every machine."""
    return np.frompyfunc(math.exp, 1, 1)(np.asarray(x, dtype=float)).astype(float)


def apply_shocks(arrays: ScenarioArrays, shocks: Shocks, noise: NoiseSpec) -> ScenarioArrays:
    """Perturbed arrays with a leading draw axis, clipped to each issue's range and to 0-100."""
    s = shocks.reindex(arrays.actors, arrays.issues)
    span = arrays.hi - arrays.lo
    position = np.clip(arrays.position + noise.position_sd * span * s.position, arrays.lo, arrays.hi)
    salience = np.where(
        arrays.present, np.clip(arrays.salience + noise.salience_sd * s.salience, MIN_SALIENCE, 100.0), 0.0
    )
    capability = arrays.capability * _exp(noise.capability_sd * s.capability)
    return arrays.with_values(position=position, salience=salience, capability=capability)


def perturb(arrays: ScenarioArrays, draws: int, noise: NoiseSpec, rng: np.random.Generator) -> ScenarioArrays:
    """``draws`` perturbed copies of ``arrays`` along a new leading axis."""
    return apply_shocks(arrays, draw_shocks(arrays.actors, arrays.issues, draws, rng), noise)


def chunk_sizes(draws: int) -> list[int]:
    """Draws split into chunks of at most CHUNK: the unit of parallel work and of resuming."""
    if draws < 1:
        raise ParameterError(f"--draws must be at least 1 (got {draws}); allowed: 1, 2, ...")
    return [min(CHUNK, draws - start) for start in range(0, draws, CHUNK)]


def chunk_rng(seed: int, chunk: int) -> np.random.Generator:
    """The generator of one chunk: fixed by seed and chunk index, so results do not depend on the workers."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(chunk,)))


@dataclass(frozen=True)
class ChunkRunner:
    """The picklable work a Dask worker does: one chunk of draws of one scenario (variant).

    Tasks are (scenario index, chunk number, size). The shocks are always drawn for the base
    actors and issues (``shock_actors``/``shock_issues``), so every variant sees the same numbers.
    """

    scenarios: tuple[Scenario, ...]
    model: Model
    noise: NoiseSpec
    seed: int
    shock_actors: tuple[str, ...]
    shock_issues: tuple[str, ...]

    def __call__(self, task: tuple[int, int, int]) -> TaskResult:
        """Run one (scenario index, chunk index, chunk size) task and return its arrays."""
        which, chunk, size = task
        scenario = self.scenarios[which]
        rng = chunk_rng(self.seed, chunk)
        shocks = draw_shocks(self.shock_actors, self.shock_issues, size, rng)
        batch = self.model.run_batch(scenario, apply_shocks(to_arrays(scenario), shocks, self.noise), rng)
        out = {"forecast": np.asarray(batch.forecast, dtype=float)}
        out.update({f"extra.{k}": np.asarray(v) for k, v in batch.extra.items()})
        return out


def join_chunks(results: Sequence[TaskResult]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Chunk results joined in task order into the (draws, issues) forecasts and the extra outputs."""
    forecasts = np.concatenate([r["forecast"] for r in results], axis=0)
    keys = [k for k in results[0] if k.startswith("extra.")]
    extra = {k.removeprefix("extra."): np.concatenate([r[k] for r in results], axis=0) for k in keys}
    return forecasts, extra


def summarize(issues: Sequence[str], forecasts: np.ndarray) -> pd.DataFrame:
    """Per-issue median, mean and the 50/80/95% central intervals of the draws."""
    q = np.quantile(forecasts, list(QUANTILES.values()), axis=0)
    frame = pd.DataFrame(
        {
            "issue": list(issues),
            **{name: q[k] for k, name in enumerate(QUANTILES)},
            "mean": forecasts.mean(axis=0),
        }
    )
    return frame[SUMMARY_COLUMNS]


def required_mask(scenario: Scenario) -> np.ndarray:
    """(actors,) bool: the parties an agreement needs (every actor when the scenario names none)."""
    neg = scenario.negotiation
    wanted = set(neg.required) if neg and neg.required else set(scenario.actor_ids)
    return np.array([a in wanted for a in scenario.actor_ids])


@dataclass
class MonteCarloResult:
    """Per-draw forecasts of one Monte Carlo run, with their per-issue summary and the run's metadata."""

    issues: tuple[str, ...]
    forecasts: np.ndarray  # (draws, issues)
    extra: dict[str, np.ndarray]
    meta: dict[str, Any]
    run_id: int | None = None
    summary: pd.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        self.summary = summarize(self.issues, self.forecasts)

    @property
    def p_agreement(self) -> float | None:
        """Share of draws that reach an agreement before the deadline (models that say so)."""
        return float(np.mean(self.extra["agreement"])) if "agreement" in self.extra else None

    @property
    def p_full_agreement(self) -> float | None:
        """Share of draws in which every required party signs (a deal without some of them excluded)."""
        return float(np.mean(self.extra["full_agreement"])) if "full_agreement" in self.extra else None

    @property
    def agreement_rounds(self) -> np.ndarray | None:
        """Round of agreement per draw, NaN where none (models that say so)."""
        return (
            np.asarray(self.extra["agreement_round"], dtype=float)
            if "agreement_round" in self.extra
            else None
        )

    def agreement(self, scenario: Scenario | None = None) -> dict[str, Any] | None:
        """P(agreement) and the spread of its round (and date, given the scenario) among agreeing draws."""
        if self.p_agreement is None:
            return None
        out: dict[str, Any] = {"p_agreement": self.p_agreement}
        if self.p_full_agreement is not None:
            out["p_full_agreement"] = self.p_full_agreement
        if "signed" in self.extra and scenario is not None:
            out["coalitions"] = coalition_shares(
                scenario.actor_ids, required_mask(scenario), self.extra["signed"]
            )
        if "failure" in self.extra:
            out["failure_causes"] = failure_shares(self.extra["failure"])
        rounds = self.agreement_rounds
        agreed = rounds[~np.isnan(rounds)] if rounds is not None else np.array([])
        if agreed.size:
            for name in ("p10", "median", "p90"):
                r = int(round(float(np.quantile(agreed, QUANTILES[name]))))
                out[f"round_{name}"] = r
                date = scenario.date_of(r) if scenario is not None else None
                if date is not None:
                    out[f"date_{name}"] = date.isoformat()
        return out

    def to_json(self, scenario: Scenario | None = None) -> dict[str, Any]:
        """The JSON the CLI and web API give: metadata, per-issue summary and the agreement statistics."""
        out: dict[str, Any] = {
            **self.meta,
            "run_id": self.run_id,
            "issues": self.summary.to_dict(orient="records"),
        }
        out["p_agreement"] = self.p_agreement
        agreement = self.agreement(scenario)
        if agreement:
            out["agreement"] = agreement
        return out


def run_info(kind: str, scenario: Scenario, model: Model, seed: int | None) -> RunInfo:
    """What identifies a run in the store: kind, scenario (name and hash), model, parameters and seed."""
    return RunInfo(
        kind, scenario.name, scenario.content_hash(), model.name, jsonable(model.get_params()), seed
    )


@dataclass
class Draws:
    """Per-draw outputs of one or more scenarios run on the same chunks (a Monte Carlo sweep)."""

    outputs: list[tuple[np.ndarray, dict[str, np.ndarray]]]  # per scenario: forecasts, extras
    info: RunInfo
    meta: dict[str, Any]
    sweep_id: int | None


def sweep_draws(
    kind: str,
    scenarios: Sequence[Scenario],
    model: Model,
    draws: int,
    seed: int,
    noise: NoiseSpec,
    executor: Executor,
    store: RunStore | None,
    progress: ProgressFactory | None,
    spec: dict[str, Any] | None = None,
) -> Draws:
    """Chunks of draws for every scenario, all on the first scenario's shocks (common random numbers)."""
    seed = check_seed(seed)
    for sc in scenarios:
        model.check_supported(sc)
    sizes = chunk_sizes(draws)
    base = to_arrays(scenarios[0])
    runner = ChunkRunner(tuple(scenarios), model, noise, int(seed), base.actors, base.issues)
    tasks = [(v, c, size) for v in range(len(scenarios)) for c, size in enumerate(sizes)]
    info = run_info(kind, scenarios[0], model, int(seed))
    spec = {"draws": draws, "chunk": CHUNK, "noise": noise.model_dump(), **(spec or {})}
    outcome = run_sweep(
        runner,
        tasks,
        info,
        spec,
        store=store,
        executor=executor,
        progress=progress(len(tasks), kind) if progress else None,
    )
    n = len(sizes)
    outputs = [join_chunks(outcome.results[v * n : (v + 1) * n]) for v in range(len(scenarios))]
    meta = {
        "kind": kind,
        "scenario": info.scenario,
        "scenario_hash": info.scenario_hash,
        "model": model.name,
        "params": info.params,
        "seed": int(seed),
        "draws": draws,
        "noise": noise.model_dump(),
        "executor": executor.describe(),
    }
    return Draws(outputs, info, meta, outcome.sweep_id)


def monte_carlo(
    scenario: Scenario,
    model: Model,
    draws: int = 1000,
    seed: int = 0,
    noise: NoiseSpec = DEFAULT_NOISE,
    *,
    executor: Executor = SERIAL,
    store: RunStore | None = None,
    progress: ProgressFactory | None = None,
) -> MonteCarloResult:
    """Run ``model`` on ``draws`` perturbed copies of ``scenario``; resumable when a store is given."""
    done = sweep_draws("montecarlo", [scenario], model, draws, seed, noise, executor, store, progress)
    ((forecasts, extra),) = done.outputs
    result = MonteCarloResult(tuple(scenario.issue_ids), forecasts, extra, done.meta)
    if store is not None:
        results = result.to_json(scenario)
        results["table"] = results.pop("issues")
        result.run_id = store.record_run(done.info, results, {"forecasts": forecasts, **extra}, done.sweep_id)
    return result
