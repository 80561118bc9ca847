"""The command line end to end: real files, exit codes, JSON shapes."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import KTAB
from typer.testing import CliRunner

from accord.cli import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_forecast_json_has_issue_and_forecast_for_each_issue():
    res = invoke("forecast", "ec-emissions", "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert [i["issue"] for i in data["issues"]] == ["emissions"]
    assert round(data["issues"][0]["forecast"], 2) == 7.39
    assert data["issues"][0]["by_model"]["weighted-median"] == 7.0


def test_forecast_table_lists_every_baseline_that_runs():
    res = invoke("forecast", "ec-emissions")
    assert res.exit_code == 0
    assert "weighted-mean" in res.output and "7.4" in res.output
    assert "status-quo: not run" in res.output


def test_run_writes_forecast_history_and_metadata(tmp_path):
    out = tmp_path / "run"
    res = invoke("run", "ec-emissions", "--model", "weighted-median", "--seed", "5", "--out", str(out))
    assert res.exit_code == 0, res.output
    hist = pd.read_csv(out / "history.csv")
    assert list(hist.columns) == ["round", "actor", "issue", "position"]
    assert len(hist) == 10
    meta = json.loads((out / "run.json").read_text())
    assert meta["model"] == "weighted-median" and meta["seed"] == 5 and meta["scenario"] == "ec-emissions"
    assert pd.read_csv(out / "forecast.csv")["forecast"].tolist() == [7.0]


def test_run_on_a_ktab_csv_by_path(tmp_path):
    res = invoke("run", str(KTAB / "SOE-Pol-Comp.csv"), "-m", "weighted-mean", "-o", str(tmp_path))
    assert res.exit_code == 0, res.output
    assert set(pd.read_csv(tmp_path / "forecast.csv")["issue"]) == {"Policy", "Competitive"}


@pytest.mark.parametrize(
    "args,needle",
    [
        (("forecast", "no-such-scenario"), "no such file or shipped example"),
        (("run", "ec-emissions", "-m", "nope", "-o", "x"), "unknown model 'nope'"),
        (("run", "ec-emissions", "-m", "nash", "-p", "kappa=0", "-o", "x"), "kappa must be >= 1"),
        (("run", "ec-emissions", "-m", "weighted-mean", "-p", "novalue", "-o", "x"), "key=value"),
        (("validate", str(KTAB / "smpExample.xml")), "dCoord[1]"),
        (("forecast", "ec-emissions", "-m", "nash"), "needs a status quo"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(args, needle):
    res = invoke(*args)
    assert res.exit_code == 2
    assert needle in res.output
    assert "Traceback" not in res.output


def test_convert_round_trips_through_every_writable_format(tmp_path):
    for suffix in (".yaml", ".json", ".csv", ".xlsx"):
        target = tmp_path / f"ec{suffix}"
        assert invoke("convert", "ec-emissions", str(target)).exit_code == 0
        res = invoke("forecast", str(target), "--json", "-m", "weighted-mean")
        assert round(json.loads(res.output)["issues"][0]["forecast"], 2) == 7.39


def test_models_and_examples_list_the_registry():
    res = invoke("models")
    assert "weighted-mean" in res.output and "needs-status-quo" in res.output
    assert "ec-emissions" in invoke("examples").output


def test_help_everywhere():
    for cmd in ("forecast", "run", "validate", "convert", "models", "examples"):
        res = invoke(cmd, "--help")
        assert res.exit_code == 0 and "Usage" in res.output
