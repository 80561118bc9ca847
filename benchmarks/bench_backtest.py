"""Wall time of the whole DEU backtest: read, every registered model, CV combinations.

Run: PYTHONPATH=src python benchmarks/bench_backtest.py [FILE]. Prints the time per stage and per
model for each capability option, and the ratio to the 10 s target. Dynamic models (eum, smp)
appear here automatically once registered.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from accord.analysis.backtest import combinations, midpoint, run_model
from accord.cli.backtest import default_models
from accord.scenario.deu import CAPABILITIES, read_deu

TARGET_S = 10.0
DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "deu3" / "deu3-dev.tsv"


def main(path: Path) -> None:
    models, left_out = default_models()
    for name, why in left_out.items():
        print(f"  (not run: {name}: {why})")
    grand = time.perf_counter()
    for capability in CAPABILITIES:
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
        print(f"{capability:6s} {len(cases)} issues: total {total:.2f} s (read {read:.2f}, cv {cv:.2f}; "
              f"models: {models_s})")
    elapsed = time.perf_counter() - grand
    print(f"all three capability options, {len(models)} models: {elapsed:.2f} s "
          f"({elapsed / TARGET_S:.2f} of the {TARGET_S:.0f} s target)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
