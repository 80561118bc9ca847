"""Every reader round-trips, and KTAB imports hold exactly the numbers in the raw files."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from conftest import KTAB

import accord
from accord.scenario import ScenarioError, dumps_yaml, load, loads_json, loads_yaml, save

KTAB_CSVS = sorted(p.name for p in KTAB.glob("*.csv"))
EXAMPLES = ["afghanistan-2013", "ec-emissions"]


def test_all_ktab_files_listed():
    assert "dummyData_3Dim-no-final-comma.csv" in KTAB_CSVS and len(KTAB_CSVS) == 9


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json"])
def test_document_formats_round_trip(tmp_path, name, suffix):
    scen = load(name)
    back = load(save(scen, tmp_path / f"s{suffix}"))
    assert back == scen
    assert back.content_hash() == scen.content_hash()


@pytest.mark.parametrize("name", EXAMPLES)
def test_text_round_trip_in_memory(name):
    scen = load(name)
    assert loads_yaml(dumps_yaml(scen)) == scen
    assert loads_json(scen.model_dump_json()) == scen


def _table_view(scen: accord.Scenario) -> dict:
    """What the long table holds: actors (id, name, capability), issues and stances."""
    return {
        "actors": [(a.id, a.name, a.capability) for a in scen.actors],
        "issues": [(i.id, i.name, i.min, i.max, i.min_label, i.max_label, i.status_quo) for i in scen.issues],
        "stances": {
            a: {i: (s.position, s.salience, s.source) for i, s in row.items()}
            for a, row in scen.stances.items()
        },
    }


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_table_round_trip(tmp_path, name, suffix):
    scen = load(name)
    back = load(save(scen, tmp_path / f"s{suffix}"))
    assert back.name == scen.name
    # actors are listed in the order they first appear on the rows; compare as sets for order only
    view, back_view = _table_view(scen), _table_view(back)
    assert sorted(back_view["actors"]) == sorted(view["actors"])
    assert back_view["issues"] == view["issues"]
    assert back_view["stances"] == view["stances"]
    assert back.relations == [] and back.events == []  # the table holds no relations or events


def test_table_csv_is_the_documented_long_layout(tmp_path):
    path = save(load("ec-emissions"), tmp_path / "ec.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("actor,issue,position,salience,capability")
    assert lines[1].startswith("NL,emissions,4.0,80.0,0.08")
    assert len(lines) == 1 + 10


# ---- KTAB -----------------------------------------------------------------------------------------


def _raw_ktab_csv(path) -> tuple[int, int, list[list[str]]]:
    """Line 1's counts and the actor rows, split by hand (trailing empty fields dropped)."""
    lines = [ln for ln in path.read_text(encoding="utf-8-sig").splitlines() if ln.strip()]
    head = [c.strip() for c in lines[0].split(",")]
    rows = []
    for line in lines[2:]:
        cells = [c.strip() for c in line.split(",")]
        while cells and not cells[-1]:
            cells.pop()
        rows.append(cells)
    return int(head[2]), int(head[3]), rows


@pytest.mark.parametrize("name", KTAB_CSVS)
def test_ktab_csv_values_match_raw_lines(name):
    path = KTAB / name
    n_actors, n_dims, rows = _raw_ktab_csv(path)
    scen = load(path)
    assert len(scen.actors) == n_actors == len(rows)
    assert len(scen.issues) == n_dims
    for actor, cells in zip(scen.actors, rows, strict=False):
        assert actor.id == cells[0] and actor.description == cells[1]
        assert actor.capability == float(cells[2])
        for k, issue in enumerate(scen.issue_ids):
            stance = scen.stances[actor.id][issue]
            assert stance.position == float(cells[3 + 2 * k])
            assert stance.salience == float(cells[4 + 2 * k])


def test_ktab_csv_issue_names_from_headers():
    scen = load(KTAB / "SOE-Pol-Comp.csv")
    assert scen.issue_ids == ["Policy", "Competitive"]
    assert load(KTAB / "dummyData_6Dim.csv").issue_ids == [f"Dim{k}" for k in range(6)]


def test_trailing_comma_makes_no_difference():
    with_comma = load(KTAB / "dummyData_3Dim.csv")
    without = load(KTAB / "dummyData_3Dim-no-final-comma.csv")
    assert _table_view(with_comma)["stances"] == _table_view(without)["stances"]
    assert [a.capability for a in with_comma.actors] == [a.capability for a in without.actors]


def test_ktab_xml_values_match_raw_file():
    path = KTAB / "dummyData_3Dim.xml"
    root = ET.fromstring(path.read_bytes())
    scen = load(path)
    raw_actors = root.findall("./Actors/Actor")
    assert [a.id for a in scen.actors] == [el.findtext("name") for el in raw_actors]
    for actor, el in zip(scen.actors, raw_actors, strict=False):
        assert actor.capability == float(el.findtext("capability"))
        pos = [float(c.text) for c in el.findall("./Position/dCoord")]
        sal = [float(c.text) for c in el.findall("./Salience/dSal")]
        assert [scen.stances[actor.id][i].position for i in scen.issue_ids] == pos
        assert [scen.stances[actor.id][i].salience for i in scen.issue_ids] == sal
    seed = re.search(r"<prngSeed>(\d+)</prngSeed>", path.read_text(encoding="utf-8-sig")).group(1)
    assert scen.models["smp"]["seed"] == int(seed)


def test_ktab_xml_agrees_with_its_csv():
    xml, csv = load(KTAB / "dummyData_3Dim.xml"), load(KTAB / "dummyData_3Dim.csv")
    assert _table_view(xml)["stances"] == _table_view(csv)["stances"]
    assert [a.capability for a in xml.actors] == [a.capability for a in csv.actors]


def test_ktab_import_round_trips_through_yaml(tmp_path):
    scen = load(KTAB / "dummyData_3Dim.xml")
    back = load(save(scen, tmp_path / "ktab.yaml"))
    assert back == scen and back.models["smp"]["seed"] == scen.models["smp"]["seed"]


def test_smp_example_empty_coordinate_is_refused():
    path = KTAB / "smpExample.xml"
    raw = path.read_text(encoding="utf-8-sig")
    assert "<name>Alice</name>" in raw and "<dCoord></dCoord>" in raw
    with pytest.raises(ScenarioError) as info:
        load(path)
    message = str(info.value)
    for fragment in (str(path), "Alice", "dCoord[1]", "empty coordinate", "allowed: a number"):
        assert fragment in message, message


def test_yaml_keeps_line_break_characters_and_zero_signs():
    """Found by the hypothesis tests: YAML folds NEL/LS/CR in plain text, and -0.0 hashed apart from 0.0."""
    data = load("ec-emissions").model_dump()
    data["actors"][0]["name"] = "Nether\x85lands\u2028\r\n"
    data["relations"] = [{"actors": ["NL", "BE"], "alignment": -0.0}]
    scen = accord.Scenario.model_validate(data)
    back = loads_yaml(dumps_yaml(scen))
    assert back.actors[0].name == "Nether\x85lands\u2028\r\n"
    assert back == scen and back.content_hash() == scen.content_hash()
