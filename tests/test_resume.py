"""Kill a sweep with SIGKILL in a real subprocess, resume it, and check nothing is lost or doubled."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from analysis_helpers import register_slow_mean
from typer.testing import CliRunner

from accord.analysis.montecarlo import CHUNK, monte_carlo
from accord.cli import app
from accord.models import make_model
from accord.scenario import load

TESTS = Path(__file__).resolve().parent
DRAWS = 40 * CHUNK
ARGS = ["montecarlo", "afghanistan-2013", "-m", "test-slow-mean", "--draws", str(DRAWS), "--seed", "21", "--quiet"]
CHILD = (
    "import sys; sys.path.insert(0, {tests!r});"
    "from analysis_helpers import register_slow_mean; register_slow_mean();"
    "from accord.cli import app; app({args!r})"
)


def _done(path: Path) -> int:
    if not path.exists():
        return 0
    conn = sqlite3.connect(path, timeout=5)
    try:
        return conn.execute("SELECT COUNT(*) FROM tasks WHERE result IS NOT NULL").fetchone()[0]
    except sqlite3.OperationalError:  # tables not created yet
        return 0
    finally:
        conn.close()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_sigkill_mid_sweep_then_resume_gives_every_task_once(tmp_path):
    store = tmp_path / "runs.sqlite"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "ACCORD_STORE": str(store),
           "ACCORD_TEST_SLEEP": "0.1"}
    child = subprocess.Popen([sys.executable, "-c", CHILD.format(tests=str(TESTS), args=ARGS)], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while _done(store) < 5:
            assert child.poll() is None, child.stderr.read().decode()
            assert time.monotonic() < deadline, "the sweep did not start"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
    conn = sqlite3.connect(store)
    killed_at = _done(store)
    assert 5 <= killed_at < 40
    assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 0

    listed = CliRunner().invoke(app, ["runs", "list", "--store", str(store)])
    assert f"{killed_at}/40 tasks done" in listed.output

    register_slow_mean()
    resumed = CliRunner().invoke(app, [*ARGS, "--store", str(store)])
    assert resumed.exit_code == 0, resumed.output

    assert conn.execute("SELECT COUNT(*) FROM sweeps").fetchone()[0] == 1  # resumed, not restarted
    assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT task_index), COUNT(result) FROM tasks").fetchone() == (40, 40, 40)
    assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1
    conn.close()
    from accord.analysis.store import RunStore

    with RunStore(store) as st:
        stored = st.run(st.runs()[0]["id"])["arrays"]["forecasts"]
    # Draws computed before the kill (in the child) and after (here) equal an uninterrupted run.
    reference = monte_carlo(load("afghanistan-2013"), make_model("weighted-mean"), draws=DRAWS, seed=21).forecasts
    assert np.array_equal(stored, reference)
