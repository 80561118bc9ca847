"""Benchmark: the expected-utility model on 10,000 perturbed draws of the EC emissions issue.

10 actors, 10 rounds, Scholz's settings, all draws in one batched call (the Monte Carlo path),
on one thread and on two, against a loop of one-draw calls. Prints wall and CPU time (minimum
over repeats: the machine is shared, so the minimum is the least disturbed run), peak traced
memory, draws per second, the ratio to the one-draw loop and to the 1 s target of issue 3, and
the load average, without which the figures cannot be read.
Run: PYTHONPATH=src python benchmarks/bench_eum.py [draws] [repeats]
"""

from __future__ import annotations

import os
import sys
import time
import tracemalloc

import numpy as np

from accord.models import make_model
from accord.models.eum.core import EUMParams, simulate
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


def timed(run, repeats: int) -> tuple[float, float]:
    """Minimum wall and minimum CPU seconds over repeats."""
    wall, cpu = [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return min(wall), min(cpu)


def main(draws: int = 10_000, repeats: int = 3, loop_draws: int = 100) -> None:
    arrays = perturbed(draws)
    x, c, s = arrays.position[..., 0], arrays.capability, arrays.salience[..., 0] / 100
    loop_wall, _ = timed(lambda: [simulate(x[d], c[d], s[d], EUMParams()) for d in range(loop_draws)], 1)
    per_draw = loop_wall / loop_draws
    print(
        f"EUM batch: {draws} draws x 10 actors x 10 rounds; load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} CPUs; minima over {repeats} repeats"
    )
    print(f"  one-draw loop: {per_draw * 1e3:.1f} ms per draw ({per_draw * draws:.0f} s for the batch)")
    forecast = None
    for workers in (1, 2):
        model = make_model("eum", workers=workers)
        model.forecast_batch(perturbed(10))  # warm-up (imports, first-call overheads)
        wall, cpu = timed(lambda: model.forecast_batch(arrays), repeats)  # noqa: B023  (called at once, in this iteration)
        tracemalloc.start()
        forecast = model.forecast_batch(arrays)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(
            f"  workers={workers}: wall {wall:.3f} s, CPU {cpu:.3f} s, peak traced memory {peak:.0f} MB, "
            f"{draws / wall:,.0f} draws/s, {per_draw * draws / wall:.0f}x the one-draw loop, "
            f"wall / target {wall / TARGET_S:.2f}"
        )
    assert forecast is not None
    print(
        f"  forecast: median of final medians {np.median(forecast):.3f}, share at 7.0 +- 0.5: "
        f"{np.mean(np.abs(forecast - 7) < 0.5):.2f}"
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
