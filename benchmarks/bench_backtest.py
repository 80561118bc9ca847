"""Wall time of the whole DEU backtest: read, every registered model, CV combinations.

Run: PYTHONPATH=src python benchmarks/bench_backtest.py [FILE] [--all]. Times the default run
(what `accord backtest FILE` does: equal capability, one worker process per CPU) end to end,
then the same serially with the time per model, and prints the ratio to the 10 s target and the
load average (other jobs on a shared machine only ever slow a run down). --all repeats the
serial breakdown for the other capability options.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

from accord.analysis.backtest import backtest, combinations, midpoint, run_model
from accord.cli.backtest import default_models
from accord.scenario.deu import CAPABILITIES, read_deu

TARGET_S = 10.0
DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "deu3" / "deu3-dev.tsv"


def default_run(path: Path, models: list, jobs: int) -> float:
    start = time.perf_counter()
    cases = read_deu(path, "equal").cases
    backtest(models, {"equal": cases}, np.random.default_rng(0), jobs=jobs)
    return time.perf_counter() - start


def serial_breakdown(path: Path, models: list, capability: str) -> None:
    start = time.perf_counter()
    cases = read_deu(path, capability).cases
    read = time.perf_counter() - start
    base, per_model = [], {}
    rng = np.random.default_rng(0)
    for m in models:
        t = time.perf_counter()
        base.append(run_model(m, cases, rng))
        per_model[m.name] = time.perf_counter() - t
    base.append(midpoint(cases))
    t = time.perf_counter()
    combinations(base, cases)
    cv = time.perf_counter() - t
    total = time.perf_counter() - start
    models_s = ", ".join(f"{k} {v:.3f}" for k, v in per_model.items())
    print(f"  serial {capability:6s} {len(cases)} issues: total {total:.2f} s (read {read:.2f}, cv {cv:.2f}; "
          f"models: {models_s})")


def main(path: Path, every_option: bool) -> None:
    models, left_out = default_models()
    for name, why in left_out.items():
        print(f"  (not run: {name}: {why})")
    jobs = os.cpu_count() or 1
    elapsed = default_run(path, models, jobs)
    print(f"default backtest (equal capability, {len(models)} models, {jobs} jobs): {elapsed:.2f} s "
          f"({elapsed / TARGET_S:.2f} of the {TARGET_S:.0f} s target; load {os.getloadavg()[0]:.1f})")
    serial = default_run(path, models, 1)
    print(f"same with 1 job: {serial:.2f} s ({serial / TARGET_S:.2f} of the target)")
    for capability in CAPABILITIES if every_option else ("equal",):
        serial_breakdown(path, models, capability)
    print(f"load average now: {os.getloadavg()[0]:.1f} (2 cores: above ~1, other jobs inflate wall times)")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--all"]
    main(Path(args[0]) if args else DEFAULT, "--all" in sys.argv)
