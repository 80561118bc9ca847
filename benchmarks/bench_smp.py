"""Speed of the SMP against KTAB's C++ smpc on KAPSARC's scaling sets (figures in ../shared/data/README.md).

Run from the repository root: PYTHONPATH=src python benchmarks/bench_smp.py [--all] [--repeat N]
Prints the minimum wall and CPU time over N clean runs (default 5; other jobs on a shared machine
only ever slow a run down), peak traced memory (numpy arrays included), the ratio of KTAB's wall
time to ours, and the machine's load average, which says how far wall times are inflated.
--all adds the SOE and dummyData_6Dim sets.
"""

from __future__ import annotations

import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

from accord.models.smp import SMP
from accord.scenario import load

SHARED = Path(os.environ.get("ACCORD_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
KTAB = SHARED / "data" / "ktab"
# KTAB smpc --logmin wall seconds (2 cores, 2026), from ../shared/data/README.md
KTAB_SECONDS = {
    "dummyData-a040": 4.1,
    "dummyData-a080": 48.6,
    "dummyData-a160": 496.0,
    "SOE-Pol-Comp": 0.28,
    "SOE-Policy": 1.0,
    "dummyData_6Dim": 2.1,
    "dummyData_3Dim": 0.04,
}
KTAB_PEAK_MB = {"dummyData-a160": 493.0}


def bench(name: str, repeat: int) -> None:
    scenario = load(KTAB / f"{name}.csv")
    model = SMP()
    model.run(scenario)  # warm-up: imports and numpy caches
    tracemalloc.start()
    result = model.run(scenario)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    walls, cpus = [], []
    for _ in range(repeat):  # tracing slows numpy-heavy code, so time clean runs
        wall, cpu = time.perf_counter(), time.process_time()
        model.run(scenario)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    clean, cpu = min(walls), min(cpus)
    ref = KTAB_SECONDS.get(name)
    ratio = f"{ref / clean:7.0f}x" if ref else "      -"
    mem = f"(KTAB {KTAB_PEAK_MB[name]:.0f} MB)" if name in KTAB_PEAK_MB else ""
    print(
        f"{name:16s} {len(scenario.actors):4d}x{len(scenario.issues)} turns {result.info['turns']:3d}  "
        f"wall {clean:7.3f} s  cpu {cpu:7.3f} s  peak {peak:6.1f} MB {mem:16s} KTAB {ref or float('nan'):6.2f} s  "
        f"speed-up {ratio}  (load {os.getloadavg()[0]:.1f})"
    )


def main() -> None:
    names = ["dummyData-a040", "dummyData-a080", "dummyData-a160"]
    if "--all" in sys.argv:
        names = ["dummyData_3Dim", "SOE-Pol-Comp", "SOE-Policy", "dummyData_6Dim", *names]
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 5
    for name in names:
        bench(name, repeat)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the whole process (Python, numpy, pandas and every run): {rss:.0f} MB")


if __name__ == "__main__":
    main()
