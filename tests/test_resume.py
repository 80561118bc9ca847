"""SIGKILL resumable sweeps at random instants, resume them, and check nothing is lost or doubled.

Real sweeps (Monte Carlo of the weighted mean, the agents simulator and SMP, and a what-if) run
in real processes forked from one server (crash_workers.py) and are killed with SIGKILL at a
random moment of their run, with nothing slowed down or hooked. Resuming with the same command
must compute only the missing tasks, close the sweep into exactly one run, and store numbers
identical to an uninterrupted sweep; two processes resuming one sweep at once still make one run.
"""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path

import numpy as np
import pytest
from analysis_helpers import three_actors, two_at_middle
from typer.testing import CliRunner

from accord.analysis.montecarlo import CHUNK
from accord.analysis.store import RunStore
from accord.cli import app
from accord.scenario import save

SWEEPS = {
    "montecarlo-weighted-mean": (["montecarlo", "afghanistan-2013", "-m", "weighted-mean"], 40 * CHUNK, 40),
    "montecarlo-agents": (["montecarlo", "{three}", "-m", "agents"], CHUNK + 64, 2),
    "montecarlo-smp": (["montecarlo", "{two}", "-m", "smp"], 48, 1),  # SMP runs draw by draw: one short task
    "whatif": (["whatif", "afghanistan-2013", "taliban-walk-out", "-m", "weighted-mean"], 20 * CHUNK, 40),
}


def _args(name: str, folder: Path, store: Path) -> list[str]:
    head, draws, _ = SWEEPS[name]
    files = {"three": folder / "three.yaml", "two": folder / "two.yaml"}
    save(three_actors(), files["three"])
    save(two_at_middle(), files["two"])
    head = [a.format(**{k: str(v) for k, v in files.items()}) for a in head]
    return [*head, "--draws", str(draws), "--seed", "21", "--quiet", "--store", str(store)]


def _counts(store: Path) -> tuple[int, int, int]:
    """(sweeps, tasks done, runs) in a store; zeros where the killed process made nothing yet."""
    if not store.exists():
        return 0, 0, 0
    conn = sqlite3.connect(store, timeout=30)
    try:
        return tuple(
            conn.execute(q).fetchone()[0]
            for q in (
                "SELECT COUNT(*) FROM sweeps",
                "SELECT COUNT(*) FROM tasks WHERE result IS NOT NULL",
                "SELECT COUNT(*) FROM runs",
            )
        )
    except sqlite3.OperationalError:  # killed before the tables were made
        return 0, 0, 0
    finally:
        conn.close()


def _reference(forker, args: list[str], store: Path) -> tuple[dict[str, np.ndarray], float, float]:
    """An uninterrupted sweep's arrays, and when (seconds after its start) it planned and closed."""
    start, opened = time.monotonic(), None
    pid = forker.spawn("cli", *args)
    while True:
        sweeps, _, runs = _counts(store)
        now = time.monotonic() - start
        if sweeps and opened is None:
            opened = now
        if runs:
            break
        assert now < 300, forker.errors()
        time.sleep(0.005)
    assert forker.wait(pid) == 0, forker.errors()
    return _stored_arrays(store), opened if opened is not None else now, now


def _kill_during_work(forker, args: list[str], store: Path, seconds: float) -> float:
    """Start the sweep, wait until it is planned in the store, SIGKILL it ``seconds`` later."""
    pid, start = forker.spawn("cli", *args), time.monotonic()
    while not _counts(store)[0] and time.monotonic() - start < 300:
        time.sleep(0.002)
    time.sleep(seconds)
    forker.kill(pid)
    return seconds


def _stored_arrays(store: Path) -> dict[str, np.ndarray]:
    with RunStore(store) as st:
        (run,) = st.runs()
        return st.run(run["id"])["arrays"]


