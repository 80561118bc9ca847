"""Write every registered model's forecasts on the DEU III development split to a JSON file.

Run by tests/test_reproducibility.py in two processes, one with NumPy's CPU dispatch lowered, to
show that no model's path depends on which SIMD kernels NumPy picked on this machine. The same
seed and the same default models as `accord backtest`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from conftest import DEU  # noqa: E402

from accord.analysis.backtest import run_model  # noqa: E402
from accord.cli.backtest import default_models  # noqa: E402
from accord.scenario.deu import read_deu  # noqa: E402


def main(out: str) -> None:
    cases = read_deu(DEU / "deu3-dev.tsv").cases
    models, _ = default_models()
    result = {}
    for model in models:
        f = run_model(model, cases, np.random.default_rng(0))
        result[model.name] = [None if np.isnan(v) else float(v) for v in f.forecast]
    Path(out).write_text(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
