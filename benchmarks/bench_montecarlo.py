"""Monte Carlo speed: draws per second per model on afghanistan-2013, serial vs a local Dask cluster.

Each model is first timed on a small run to pick a draw count that takes about ``TARGET`` seconds
serially; the same draws then run on a LocalCluster with two worker processes (started once,
outside the timing, as a long-lived cluster would be). The two results are checked to be identical.
The cluster only pays off when a chunk of CHUNK draws costs more than shipping it (the agents and
SMP models); the vectorised baselines do millions of draws per second in one process.

Run: PYTHONPATH=src python benchmarks/bench_montecarlo.py [model ...]
"""

from __future__ import annotations

import sys
import time

import numpy as np
from distributed import LocalCluster

from accord.analysis.montecarlo import CHUNK, monte_carlo
from accord.analysis.parallel import Executor
from accord.errors import AccordError
from accord.models import list_models, make_model
from accord.scenario import load

TARGET = 3.0  # seconds of serial work per model


def timed(scenario, model, draws, executor=Executor()):  # noqa: B008  (one shared serial executor is the point)
    start = time.perf_counter()
    result = monte_carlo(scenario, model, draws=draws, seed=1, executor=executor)
    return time.perf_counter() - start, result.forecasts


def main(names: list[str]) -> None:
    scenario = load("afghanistan-2013")
    names = names or list(list_models())
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        dask = Executor(scheduler=cluster.scheduler_address)
        timed(scenario, make_model("weighted-mean"), CHUNK * 2, dask)  # warm the workers' imports
        print(f"{'model':<16}{'draws':>9}{'serial/s':>12}{'2 workers/s':>13}{'ratio':>8}  same")
        for name in names:
            model = make_model(name)
            try:
                probe, _ = timed(scenario, model, CHUNK)
            except AccordError as exc:
                print(f"{name:<16} not run: {exc}")
                continue
            draws = int(np.clip(TARGET / probe * CHUNK // CHUNK, 2, 400)) * CHUNK
            serial, a = timed(scenario, model, draws)
            spread, b = timed(scenario, model, draws, dask)
            print(
                f"{name:<16}{draws:>9}{draws / serial:>12.0f}{draws / spread:>13.0f}{serial / spread:>8.2f}"
                f"  {np.array_equal(a, b)}"
            )
    # `--workers 2`: a cluster started for one run, so its start-up is part of the cost.
    model = make_model("weighted-mean")
    cold, a = timed(scenario, model, CHUNK * 4, Executor(workers=2))
    _, b = timed(scenario, model, CHUNK * 4)
    print(
        f"--workers 2 (own cluster, cold): {CHUNK * 4} weighted-mean draws in {cold:.1f} s; same: {np.array_equal(a, b)}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
