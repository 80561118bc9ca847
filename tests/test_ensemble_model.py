"""The registered `ensemble` model: shipped weights, a refit by `accord ensemble-fit`, its output."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import DEU
from typer.testing import CliRunner

from accord.analysis.ensemble import ANCHORS
from accord.cli import app
from accord.errors import ParameterError
from accord.models import make_model
from accord.scenario.deu import read_deu

DEV = DEU / "deu3-dev.tsv"
runner = CliRunner()


def test_deu_reader_carries_procedure_and_voting_rule_for_the_ensemble():
    case = read_deu(DEV).cases[0]
    assert case.scenario.models["ensemble"]["features"] == {"procedure": "COD", "voting_rule": "QMV"}


def test_refit_on_a_deu_file_and_forecast_with_the_weights(tmp_path):
    out = tmp_path / "w.json"
    res = runner.invoke(
        app,
        [
            "ensemble-fit",
            str(DEV),
            "--out",
            str(out),
            "--model",
            "weighted-mean",
            "--model",
            "weighted-median",
            "--draws",
            "8",
        ],
        catch_exceptions=False,
    )
    assert res.exit_code == 0, res.output
    spec = json.loads(out.read_text())
    assert spec["components"] == [
        "weighted-mean",
        "weighted-median",
        "always-50",
        "weighted-mean+conformal",
        *ANCHORS,
    ]
    assert spec["cases"] == 237 and len(spec["residuals"]) == 237 and spec["fitted_on"] == "deu3-dev.tsv"
    model = make_model("ensemble", weights=str(out), draws=8)
    case = read_deu(DEV).cases[0]
    result = model.run(case.scenario, 0)
    row = result.forecast.iloc[0]
    assert (
        row["lo95"]
        <= row["lo80"]
        <= row["lo50"]
        <= row["forecast"]
        <= row["hi50"]
        <= row["hi80"]
        <= row["hi95"]
    )
    w = result.tables["weights"]
    assert w["weight"].sum() == pytest.approx(1.0)
    assert "reference" in set(w["component"])  # d00032i1 has a reference point (0)
    dist = result.tables["predictive"]
    assert dist["weight"].sum() == pytest.approx(1.0)
    values, weights = dist["value"].to_numpy(), dist["weight"].to_numpy()
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    median = values[order][np.argmax(cum >= 0.5 - 1e-12)]
    assert row["forecast"] == pytest.approx(median)
    # the 80% interval is the central one at the level the fit calibrated, not at 0.8
    c50, c80, c95 = spec["levels"]
    assert 0 < c50 < c80 < c95 <= 1 and c80 != 0.8
    for end, q in (("lo80", (1 - c80) / 2), ("hi80", (1 + c80) / 2)):
        assert row[end] == pytest.approx(values[order][np.argmax(cum >= q - 1e-12)])


def test_shipped_weights_load_and_bad_files_are_clear(tmp_path):
    model = make_model("ensemble")
    assert "weighted-mean+conformal" in model._spec["components"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"components": ["a"]}))
    with pytest.raises(ParameterError, match="lacks features, alpha"):
        make_model("ensemble", weights=str(bad))
    fine = json.loads(json.dumps(model._spec))
    for levels in ([0.4, 0.7], [0.4, 0.7, 1.2], "0.8"):
        bad.write_text(json.dumps({**fine, "levels": levels}))
        with pytest.raises(ParameterError, match="levels is .*allowed: the central levels"):
            make_model("ensemble", weights=str(bad))
    with pytest.raises(ParameterError, match="cannot read weights file"):
        make_model("ensemble", weights=str(tmp_path / "missing.json"))
    with pytest.raises(ParameterError, match="draws must be a positive integer"):
        make_model("ensemble", draws=0)
