"""Rebuild the backtest record accord ships (src/accord/analysis/data/backtest-deu3-dev.json).

The report's "how far to trust this" section reads that record; this script runs
`accord backtest` on the DEU III development split with the defaults (every model, seed 0,
64 draws, 10 folds, one worker so that nothing depends on the machine) and stores its record with
the data's attribution. Run it after a change that moves any model's forecast:

    python scripts/build_backtest_record.py [path/to/deu3-dev.tsv]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from accord.analysis.calibration import SHIPPED
from accord.files import atomic_write_text

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = Path(os.environ.get("ACCORD_SHARED", ROOT.parent / "shared")) / "data" / "deu3" / "deu3-dev.tsv"
SOURCE = (
    "DEU III development split: 237 issues of EU legislation decided 1999-2019 (Arregui & Perarnaud 2021, "
    "doi:10.34810/data53, CC BY 4.0; every proposal whose number is not a multiple of 3)"
)


def main() -> None:
    """Run the backtest and write the shipped record."""
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "record.json"
        subprocess.run(
            [sys.executable, "-m", "accord", "backtest", str(data), "--jobs", "1", "--out", str(out)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        record = json.loads(out.read_text())
    record["file"] = data.name
    record["source"] = SOURCE
    atomic_write_text(SHIPPED, json.dumps(record, indent=1) + "\n")
    print(f"wrote {SHIPPED.relative_to(ROOT)} ({len(record['scores'])} rows)")


if __name__ == "__main__":
    main()
