"""Issue units (issue 13, item 2): a scale position shown in the issue's own units."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import accord
from accord.cli import app
from accord.scenario import ScenarioError, loads_yaml

runner = CliRunner()
BASE = """
name: u
actors: [{id: A, capability: 1}, {id: B, capability: 1}]
issues: [{id: x, min: 0, max: 100, unit: UNIT}]
stances: {A: {x: {position: 10, salience: 50}}, B: {x: {position: 50, salience: 50}}}
"""


def scenario(unit: str):
    return loads_yaml(BASE.replace("UNIT", unit))


def test_a_linear_unit_maps_positions_to_amounts():
    iss = scenario("{name: US troops, per_point: 200}").issues[0]
    assert iss.unit.value(45) == 9000
    assert iss.with_units(45) == "45.0 (9,000 US troops)"
    assert iss.unit.scale_note() == "1 point = 200 US troops"


def test_an_offset_and_small_steps_keep_their_precision():
    iss = scenario("{name: '% tariff', per_point: 0.05, offset: 2}").issues[0]
    assert iss.in_units(10) == "2.50 % tariff"


def test_labelled_levels_name_the_level_a_position_sits_at_or_between():
    iss = scenario("{levels: {0: none, 30: talks-only office, 100: embassy}}").issues[0]
    assert iss.in_units(32) == "talks-only office"  # within 5% of the range
    assert iss.in_units(60) == "between talks-only office and embassy"
    assert iss.in_units(60, short=True) == ""
    assert iss.with_units(32, short=True) == "32.0"  # table cells: the legend lists the levels


@pytest.mark.parametrize(
    "unit,needle",
    [
        ("{per_point: 200}", "needs a `name`"),
        ("{name: troops}", "needs `per_point`"),
        ("{levels: {150: too far}}", "level 150 lies outside the issue range"),
        ("{name: troops, per_point: 0}", "per_point: 0"),
        ("{name: troops, per_point: 2, colour: red}", "unknown field"),
    ],
)
def test_bad_units_are_one_clear_error(unit, needle):
    with pytest.raises(ScenarioError, match="issues") as exc:
        scenario(unit)
    assert needle in str(exc.value)


def test_afghanistan_declares_its_troop_unit_from_its_note():
    sc = accord.load("afghanistan-2013")
    troops = next(i for i in sc.issues if i.id == "troops")
    assert troops.unit.per_point == 200 and troops.unit.name == "US troops"
    assert "1 point = 200 troops" in sc.note
    office = next(i for i in sc.issues if i.id == "office")
    assert office.unit.levels[30] == "talks-only office"


def test_cli_tables_and_json_show_values_in_units():
    res = runner.invoke(app, ["forecast", "afghanistan-2013", "-m", "weighted-median"])
    assert res.exit_code == 0, res.output
    assert "troops (US troops)" in res.output and "45.0 (9,000)" in res.output
    assert "unit: 1 point = 200 US troops" in res.output
    data = json.loads(
        runner.invoke(app, ["forecast", "afghanistan-2013", "-m", "weighted-median", "--json"]).output
    )
    troops = next(i for i in data["issues"] if i["issue"] == "troops")
    assert troops["value_in_units"]["weighted-median"] == 9000
    assert troops["in_units"]["weighted-median"] == "9,000 US troops"


def test_montecarlo_intervals_carry_units(tmp_path):
    res = runner.invoke(app, ["montecarlo", "afghanistan-2013", "--draws", "30", "--no-store", "-q"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    k = next(k for k, ln in enumerate(lines) if "│ troops" in ln)
    assert "(US troops)" in lines[k + 1] and "(8," in lines[k + 1]  # the median in troops, under it
    assert lines[k + 1].count("(") == 5 and "…" not in lines[k + 1]  # and each interval
