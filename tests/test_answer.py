"""The answer first (issue 13, items 1, 3, 4): deal branches with their probabilities, dates and
terms; intervals that contain their point or say why not; what-ifs per branch; why the models
disagree; the forecast command and the report lead with the same block."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest
from typer.testing import CliRunner

import accord
from accord.analysis.answer import deal_answer, point_in_interval, whatif_effects
from accord.analysis.disagree import disagreements
from accord.analysis.montecarlo import MonteCarloResult
from accord.cli import app
from accord.report import collect, render

runner = CliRunner()


def _mc(agreement, full, rounds, forecasts, **extra):
    ex = {
        "agreement": np.array(agreement),
        "full_agreement": np.array(full),
        "agreement_round": np.array(rounds, float),
    }
    ex.update(extra)
    return MonteCarloResult(("x",), np.array(forecasts, float)[:, None], ex, {"model": "agents"})


@pytest.fixture(scope="module")
def afg():
    return accord.load("afghanistan-2013")


def test_branches_split_the_draws_and_summarise_each_on_its_own(afg):
    # 10 draws: 3 full deals at 70, 5 partial deals at 40, 2 without a deal at 0 (the no-deal point)
    agreement = [1] * 8 + [0] * 2
    full = [1] * 3 + [0] * 7
    rounds = [10, 12, 14, 20, 22, 24, 26, 28, np.nan, np.nan]
    forecasts = [70] * 3 + [40] * 5 + [0] * 2
    ans = deal_answer(afg, _mc(agreement, full, rounds, forecasts))
    assert ans.p_full == pytest.approx(0.3) and ans.p_any == pytest.approx(0.8)
    full_b, partial_b, none_b = (ans.branch(k) for k in ("full", "partial", "none"))
    assert (full_b.n, partial_b.n, none_b.n) == (3, 5, 2)
    assert full_b.terms["x"][1] == 70 and partial_b.terms["x"][1] == 40 and none_b.terms["x"][1] == 0
    assert full_b.when["round_median"] == 12 and partial_b.when["round_median"] == 24
    assert full_b.when["date_median"] == afg.date_of(12).isoformat()
    assert np.median(forecasts) == 40  # the one median would hide the 30% full-deal branch


def test_a_per_coalition_table_is_used_when_the_engine_reports_one(afg):
    coalition = np.array(["USA+AFG+TAL"] * 2 + ["USA+AFG"] * 6 + [""] * 2)
    ans = deal_answer(
        afg,
        _mc(
            [1] * 8 + [0] * 2,
            [1] * 2 + [0] * 8,
            [5] * 8 + [np.nan] * 2,
            [50] * 10,
            coalition=coalition,
            failure=np.array([""] * 8 + ["walk-out", "deadline"]),
        ),
    )
    assert ans.by_coalition
    labels = [b.label for b in ans.branches]
    assert "USA, AFG sign without TAL" in labels and any("(all required)" in x for x in labels)
    assert ans.p_full == pytest.approx(0.2) and ans.p_any == pytest.approx(0.8)
    assert ans.failure_causes == {"walk-out": 0.1, "deadline": 0.1}


def test_the_engines_signatory_matrix_and_cause_indices_are_read(afg):
    n = len(afg.actors)
    usa, afg_, tal = (afg.actor_ids.index(a) for a in ("USA", "AFG", "TAL"))
    signed = np.zeros((4, n), bool)
    signed[0, [usa, afg_, tal]] = True  # a full agreement
    signed[1:3, [usa, afg_]] = True  # a deal without the Taliban
    failure = np.array([-1, 1, 1, 5])  # indices into the engine's causes
    ans = deal_answer(
        afg, _mc([1, 1, 1, 0], [1, 0, 0, 0], [3, 4, 5, np.nan], [1, 2, 3, 4], signed=signed, failure=failure)
    )
    assert ans.by_coalition and ans.p_full == pytest.approx(0.25) and ans.p_any == pytest.approx(0.75)
    assert "USA, AFG sign without TAL" in [b.label for b in ans.branches]
    assert sum(ans.failure_causes.values()) == pytest.approx(0.75)


def test_a_point_outside_its_interval_is_flagged_with_the_reason():
    draws = np.r_[np.full(90, 50.0), np.full(10, 40.0)]
    assert point_in_interval(50.0, draws, 45.0, 55.0, 100) is None
    why = point_in_interval(39.3, draws, 46.1, 64.8, 100)
    assert "lies below its 80% interval 46.1-64.8" in why and "10%" in why


def test_whatif_effects_are_paired_per_branch_and_ranked(afg):
    base = {"agreement": np.array([1, 1, 1, 1]), "full_agreement": np.array([0, 0, 0, 0])}
    reopen = {"agreement": np.array([1, 1, 1, 1]), "full_agreement": np.array([1, 1, 0, 0])}
    walk = {"agreement": np.array([1, 1, 0, 0]), "full_agreement": np.array([0, 0, 0, 0])}
    f = np.array([[10.0], [20.0], [30.0], [40.0]])
    comparison = SimpleNamespace(
        names=("base", "walk", "reopen"),
        issues=("troops",),
        extra={"base": base, "walk": walk, "reopen": reopen},
        forecasts={"base": f, "walk": f + np.array([[0.0], [0.0], [-30.0], [-40.0]]), "reopen": f + 5},
    )
    rows = whatif_effects(comparison, afg)
    by = {r["variant"]: r for r in rows}
    assert by["reopen"]["d_full"] == pytest.approx(0.5) and by["reopen"]["d_any"] == 0
    assert by["walk"]["d_any"] == pytest.approx(-0.5)
    assert by["reopen"]["terms"]["troops"]["full"] == (None, 20.0)  # no full deal in the base
    assert by["walk"]["terms"]["troops"]["none"] == (None, 0.0)


def test_disagreements_name_the_models_and_why(afg):
    forecasts = {
        m: dict(zip(r.forecast.issue, r.forecast.forecast, strict=False))
        for m in ("weighted-mean", "weighted-median", "nash", "status-quo")
        for r in [accord.forecast(afg, m)]
    }
    lines = {d["issue"]: d["line"] for d in disagreements(afg, forecasts)}
    assert lines["troops"].startswith("troops: nash, status-quo 0 vs the other models 41-45")
    assert "nash stays at the status quo 0" in lines["troops"] and "TAL" in lines["troops"]
    assert "weighted-mean splits the differences" in lines["constitution"]


def test_forecast_leads_with_the_answer_including_the_simulator_by_default(tmp_path):
    res = runner.invoke(
        app, ["forecast", "afghanistan-2013", "--draws", "64", "--whatif-draws", "32", "--no-store"]
    )
    assert res.exit_code == 0, res.output
    out = " ".join(res.output.split())
    assert out.startswith("ANSWER")
    first_table = out.index("point forecast per issue")
    for needle in (
        "Deal by the deadline (2014-12-31, round 82)",
        "[agents, 64 draws]",
        "sign without TAL: P = ",
        "no full agreement because",
        "partial deal",
        "P = ",
        "likely 201",
        "US troops)",
        "Most pivotal actors",
        "[weighted-mean: Shapley share of the move from the status quo to",  # every issue has one
        "What-ifs that move the answer most",
        "doha-office-reopens: P(full agreement)",
        "Where the models disagree, and why",
    ):
        assert needle in out[:first_table], needle
    assert "agents" in out[first_table:]  # the simulator's point forecast is in the table too


def test_forecast_without_a_negotiation_says_so_and_all_runs_every_model():
    res = runner.invoke(app, ["forecast", "ec-emissions", "--draws", "32", "--no-store"])
    assert res.exit_code == 0, res.output
    out = " ".join(res.output.split())
    assert "Not forecast: the scenario has no `negotiation`" in out
    # its one issue has no status quo: the Shapley shares start at mid-scale, and the line says so
    assert "Shapley share of the move from mid-scale (no status quo set) to the forecast" in out


def test_report_opens_with_the_answer_ends_with_assumptions_one_small_bundle(afg):
    data = collect(
        afg, ["agents", "weighted-mean", "nash"], draws=24, seed=0, answer_draws=48, whatif_draws=16
    )
    assert data.pivotal_model == "weighted-mean"  # the chosen model, not the alphabetically first
    html = render(data)
    sections = re.findall(r"<section id='(\w+)'>", html)
    assert sections[0] == "answer" and sections[-1] == "assumptions"
    assert (
        html.count("<script type='text/javascript'>") == 1 and html.count("plotly.js (basic - minified)") == 1
    )
    assert len(html.encode()) <= 1.5e6
    answer = html[html.index("<section id='answer'>") : html.index("<section id='forecast'>")]
    assert "full agreement" in answer and "US troops" in answer and "doha-office-reopens" in answer
    # the agreement chart has a curve per coalition the engine reports (or full / partial without them)
    assert (
        "sign by then)" in html or "P(full agreement by then)" in html
    ) and "Branches of the agents outcome" in html


def test_whatif_table_says_what_base_is_and_shows_each_branch():
    res = runner.invoke(
        app,
        [
            "whatif",
            "afghanistan-2013",
            "doha-office-reopens",
            "-m",
            "agents",
            "--draws",
            "48",
            "--no-store",
            "-q",
        ],
    )
    assert res.exit_code == 0, res.output
    out = " ".join(res.output.split())
    assert (
        "point: the unperturbed scenario's forecast" in out
        and "base median: the median of the base's 48" in out
    )
    assert "doha-office-reopens: full deal" in out and "doha-office-reopens: partial deal" in out
    assert "per branch: probability and median terms within the branch" in out


def test_report_says_why_a_point_forecast_lies_outside_its_interval(afg):
    # The SMP's talks forecast (39.3) falls outside its own Monte Carlo interval (issue 13)
    data = collect(afg, ["smp"], draws=60, seed=0, answer_draws=60, whatif_draws=0)
    note = next(n for n in data.interval_notes if n.startswith("smp, talks"))
    assert "39.3 lies below its 80% interval" in note and "one branch of several" in note
    assert "smp, talks: the point forecast 39.3" in render(data)


def test_forecast_json_carries_the_answer():
    import json

    res = runner.invoke(
        app, ["forecast", "afghanistan-2013", "--draws", "32", "--whatif-draws", "0", "--json", "--no-store"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert "agents" in data["models"]
    deal = data["answer"]["deal"]
    assert deal["model"] == "agents" and deal["draws"] == 32
    assert deal["p_any"] == pytest.approx(data["p_agreement"]) and 0 <= deal["p_full"] <= deal["p_any"]
    assert [s["title"] for s in data["answer"]["sections"]][0].startswith("Deal by the deadline")
