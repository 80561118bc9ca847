"""The faces stay thin (issue 15, item 4): options declared once, the forecast computed in analysis/,
baselines found by their registry tag, and "run each model, note the refusals" written once."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import accord
from accord.analysis.forecast import default_models, forecast, forecast_json
from accord.analysis.runner import each, run_each
from accord.cli import app
from accord.cli.options import SEED_HELP
from accord.errors import ParameterError, UnsupportedScenario
from accord.models.registry import models_tagged

CLI = Path(accord.__file__).parent / "cli"
SHARED = ("--model", "--seed", "--json", "--param", "--quiet", "--no-store", "--store", "--noise", "--jobs")


def test_baselines_are_the_registry_tag_in_the_columns_order():
    baselines = ["weighted-mean", "weighted-median", "nash", "status-quo"]  # the README's columns
    assert sorted(models_tagged("baseline")) == sorted(baselines)
    assert default_models(accord.load("afghanistan-2013")) == [*baselines, "agents"]
    assert default_models(accord.load("ec-emissions")) == baselines  # no negotiation to simulate


def test_each_notes_accord_errors_and_lets_bugs_through():
    def work(name):
        if name == "bad":
            raise ParameterError("bad parameters")
        if name == "bug":
            raise ValueError("a bug")
        return len(name)

    assert each(["ok", "bad", "ok"], work) == ({"ok": 2}, {"bad": "bad parameters"})
    with pytest.raises(ValueError):
        each(["bug"], work)


def test_run_each_notes_the_models_that_cannot_run():
    sc = accord.load("ec-emissions")  # one issue, no status quo
    results, skipped = run_each(sc, ["weighted-mean", "nash", "exchange"], seed=0)
    assert round(results["weighted-mean"].forecast_of("emissions"), 2) == 7.39  # BDM 1994's table
    assert set(skipped) == {"nash", "exchange"} and "status quo" in skipped["nash"]


def test_no_model_runs_is_one_unsupported_error():
    with pytest.raises(UnsupportedScenario, match="status quo"):
        forecast(accord.load("ec-emissions"), ["nash"], draws=0)


def test_the_cli_prints_what_analysis_returns():
    sc = accord.load("afghanistan-2013")
    expected = forecast_json(forecast(sc, ["weighted-mean", "nash"], seed=3, draws=0))
    res = CliRunner().invoke(
        app,
        [
            "forecast",
            "afghanistan-2013",
            "-m",
            "weighted-mean",
            "-m",
            "nash",
            "--seed",
            "3",
            "--draws",
            "0",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == json.loads(json.dumps(expected, default=str))
    assert expected["issues"][0]["by_model"]["weighted-mean"] == pytest.approx(41.42, abs=0.01)


def _options(command, path="accord"):
    ctx = typer.Context(command, info_name=path)
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            yield from _options(command.get_command(ctx, name), f"{path} {name}")
        return
    for param in command.get_params(ctx):
        yield path, param


def test_every_shared_option_reads_the_same_everywhere():
    seen: dict[str, set] = {}
    for path, param in _options(typer.main.get_command(app)):
        for flag in param.opts:
            if flag in (
                "--seed",
                "--json",
                "--param",
                "--quiet",
                "--store",
                "--no-store",
                "--noise",
                "--jobs",
            ):
                seen.setdefault(flag, set()).add((tuple(param.opts), param.help))
            if flag == "--model":
                assert "-m" in param.opts, path
    # every --seed says the same (a seed that may be left out adds its default to the shared text)
    assert all(help_text.startswith(SEED_HELP) for _, help_text in seen.pop("--seed")), "--seed"
    assert len(seen["--param"]) == 1 and len(seen["--store"]) == 1
    assert all(len(forms) == 1 for flag, forms in seen.items() if flag != "--json"), seen


def test_no_command_module_declares_a_shared_option_itself():
    declared = re.compile(
        r"typer\.Option\(\s*(" + "|".join(map(re.escape, map(repr, SHARED))).replace("'", '"') + ")"
    )
    offenders = [
        f.name
        for f in CLI.glob("*.py")
        if f.name != "options.py" and declared.search(f.read_text(encoding="utf-8"))
    ]
    assert offenders == []
