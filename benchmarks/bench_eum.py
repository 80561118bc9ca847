"""Benchmark: the expected-utility model on 10,000 perturbed draws of the EC emissions issue.

10 actors, 10 rounds, Scholz's settings, all draws in one batched call (the Monte Carlo path),
against a loop of one-draw calls. Prints wall and CPU time, peak traced memory and the ratio to
the 1 s target of issue 3. Run: PYTHONPATH=src python benchmarks/bench_eum.py [draws]
"""

from __future__ import annotations

import os
import sys
import time
import tracemalloc

import numpy as np

from accord.models import make_model
from accord.models.eum_core import EUMParams, simulate
from accord.scenario import load, to_arrays

TARGET_S = 1.0


def perturbed(draws: int, seed: int = 0):
    """EC data with small noise: positions ±0.1 years, capability ±5 %, salience ±2 points."""
    arrays = to_arrays(load("ec-emissions"))
    rng = np.random.default_rng(seed)
    shape = (draws,) + arrays.position.shape
    return arrays.with_values(
        position=arrays.position + rng.normal(0, 0.1, shape),
        capability=arrays.capability * np.exp(rng.normal(0, 0.05, (draws, arrays.n_actors))),
        salience=np.clip(arrays.salience + rng.normal(0, 2, shape), 0, 100),
    )


def main(draws: int = 10_000, loop_draws: int = 200) -> None:
    model = make_model("eum")
    arrays = perturbed(draws)
    model.forecast_batch(perturbed(10))  # warm-up (imports, first-call overheads)

    wall, cpu = time.perf_counter(), time.process_time()
    forecast = model.forecast_batch(arrays)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu

    tracemalloc.start()
    model.forecast_batch(arrays)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()

    x = arrays.position[..., 0]
    c = arrays.capability
    s = arrays.salience[..., 0] / 100
    loop = time.perf_counter()
    for d in range(loop_draws):
        simulate(x[d], c[d], s[d], EUMParams())
    per_loop = (time.perf_counter() - loop) / loop_draws

    print(f"EUM batch: {draws} draws x 10 actors x 10 rounds (load average {os.getloadavg()[0]:.1f})")
    print(f"  wall {wall:.3f} s, CPU {cpu:.3f} s, peak traced memory {peak:.0f} MB")
    print(f"  per draw: batched {wall / draws * 1e6:.1f} us vs one-draw loop {per_loop * 1e6:.0f} us "
          f"({per_loop * draws / wall:.0f}x faster batched)")
    print(f"  target {TARGET_S:.1f} s: wall / target = {wall / TARGET_S:.2f}")
    print(f"  forecast: median of final medians {np.median(forecast):.3f}, share at 7.0 +- 0.5: "
          f"{np.mean(np.abs(forecast - 7) < 0.5):.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
