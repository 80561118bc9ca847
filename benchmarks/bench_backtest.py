"""Wall time of the whole DEU backtest: read, every registered model with its predictive
distribution, CV combinations, the conformal reference and the distributional ensemble, scores
and the proposal bootstrap.

Run: PYTHONPATH=src python benchmarks/bench_backtest.py [FILE] [--all]. Times the default run
(what `accord backtest FILE` does: equal capability, 64 draws, one worker process per CPU) end to
end, then the same serially with the time per model and per stage (CPU time beside wall time: on a
shared machine other jobs inflate the wall time, hardly the CPU time), and prints the ratio to the
15 s target and the load average. --all repeats the serial breakdown for the other capability options.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

from accord.analysis import evaluation, predictive
from accord.analysis.backtest import (
    _distributional,
    backtest,
    combinations,
    groups,
    midpoint,
    outcomes,
    run_model,
)
from accord.cli.backtest import default_models
from accord.scenario.deu import CAPABILITIES, read_deu

TARGET_S = 15.0
DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "deu3" / "deu3-dev.tsv"


def default_run(path: Path, models: list, jobs: int) -> float:
    start = time.perf_counter()
    cases = read_deu(path, "equal").cases
    backtest(models, {"equal": cases}, np.random.default_rng(0), jobs=jobs)
    return time.perf_counter() - start


class Clock:
    """Wall and CPU seconds since the last lap."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> str:
        wall, cpu = time.perf_counter(), time.process_time()
        out = f"{wall - self.wall:.2f} ({cpu - self.cpu:.2f} cpu)"
        self.wall, self.cpu = wall, cpu
        return out


def serial_breakdown(path: Path, models: list, capability: str) -> None:
    start, clock = Clock(), Clock()
    cases = read_deu(path, capability).cases
    read = clock.lap()
    base, per_model = [], {}
    rng = np.random.default_rng(0)
    for m in models:
        base.append(run_model(m, cases, rng, draws=predictive.DRAWS))
        per_model[m.name] = clock.lap()
    base.append(midpoint(cases))
    combinations(base, cases)
    cv = clock.lap()
    extra, _, _ = _distributional(base, cases, 10, rng)
    ens = clock.lap()
    y, g = outcomes(cases), groups(cases)
    predictors = base + extra
    rows = [evaluation.score_row(f.forecast, f.predictive, y, f.levels) for f in predictors]
    per = [evaluation.per_case(f.forecast, f.predictive, y, f.levels) for f in predictors]
    evaluation.compare(rows, per, len(base), g, np.random.default_rng(1))
    scores = clock.lap()
    models_s = ", ".join(f"{k} {v}" for k, v in per_model.items())
    print(
        f"  serial {capability:6s} {len(cases)} issues: total {start.lap()} s\n    read {read}, cv combinations {cv}, "
        f"conformal + ensemble CV {ens}, scores + bootstrap {scores}\n    models (point run + distribution): "
        f"{models_s}"
    )


def main(path: Path, every_option: bool) -> None:
    models, left_out = default_models()
    for name, why in left_out.items():
        print(f"  (not run: {name}: {why})")
    jobs = os.cpu_count() or 1
    elapsed = default_run(path, models, jobs)
    print(
        f"default backtest (equal capability, {len(models)} models, {jobs} jobs): {elapsed:.2f} s "
        f"({elapsed / TARGET_S:.2f} of the {TARGET_S:.0f} s target; load {os.getloadavg()[0]:.1f})"
    )
    serial = default_run(path, models, 1)
    print(f"same with 1 job: {serial:.2f} s ({serial / TARGET_S:.2f} of the target)")
    for capability in CAPABILITIES if every_option else ("equal",):
        serial_breakdown(path, models, capability)
    print(f"load average now: {os.getloadavg()[0]:.1f} (2 cores: above ~1, other jobs inflate wall times)")
    start = Clock()
    backtest(models, {"equal": read_deu(path, "equal").cases}, np.random.default_rng(0), jobs=jobs, draws=0)
    print(f"point forecasts only (--draws 0, no distributions, no ensemble), {jobs} jobs: {start.lap()} s")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--all"]
    main(Path(args[0]) if args else DEFAULT, "--all" in sys.argv)
