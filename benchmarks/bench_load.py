"""Scenario load + static baselines on KTAB's 160-actor file (dummyData-a160.csv).

Run from the repository root: ``PYTHONPATH=src python benchmarks/bench_load.py [--repeat N]``.
Prints the best and median wall time per step over N repeats. For scale: KTAB's own C++ SMP takes
496 s on this file (shared/data/README.md); the baselines here are one-shot forecasts, not the SMP.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import accord
from accord.scenario import to_arrays

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ktab" / "dummyData-a160.csv"
KTAB_SMP_SECONDS = 496.0  # KTAB smpc --logmin on the same file (data/README.md)


def timed(step: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = step()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--file", type=Path, default=DATA)
    args = parser.parse_args()

    steps: list[tuple[str, Callable[[], object]]] = [
        ("load (KTAB CSV -> Scenario)", lambda: accord.load(args.file))
    ]
    scen = accord.load(args.file)
    steps.append(("to_arrays", lambda: to_arrays(scen)))
    for label, model, params in [
        ("weighted-mean", "weighted-mean", {}),
        ("weighted-median", "weighted-median", {}),
        ("nash (disagreement=worst)", "nash", {"disagreement": "worst"}),
    ]:
        m = accord.make_model(model, **params)
        steps.append((f"run {label}", lambda m=m: m.run(scen, 0)))

    print(f"{args.file.name}: {len(scen.actors)} actors x {len(scen.issues)} issue(s); {args.repeat} repeats")
    print(f"{'step':34s} {'best ms':>10s} {'median ms':>10s}  forecast")
    total = 0.0
    for label, step in steps:
        best, median, out = timed(step, args.repeat)
        total += median
        forecast = ""
        if hasattr(out, "forecast"):
            forecast = ", ".join(f"{r.issue}={r.forecast:.3f}" for r in out.forecast.itertuples())
        print(f"{label:34s} {best * 1e3:10.3f} {median * 1e3:10.3f}  {forecast}")
    print(f"{'total (medians)':34s} {'':10s} {total * 1e3:10.3f}")
    print(
        f"KTAB C++ SMP on the same file: {KTAB_SMP_SECONDS:.0f} s (a different, dynamic model; for scale only)"
    )


if __name__ == "__main__":
    main()
