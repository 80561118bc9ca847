"""The report's calibration section: the shipped backtest record, Wilson intervals, bad records."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from conftest import DEU
from scipy.stats import binomtest
from typer.testing import CliRunner

from accord.analysis import calibration
from accord.cli import app
from accord.errors import ScenarioError, UnsupportedScenario
from accord.models import list_models, make_model
from accord.scenario.deu import read_deu

DEV = DEU / "deu3-dev.tsv"
runner = CliRunner()


@pytest.mark.parametrize(("k", "n"), [(0, 10), (7, 20), (74, 92), (92, 92)])
def test_wilson_matches_scipy_on_whole_counts(k, n):
    lo, hi = binomtest(k, n).proportion_ci(0.95, method="wilson")
    assert calibration.wilson(k / n, n) == pytest.approx((lo, hi), abs=1e-12)


def test_shipped_record_is_the_shared_dev_split_and_reproduces_the_published_anchors():
    record = calibration.shipped_record()
    assert record["sha256"] == hashlib.sha256(DEV.read_bytes()).hexdigest()
    by = {r["model"]: r for r in record["scores"]}
    # data/README.md: salience-weighted mean MAE 22.49, always 50 MAE 26.69 on 237 issues
    assert by["weighted-mean"]["n"] == 237 and round(by["weighted-mean"]["mae"], 2) == 22.49
    assert round(by["always-50"]["mae"], 2) == 26.69
    # every model a backtest runs has its row: a new model means rebuilding the record
    expected = {n for n, cls in list_models().items() if "fitted" not in cls.tags}
    assert expected <= set(by), "rebuild with scripts/build_backtest_record.py"


@pytest.mark.parametrize("name", ["weighted-median", "status-quo"])
def test_shipped_point_scores_match_a_fresh_run(name):
    cases = read_deu(DEV, "equal").cases
    model = make_model(name)
    errors = []
    for case in cases:
        try:
            forecast = model.run(case.scenario, 0).forecast_of(case.issue)
        except UnsupportedScenario:  # a case the model refuses is skipped, as in the backtest
            continue
        errors.append(abs(forecast - case.outcome))
    row = next(r for r in calibration.shipped_record()["scores"] if r["model"] == name)
    assert row["n"] == len(errors)
    assert row["mae"] == pytest.approx(np.mean(errors), abs=1e-9)
    assert row["medae"] == pytest.approx(np.median(errors), abs=1e-9)


def test_trust_picks_the_models_and_yardsticks_and_names_what_it_cannot_show():
    t = calibration.trust(calibration.shipped_record(), ["agents", "exchange", "no-such-model"], shipped=True)
    names = [r.model for r in t.rows]
    assert names == ["agents", "weighted-mean+conformal", "ensemble", "always-50"]
    assert any(n.startswith("exchange: scored on no issue") for n in t.notes)
    assert "no-such-model: not scored in this backtest record" in t.notes
    conformal = t.rows[1]
    assert [c.level for c in conformal.coverage] == [0.5, 0.8, 0.95]
    # the coverage interval uses the proposals (92) as the sample size, not the 237 issues
    c80 = conformal.coverage[1]
    assert (c80.lo, c80.hi) == pytest.approx(calibration.wilson(c80.observed, 92))
    assert t.groups == 92
    assert "too narrow" in calibration.verdict(t.rows[0])  # input noise alone: 7% at 80%
    assert "consistent with 80%" in calibration.verdict(conformal)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("not json", "not a JSON backtest record"),
        ('{"kind": "run"}', "kind: not a backtest record (got 'run')"),
        ('{"kind": "backtest", "scores": []}', "scores: a backtest record needs its scores"),
        ('{"kind": "backtest", "scores": [{"model": "m", "mae": "x"}]}', "scores[0].mae: a score must be"),
        ('{"kind": "backtest", "scores": [{"mae": 1}]}', "scores[0].model: each score row needs a model"),
    ],
)
def test_bad_records_name_the_file_and_field(tmp_path, text, where):
    path = tmp_path / "r.json"
    path.write_text(text)
    with pytest.raises(ScenarioError, match="r.json") as info:
        calibration.read_record(path)
    assert where in str(info.value)
    res = runner.invoke(app, ["report", "ec-emissions", "-m", "weighted-mean", "--backtest", str(path)])
    assert res.exit_code == 2 and where in res.output and "Traceback" not in res.output


def test_report_shows_a_given_record(tmp_path):
    record = tmp_path / "bt.json"
    res = runner.invoke(
        app,
        ["backtest", str(DEV), "-m", "weighted-mean", "--draws", "16", "--jobs", "1", "--out", str(record)],
    )
    assert res.exit_code == 0, res.output
    out = tmp_path / "r.html"
    args = ["report", "ec-emissions", "-m", "weighted-mean", "--draws", "0", "--backtest", str(record)]
    res = runner.invoke(app, [*args, "-o", str(out)])
    assert res.exit_code == 0, res.output
    html = out.read_text()
    assert "How far to trust this" in html and "the backtest record given" in html
    assert "EU legislation is not a peace process" in html
    section = html.split("id='trust'")[1].split("</section>")[0]
    assert "weighted-mean+conformal" in section and "Calibration: share of outcomes" in section
    shipped = json.loads(record.read_text())
    assert shipped["file"] == str(DEV)