def _assert_one_whole_run(store: Path, n_tasks: int, reference: dict[str, np.ndarray], note: str) -> None:
    conn = sqlite3.connect(store)
    try:
        assert conn.execute("SELECT COUNT(*) FROM sweeps").fetchone()[0] == 1, (
            f"{note}: resumed, not restarted"
        )
        tasks = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT task_index), COUNT(result) FROM tasks"
        ).fetchone()
        assert tasks == (n_tasks, n_tasks, n_tasks), f"{note}: every task once"
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1, f"{note}: exactly one run"
    finally:
        conn.close()
    stored = _stored_arrays(store)
    assert stored.keys() == reference.keys(), note
    for key, ref in reference.items():
        assert np.array_equal(stored[key], ref, equal_nan=ref.dtype.kind == "f"), f"{note}: {key} differs"


@pytest.mark.parametrize("name", list(SWEEPS))
def test_sigkill_mid_sweep_then_resume_gives_every_task_once_and_the_same_numbers(forker, tmp_path, name):
    n_tasks = SWEEPS[name][2]
    reference, opened, closed = _reference(
        forker, _args(name, tmp_path, tmp_path / "reference.sqlite"), tmp_path / "reference.sqlite"
    )
    rng = random.Random()
    mid, delays = 0, []
    for trial in range(6):  # until two kills landed mid-sweep
        store = tmp_path / f"killed-{trial}.sqlite"
        args = _args(name, tmp_path, store)
        # a random instant of the sweep's own work (the reference's span from planned to closed)
        delays.append(round(_kill_during_work(forker, args, store, rng.uniform(0, closed - opened)), 3))
        sweeps, done, runs = _counts(store)
        note = f"{name}: kill {delays[-1]}s into the sweep, {done}/{n_tasks} tasks done"
        if runs:  # finished before the kill: nothing to resume
            continue
        mid += sweeps == 1  # planned, not closed
        assert forker.run("cli", *args)[0] == 0, forker.errors()
        _assert_one_whole_run(store, n_tasks, reference, note)
        if mid == 2:
            break
    assert mid, (
        f"{name}: no kill landed mid-sweep (delays {delays}; the sweep ran from {opened:.2f}s to {closed:.2f}s)"
    )


def test_two_processes_resuming_one_killed_sweep_make_exactly_one_run(forker, tmp_path):
    name = "montecarlo-weighted-mean"
    n_tasks = SWEEPS[name][2]
    reference, opened, closed = _reference(
        forker, _args(name, tmp_path, tmp_path / "reference.sqlite"), tmp_path / "reference.sqlite"
    )
    rng = random.Random()
    for trial in range(6):
        store = tmp_path / f"killed-{trial}.sqlite"
        args = _args(name, tmp_path, store)
        _kill_during_work(forker, args, store, rng.uniform(0, closed - opened))
        _, done, _ = _counts(store)
        if not 0 < done < n_tasks:
            continue
        listed = CliRunner().invoke(app, ["runs", "list", "--store", str(store)])
        assert f"{done}/{n_tasks} tasks done" in listed.output
        first, second = forker.spawn("cli", *args), forker.spawn("cli", *args)
        assert (forker.wait(first), forker.wait(second)) == (0, 0), forker.errors()
        if _started_after_the_other_finished(store):
            continue  # they never overlapped: a later run of a finished sweep is a new one by design
        _assert_one_whole_run(store, n_tasks, reference, f"two resumers after {done}/{n_tasks} tasks")
        return
    pytest.fail(
        f"no trial had a kill mid-sweep and two overlapping resumers (sweep ran {opened:.2f}-{closed:.2f}s)"
    )


def _started_after_the_other_finished(store: Path) -> bool:
    """Two sweeps where the second was opened after the first had finished: the resumers did not
    overlap (one finished the remaining tasks before the other started), so it is a re-run, not a race."""
    conn = sqlite3.connect(store)
    try:
        rows = conn.execute("SELECT created, finished FROM sweeps ORDER BY id").fetchall()
    finally:
        conn.close()
    return len(rows) == 2 and rows[0][1] is not None and rows[1][0] >= rows[0][1]
