"""The HTML report and its figures: hand-worked figure data, sections, no CDN, the CLI command."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from accord.cli import app
from accord.report import collect, figures, render
from accord.report.assumptions import assumptions_table
from accord.scenario import load, loads_yaml

SMALL = """
name: small
start: 2013-06-01
round_days: 7
deadline: {date: 2013-07-27, source: the summit}
actors:
- {id: A, capability: 10, source: army size}
- {id: B, capability: 40}
issues:
- {id: tax, min: 0, max: 100, status_quo: 20, source: the law as it stands}
stances:
  A: {tax: {position: 10, salience: 50, source: A's manifesto}}
  B: {tax: {position: 60, salience: 80}}
events:
- {type: shock, round: 2, issue: tax, size: 5, description: riots}
- {type: position_shift, date: 2013-06-29, actor: A, issue: tax, by: 10, description: A moves}
"""


@pytest.fixture()
def small():
    return loads_yaml(SMALL)


def test_forecast_figure_puts_each_model_at_its_forecast_with_its_interval(small):
    forecast = pd.DataFrame({"issue": ["tax"], "forecast": [42.0]})
    summary = pd.DataFrame({"issue": ["tax"], "p2_5": [30.0], "p10": [35.0], "p90": [50.0], "p97_5": [55.0]})
    fig = figures.forecast_figure(
        small, {"m1": forecast, "m2": forecast.assign(forecast=20.0)}, {"m1": summary}
    )
    markers = {t.name: t for t in fig.data if t.mode == "markers"}
    assert markers["m1"].x == (42.0,) and markers["m2"].x == (20.0,)
    assert markers["m1"].error_x.array == (13.0,) and markers["m1"].error_x.arrayminus == (12.0,)
    band = [t for t in fig.data if t.mode == "lines"]
    assert len(band) == 1 and band[0].x == (35.0, 50.0)  # only m1 has an 80% band


def test_position_map_sizes_markers_by_capability_and_places_salience(small):
    fig = figures.position_map_figure(small)
    by_actor = {t.name: t for t in fig.data}
    assert by_actor["A"].x == (10.0,) and by_actor["A"].y == (50.0,)
    assert by_actor["B"].y == (80.0,)
    # area grows with capability: B has four times A's capability, so twice the marker diameter's growth
    assert by_actor["B"].marker.size == pytest.approx(50) and by_actor["A"].marker.size == pytest.approx(30)


def test_agreement_curve_is_the_cumulative_share_of_draws_by_round(small):
    rounds = np.array([2, 5, np.nan, 5])
    fig = figures.agreement_figure(small, rounds)
    curve = fig.data[0]
    # deadline 27 July = round 8; dates every 7 days from 1 June
    assert len(curve.x) == 9 and str(curve.x[0]) == "2013-06-01" and str(curve.x[8]) == "2013-07-27"
    assert list(curve.y) == [0, 0, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75]
    events = fig.data[1]
    assert [str(x) for x in events.x] == ["2013-06-15", "2013-06-29"]  # rounds 2 and 4
    assert list(events.y) == [0.25, 0.25]
    assert "riots" in events.text[0] and "A moves" in events.text[1]


def test_trajectory_and_pivotal_figures_carry_the_data(small):
    history = pd.DataFrame(
        {
            "round": [0, 1, 0, 1],
            "actor": ["A", "A", "B", "B"],
            "issue": "tax",
            "position": [10.0, 30.0, 60.0, 50.0],
        }
    )
    fig = figures.trajectory_figure(small, history)
    assert {t.name: list(t.y) for t in fig.data} == {"A": [10.0, 30.0], "B": [60.0, 50.0]}
    pivotal = pd.DataFrame(
        {"actor": ["A", "B"], "issue": "tax", "method": "remove", "effect": [-3.0, 8.0], "rank": [2, 1]}
    )
    bars = figures.pivotal_figure(pivotal).data[0]
    assert list(bars.x) == ["B", "A"] and list(bars.y) == [8.0, 3.0]


def test_assumptions_list_every_input_with_its_source(small):
    table = assumptions_table(small)
    rows = {(r.item, r.input): (r.value, r.source) for r in table.itertuples()}
    assert rows[("A", "capability")] == (10.0, "army size")
    assert rows[("B", "capability")] == (40.0, "")
    assert rows[("A on tax", "position")] == (10.0, "A's manifesto")
    assert rows[("B on tax", "salience")] == (80.0, "")
    assert rows[("tax", "status quo")] == (20.0, "the law as it stands")
    assert ("deadline", "date / rounds") in rows and rows[("deadline", "date / rounds")][1] == "the summit"
    assert sum(table["group"] == "event") == 2


def test_report_has_every_section_no_remote_reference_and_one_plotly_bundle(small):
    html = render(collect(small, ["weighted-mean", "weighted-median"], draws=0))
    for section in ("forecast", "positions", "trajectories", "pivotal", "agreement", "assumptions", "notes"):
        assert f"<section id='{section}'>" in html
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)\s*=\s*['\"]?(https?:)?//", html, re.I)
    assert html.count("<script type='text/javascript'>") == 1  # the inlined plotly.js
    assert html.count("Plotly.newPlot(") >= 2
    assert "Monte Carlo was switched off" in html and "A&#x27;s manifesto" in html


def test_a_model_that_cannot_run_is_noted_not_fatal():
    data = collect(load("ec-emissions"), ["weighted-mean", "nash"], draws=0)
    assert list(data.results) == ["weighted-mean"]
    assert "status quo" in data.skipped["nash"]
    assert "nash not run" in render(data)


def test_cli_report_writes_the_file_and_prints_its_path(tmp_path):
    target = tmp_path / "out" / "ec.html"
    res = CliRunner().invoke(
        app, ["report", "ec-emissions", "-m", "weighted-mean", "--draws", "0", "-o", str(target)]
    )
    assert res.exit_code == 0, res.output
    assert str(target.resolve()) in res.output.replace("\n", "")
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in target.parent.iterdir()] == ["ec.html"]  # no temporary left behind


def test_cli_report_rejects_an_unknown_model_with_exit_code_2(tmp_path):
    res = CliRunner().invoke(app, ["report", "ec-emissions", "-m", "oracle", "-o", str(tmp_path / "r.html")])
    assert res.exit_code == 2 and "weighted-mean" in res.output
    assert not (tmp_path / "r.html").exists()


def test_monte_carlo_intervals_and_pivotal_actors_are_wired_in():
    sc = load("ec-emissions")
    data = collect(sc, ["weighted-mean"], draws=40, seed=3)
    summary = data.intervals["weighted-mean"].set_index("issue").loc["emissions"]
    forecast = data.results["weighted-mean"].forecast_of("emissions")
    assert (
        sc.issues[0].min
        <= summary["p2_5"]
        <= summary["p10"]
        <= summary["p90"]
        <= summary["p97_5"]
        <= sc.issues[0].max
    )
    assert summary["p2_5"] <= forecast <= summary["p97_5"]
    assert set(data.pivotal["actor"]) == set(sc.actor_ids) and data.pivotal_model == "weighted-mean"
    # By hand from ec-emissions.yaml: weights capability x salience sum to 67.7 and pull 500.3 points; Denmark
    # (4 years, 0.05 x 100 = 5.0) pulls the mean towards 4: without it the mean is 480.3 / 62.7.
    assert forecast == pytest.approx(500.3 / 67.7, abs=1e-9)
    removed = data.pivotal.query("method == 'remove'").set_index("actor")["effect"]
    assert removed["DK"] == pytest.approx(500.3 / 67.7 - 480.3 / 62.7, abs=1e-9)  # -0.270
    assert removed["DK"] < 0 and removed["UK"] > 0  # the 4-year camp pulls down, the 10-year camp up
    html = render(data)
    assert (
        "(80%: " in html and "Not available: intervals" not in html and "Not available: pivotal" not in html
    )


def test_agents_model_gives_the_agreement_curve(small):
    data = collect(small, ["agents"], draws=20, seed=1)
    assert "agreement" not in data.missing, data.missing
    html = render(data)
    assert "Probability of agreement over time (20 draws" in html


def test_legends_list_every_actor_also_one_without_a_stance_on_the_first_issue():
    from accord.report.figures import position_map_figure, trajectory_figure

    sc = loads_yaml(
        "name: two\nactors: [{id: A, capability: 1}, {id: B, capability: 1}]\nissues: [{id: x}, {id: y}]\n"
        "stances: {A: {x: {position: 10, salience: 50}}, B: {y: {position: 90, salience: 50}}}\n"
    )
    history = pd.DataFrame(
        {"round": [0, 0], "actor": ["A", "B"], "issue": ["x", "y"], "position": [10.0, 90.0]}
    )
    for fig in (position_map_figure(sc), trajectory_figure(sc, history)):
        assert sorted(t.name for t in fig.data if t.showlegend is not False) == ["A", "B"]


def test_the_assumptions_list_every_number_an_event_was_given_from_its_declared_fields():
    table = assumptions_table(load("afghanistan-2013")).set_index("item")
    # a shock that changes capability (not size): the number the scenario gave is what the table shows
    assert table.loc["drawdown-to-34000", "value"] == "capability=-0.3"
    assert table.loc["ramadan-attacks", "value"] == "size=0.15, probability=0.6"
    assert table.loc["zero-option", "value"] == "consequence=0, credibility=0.5"
