"""A model defined outside accord, in a package of its own, is checked by the conformance suite as is.

The package is made here (a module and its dist-info with an ``accord.models`` entry point), put on
the path of a fresh pytest process, and tests/test_conformance.py, unedited, collects and runs every
check on the new model: the suite is driven by the registry, not by a list of names.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PLUGIN = '''
"""A plugin model: the weighted median again, under its own name (a real, checkable forecaster)."""

from typing import ClassVar

from accord.models.baselines import WeightedMedian


class PluginMedian(WeightedMedian):
    """Capability x salience weighted median, shipped by another package."""

    name: ClassVar[str] = "plugin-median"
    summary: ClassVar[str] = "the weighted median, registered through an entry point"
'''


def _plugin(where: Path) -> None:
    (where / "accord_plugin_demo.py").write_text(PLUGIN, encoding="utf-8")
    info = where / "accord_plugin_demo-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: accord-plugin-demo\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[accord.models]\nplugin-median = accord_plugin_demo:PluginMedian\n"
    )


def test_a_plugin_model_is_checked_without_editing_any_test(tmp_path):
    _plugin(tmp_path)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT / "src")])}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_conformance.py",
            "-k",
            "plugin-median",
            "-rA",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    passed = [
        line for line in done.stdout.splitlines() if line.startswith("PASSED") and "plugin-median-" in line
    ]
    checks = {line.split("plugin-median-")[1].rstrip("]") for line in passed}
    assert {"check_protocol", "check_run_output", "check_batch_matches_run", "check_monte_carlo"} <= checks, (
        done.stdout
    )
