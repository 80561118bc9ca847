"""Writes that survive SIGKILL: every output appears whole or not at all, and temporaries are cleaned.

Real writer processes (forked from one server, see crash_workers.py) are killed with SIGKILL at
random instants, where no cleanup code can run; then what is on disk is checked. Nothing is slowed
down or hooked: the kills land wherever the real writes happen to be. The kill delays are printed
with any failure.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from accord.files import TMP_TAG, OutputError, atomic_folder, atomic_write, atomic_write_text, clean_stale
from accord.models import make_model
from accord.models.output import write_result
from accord.scenario import load

TARGETS = ["run", "scenario.yaml", "scenario.json", "scenario.csv", "scenario.xlsx", "report.html"]
RUN_FILES = {"forecast.csv", "history.csv", "round.json", "run.json"}
TEMPORARY = re.compile(r"^\.(?P<target>.+?)" + re.escape(TMP_TAG) + r"(?P<pid>\d+)-")


def _leftovers(folder: Path) -> dict[str, int]:
    """Temporaries in ``folder``: name -> pid of the process that made it; anything else fails."""
    found = {}
    for entry in folder.iterdir():
        if entry.name in TARGETS:
            continue
        m = TEMPORARY.match(entry.name)
        assert m and m["target"] in TARGETS, f"unexpected file {entry.name}"
        found[entry.name] = int(m["pid"])
    return found


def _assert_whole(folder: Path) -> None:
    run = folder / "run"
    if run.exists():
        assert {p.name for p in run.iterdir()} == RUN_FILES, f"partial run folder: {sorted(os.listdir(run))}"
        meta = json.loads((run / "run.json").read_text())
        assert meta["seed"] == json.loads((run / "round.json").read_text()), (
            "run folder mixed from two rounds"
        )
        assert len(pd.read_csv(run / "forecast.csv")) == 6 and len(pd.read_csv(run / "history.csv"))
    for fmt in ("yaml", "json", "csv", "xlsx"):
        path = folder / f"scenario.{fmt}"
        if path.exists():
            assert load(path).name.startswith("kill-"), path
    report = folder / "report.html"
    if report.exists():
        text = report.read_text()
        assert text.startswith("<!DOCTYPE html>") and text.endswith("</html>\n"), "half-written report"


def test_sigkill_in_the_middle_of_writes_leaves_whole_files_and_no_lasting_temporaries(forker, tmp_path):
    pid, start = forker.spawn("write_loop", str(tmp_path)), time.monotonic()
    while not all((tmp_path / t).exists() for t in TARGETS):  # the first round: how long one takes
        assert time.monotonic() - start < 120, forker.errors()
        time.sleep(0.01)
    one_round = time.monotonic() - start
    forker.kill(pid)
    rng = random.Random()
    delays, killed, seen = [], {pid}, 0
    for _ in range(10):
        pid = forker.spawn("write_loop", str(tmp_path))
        delays.append(round(rng.uniform(0, 1.5 * one_round), 3))
        time.sleep(delays[-1])
        assert forker.kill(pid) == -signal.SIGKILL, forker.errors()
        killed.add(pid)
        left = _leftovers(tmp_path)
        assert set(left.values()) <= killed, f"delays {delays}: temporaries of a live process {left}"
        seen += len(left)
        _assert_whole(tmp_path)
    # The next write of each target removes the temporaries the killed writers left.
    res = make_model("weighted-mean").run(load("ec-emissions"), 0)
    for target in TARGETS[1:]:
        atomic_write_text(tmp_path / target, "")
    write_result(res, tmp_path / "run")
    assert _leftovers(tmp_path) == {}, f"delays {delays}"
    print(f"{len(delays)} kills, {seen} temporaries seen right after a kill, none after the next writes")


def test_sigkilled_accord_run_out_leaves_a_whole_run_folder_or_none(forker, tmp_path):
    out = tmp_path / "run"
    args = ["run", "afghanistan-2013", "-m", "smp", "--out", str(out)]
    status, took = forker.run("cli", *args)
    assert status == 0, forker.errors()
    expected = {p.name for p in out.iterdir()}
    assert {"forecast.csv", "history.csv", "run.json"} <= expected
    rng = random.Random()
    delays = []
    for k in range(8):
        pid = forker.spawn("cli", *args[:-1], str(out), "--seed", str(k + 1))
        delays.append(round(rng.uniform(0, 1.2 * took), 3))
        time.sleep(delays[-1])
        forker.kill(pid)
        if out.exists():
            assert {p.name for p in out.iterdir()} == expected, f"delays {delays}: partial run folder"
            assert json.loads((out / "run.json").read_text())["seed"] in range(k + 2)
        _leftovers_only_of_run(tmp_path)
    assert forker.run("cli", *args)[0] == 0
    assert [p.name for p in tmp_path.iterdir()] == ["run"], f"delays {delays}: temporaries left"


def _leftovers_only_of_run(folder: Path) -> None:
    for entry in folder.iterdir():
        assert entry.name == "run" or entry.name.startswith(".run" + TMP_TAG), entry.name


# ---- the same guarantees, step by step in this process --------------------------------------------


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "a.csv"
    target.write_text("old")

    def broken(tmp: Path) -> None:
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, broken)
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["a.csv"]


def test_stale_temporaries_of_dead_writers_go_at_the_next_write_and_live_ones_stay(tmp_path):
    dead = _dead_pid()
    stale = tmp_path / f".a.csv{TMP_TAG}{dead}-x1.csv"
    stale_dir = tmp_path / f".run{TMP_TAG}{dead}-x2"
    alive = tmp_path / f".a.csv{TMP_TAG}{os.getppid()}-x3.csv"  # our parent is running
    other = tmp_path / f".b.csv{TMP_TAG}{dead}-x4.csv"  # another target's: not this write's business
    for p in (stale, alive, other):
        p.write_text("x")
    stale_dir.mkdir()
    (stale_dir / "forecast.csv").write_text("x")
    atomic_write_text(tmp_path / "a.csv", "new")
    assert not stale.exists() and alive.exists() and other.exists()
    old = time.time() - 2 * 24 * 3600
    os.utime(alive, (old, old))  # a day-old temporary is stale whoever holds its pid
    assert clean_stale(tmp_path / "a.csv") == [alive]
    write_result(make_model("weighted-mean").run(load("ec-emissions"), 0), tmp_path / "run")
    assert not stale_dir.exists() and (tmp_path / "run" / "run.json").exists()


def test_a_run_folder_replaces_an_earlier_run_but_never_a_folder_of_other_files(tmp_path):
    res = make_model("weighted-mean").run(load("ec-emissions"), 0)
    out = tmp_path / "out"
    write_result(res, out)
    (out / "extra.csv").write_text("from an earlier run of another model")
    write_result(res, out)
    assert sorted(p.name for p in out.iterdir()) == ["forecast.csv", "history.csv", "run.json"]
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("keep me")
    with pytest.raises(OutputError, match="holds other files"):
        write_result(res, mine)
    assert os.listdir(mine) == ["thesis.tex"]
    with pytest.raises(OutputError, match="is a file"):
        write_result(res, mine / "thesis.tex")
    (out / "notes.txt").write_text("mine too")  # a run folder the user added to is no longer replaceable
    with pytest.raises(OutputError, match="holds other files"):
        write_result(res, out)
    assert sorted(os.listdir(tmp_path)) == ["mine", "out"]


def test_the_current_folder_is_never_replaced(tmp_path, monkeypatch):
    res = make_model("weighted-mean").run(load("ec-emissions"), 0)
    write_result(res, tmp_path / "run")
    monkeypatch.chdir(tmp_path / "run")  # an earlier run folder, but the one the user stands in
    with pytest.raises(OutputError, match="current folder"):
        write_result(res, ".")
    assert (tmp_path / "run" / "run.json").exists()


def test_a_failed_folder_fill_leaves_the_earlier_folder_and_no_temporary(tmp_path):
    out = tmp_path / "out"
    atomic_folder(out, lambda tmp: (tmp / "run.json").write_text("1"), replaceable=lambda p: True)

    def broken(tmp: Path) -> None:
        (tmp / "forecast.csv").write_text("half")
        raise RuntimeError("model failed")

    with pytest.raises(RuntimeError):
        atomic_folder(out, broken, replaceable=lambda p: True)
    assert os.listdir(tmp_path) == ["out"] and os.listdir(out) == ["run.json"]


def _dead_pid() -> int:
    """A pid that was a child of ours and is gone (exited and reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid
