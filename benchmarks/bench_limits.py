"""Run time of each model against the number of actors: the evidence for the per-model actor limits.

Run from the repository root: PYTHONPATH=src python benchmarks/bench_limits.py [model ...] [--max-seconds S]
For 25, 50, 100, 200 and 400 actors on 3 issues (positions, saliences and capabilities drawn
from a fixed seed), prints the wall time of one run with default settings, and stops a model
once a run takes longer than S seconds (default 20). The limits' documented figures
(``smp_max_actors`` etc. in src/accord/scenario/limits.py) come from this script; a model's own
limit is raised for the run so that sizes beyond it can be timed.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from accord.models.registry import list_models, make_model
from accord.scenario.limits import Limits, applied
from accord.scenario.validate import scenario_from_data


def scenario(n: int, m: int = 3, seed: int = 0):
    rng = np.random.default_rng(seed)
    return scenario_from_data(
        {
            "name": f"random-{n}",
            "actors": [{"id": f"a{k}", "capability": float(rng.uniform(1, 100))} for k in range(n)],
            "issues": [{"id": f"i{j}", "min": 0, "max": 100, "status_quo": 50} for j in range(m)],
            "stances": {
                f"a{k}": {
                    f"i{j}": {"position": float(rng.uniform(0, 100)), "salience": float(rng.uniform(0, 100))}
                    for j in range(m)
                }
                for k in range(n)
            },
        }
    )


def main(argv: list[str]) -> None:
    max_seconds = 20.0
    if "--max-seconds" in argv:
        k = argv.index("--max-seconds")
        max_seconds = float(argv[k + 1])
        del argv[k : k + 2]
    models = argv or list(list_models())
    unlimited = Limits(
        **{f"{m.replace('-', '_')}_max_actors": 10**6 for m in ("smp", "exchange", "eum", "agents")}
    )
    print(f"load average {os.getloadavg()[0]:.2f}")
    with applied(unlimited):
        for model in models:
            for n in (25, 50, 100, 200, 400):
                start = time.perf_counter()
                make_model(model).run(scenario(n), 0)
                seconds = time.perf_counter() - start
                print(f"{model:16s} {n:4d} actors {seconds:8.2f} s", flush=True)
                if seconds > max_seconds:
                    break


if __name__ == "__main__":
    main(sys.argv[1:])
