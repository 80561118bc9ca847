"""The run store on a real SQLite file: runs, sweeps, exactly-once tasks, CLI list/show/export."""

from __future__ import annotations

import csv
import json
import sqlite3

import numpy as np
import pytest
from typer.testing import CliRunner

from accord.analysis.montecarlo import monte_carlo
from accord.analysis.store import RunInfo, RunStore, default_path
from accord.cli import app
from accord.models import make_model
from accord.scenario import load

INFO = RunInfo("montecarlo", "sc", "abc123", "weighted-mean", {"k": 1}, 7)


def test_runs_round_trip_with_arrays_in_wal_mode(tmp_path):
    path = tmp_path / "runs.sqlite"
    with RunStore(path) as store:
        run_id = store.record_run(
            INFO,
            {"table": [{"issue": "x", "median": 1.5}], "p": float("nan")},
            {"forecasts": np.arange(6.0).reshape(3, 2)},
        )
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1
    with RunStore(path) as store:
        run = store.run(run_id)
        assert run["scenario_hash"] == "abc123" and run["params"] == {"k": 1} and run["seed"] == 7
        assert run["results"] == {"table": [{"issue": "x", "median": 1.5}], "p": None}
        assert np.array_equal(run["arrays"]["forecasts"], np.arange(6.0).reshape(3, 2))
        assert [r["id"] for r in store.runs()] == [run_id]


def test_a_task_result_is_stored_once_and_the_constraint_holds(tmp_path):
    with RunStore(tmp_path / "s.sqlite") as store:
        sweep = store.open_sweep("key", INFO, {"draws": 3}, [{"t": 0}, {"t": 1}])
        assert store.open_sweep("key", INFO, {"draws": 3}, [{"t": 0}, {"t": 1}]) == sweep  # resumes
        assert store.put_task(sweep, 0, {"forecast": np.ones(2)})
        assert not store.put_task(sweep, 0, {"forecast": np.zeros(2)})
        assert np.array_equal(store.task_results(sweep)[0]["forecast"], np.ones(2))
        with pytest.raises(sqlite3.IntegrityError):
            store._conn.execute(
                "INSERT INTO tasks (sweep_id, task_index, spec) VALUES (?, 0, '{}')", (sweep,)
            )
        first = store.record_run(INFO, {}, sweep_id=sweep)
        assert store.record_run(INFO, {}, sweep_id=sweep) == first  # a sweep closes into exactly one run
        assert len(store.runs()) == 1
        with pytest.raises(sqlite3.IntegrityError):
            store._conn.execute(
                "INSERT INTO runs (created, kind, scenario, scenario_hash, model, params, "
                "accord_version, sweep_id, results) VALUES ('', '', '', '', '', '', '', ?, '')",
                (sweep,),
            )
        assert store.sweep(sweep)["finished"] is not None
        assert (
            store.open_sweep("key", INFO, {"draws": 3}, [{"t": 0}, {"t": 1}]) != sweep
        )  # finished: a new one


def test_a_crashed_sweep_resumes_to_the_uninterrupted_result(tmp_path):
    sc, model = load("afghanistan-2013"), make_model("weighted-mean")
    reference = monte_carlo(sc, model, draws=1500, seed=9).forecasts

    class Crash(Exception):
        pass

    calls = []

    def crash_after_three(total, label):
        def advance(n):
            calls.append(n)
            if len(calls) == 3:
                raise Crash

        return advance

    with RunStore(tmp_path / "s.sqlite") as store:
        with pytest.raises(Crash):
            monte_carlo(sc, model, draws=1500, seed=9, store=store, progress=crash_after_three)
        (sweep,) = store.sweeps()
        assert sweep["done"] == 3 and sweep["finished"] is None and store.runs() == []
        resumed = monte_carlo(sc, model, draws=1500, seed=9, store=store)
        assert np.array_equal(resumed.forecasts, reference)
        assert len(store.sweeps()) == 1 and store.sweeps()[0]["done"] == sweep["n_tasks"] == 6
        assert len(store.runs()) == 1
        assert np.array_equal(store.run(resumed.run_id)["arrays"]["forecasts"], reference)


def test_default_location_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_STORE", str(tmp_path / "x.sqlite"))
    assert default_path() == tmp_path / "x.sqlite"
    monkeypatch.delenv("ACCORD_STORE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_path() == tmp_path / "data" / "accord" / "runs.sqlite"


def test_cli_runs_list_show_export(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCORD_STORE", str(tmp_path / "env.sqlite"))
    runner = CliRunner()
    assert runner.invoke(app, ["montecarlo", "ec-emissions", "--draws", "200", "--quiet"]).exit_code == 0
    assert runner.invoke(app, ["pivotal", "ec-emissions"]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["runs", "list", "--json"]).stdout)
    assert [r["kind"] for r in listed] == ["pivotal", "montecarlo"]
    mc = listed[1]
    shown = json.loads(runner.invoke(app, ["runs", "show", str(mc["id"])]).stdout)
    assert shown["arrays"]["forecasts"] == [200, len(load("ec-emissions").issues)]
    assert shown["scenario_hash"] == load("ec-emissions").content_hash()
    out = tmp_path / "mc.csv"
    assert runner.invoke(app, ["runs", "export", str(mc["id"]), str(out)]).exit_code == 0
    rows = list(csv.DictReader(out.open()))
    assert [r["issue"] for r in rows] == load("ec-emissions").issue_ids
    assert list(rows[0])[:4] == ["issue", "median", "p2_5", "p10"]
    assert [r["median"] for r in rows] == [str(x["median"]) for x in shown["results"]["table"]]
    full = tmp_path / "mc.json"
    assert runner.invoke(app, ["runs", "export", str(mc["id"]), str(full)]).exit_code == 0
    assert len(json.loads(full.read_text())["arrays"]["forecasts"]) == 200
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary files left
    missing = runner.invoke(app, ["runs", "show", "999"])
    assert missing.exit_code == 2 and "no run with id 999" in missing.output
    bad = runner.invoke(app, ["runs", "export", str(mc["id"]), str(tmp_path / "x.txt")])
    assert bad.exit_code == 2 and "allowed: .csv, .json" in bad.output
    assert runner.invoke(app, ["montecarlo", "ec-emissions", "--draws", "10", "--no-store"]).exit_code == 0
    assert len(json.loads(runner.invoke(app, ["runs", "list", "--json"]).stdout)) == 2
