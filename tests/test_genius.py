"""GENIUS domains and linear additive profiles in and out (scenario/genius.py, genius_export.py).

tests/data/genius/holiday is a small domain written for these tests in the GENIUS format: one
discrete issue with labelled values, an integer range with a linear evaluator given both ways
GENIUS writes it (utilityLowestValue/utilityHighestValue and slope/offset) and a real range with
a linear evaluator (parameter0 + parameter1 x), weights, a reservation value and a discount factor.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from accord.models.agents import AgentsModel
from accord.models.agents.utility import unit_weights, utility
from accord.scenario import ScenarioError, load, save, to_arrays
from accord.scenario.genius import parse_xml, read_domain, read_profile

HOLIDAY = Path(__file__).parent / "data" / "genius" / "holiday"


def parsed(folder: Path) -> tuple[list, dict]:
    """The domain's issues and every profile as read from the files (not through a scenario)."""
    domain = next(
        p for p in folder.glob("*.xml") if parse_xml(p.read_text(), str(p)).tag == "negotiation_template"
    )
    issues = read_domain(parse_xml(domain.read_text(), str(domain)), str(domain))
    profiles = {
        p.name: read_profile(parse_xml(p.read_text(), str(p)), issues, str(p))
        for p in sorted(folder.glob("*.xml"))
        if p != domain
    }
    return issues, profiles


def test_import_by_hand():
    sc = load(HOLIDAY)
    assert sc.actor_ids == ["alice", "bob"]
    dest, days, budget = sc.issues
    assert (dest.min, dest.max, dest.min_label, dest.max_label) == (0, 2, "Beach", "City")
    assert (days.min, days.max, budget.min, budget.max) == (3, 14, 500, 2000)
    alice, bob = sc.stances["alice"], sc.stances["bob"]
    # alice: Beach (8 of 8), 14 days (0.1 -> 1.0 rising), budget 500 (1.333 - x/1500 falling)
    assert [alice[i].position for i in ("Destination", "Days", "Budget")] == [0, 14, 500]
    # bob: Mountains and City tie at 3: the first listed; 1.1 - 0.05 days falls; 0.0005 x rises
    assert [bob[i].position for i in ("Destination", "Days", "Budget")] == [1, 3, 2000]
    assert [alice[i].salience for i in ("Destination", "Days", "Budget")] == [50, 30, 20]
    assert sc.actors[0].params == {"reservation": 0.25, "discount": 0.9}
    assert sc.actors[1].params == {"reservation": 0.4}


def test_round_trip_keeps_every_weight_and_value(tmp_path):
    save(load(HOLIDAY), tmp_path / "out")
    assert parsed(tmp_path / "out") == parsed(HOLIDAY)


def test_round_trip_through_yaml(tmp_path):
    save(load(HOLIDAY), tmp_path / "holiday.yaml")
    save(load(tmp_path / "holiday.yaml"), tmp_path / "again")
    assert parsed(tmp_path / "again") == parsed(HOLIDAY)


def test_loading_the_domain_file_reads_its_profiles():
    assert load(HOLIDAY / "holiday.xml") == load(HOLIDAY)


def test_edited_stance_is_written_from_accord(tmp_path):
    """A stance moved away from the file's best value no longer matches the kept evaluator, so the
    party's evaluator is accord's 1 - |x - ideal| / range, its weight the salience share."""
    data = load(HOLIDAY).model_dump(mode="json", exclude_none=True)
    data["stances"]["bob"]["Destination"] = {"position": 2, "salience": 40}
    from accord.scenario import Scenario

    save(Scenario.model_validate(data), tmp_path / "edited")
    _, profiles = parsed(tmp_path / "edited")
    assert profiles["bob.xml"]["evaluators"]["Destination"] == [0.0, 0.5, 1.0]
    assert profiles["bob.xml"]["weights"] == pytest.approx(
        {"Destination": 40 / 120, "Days": 20 / 120, "Budget": 60 / 120}
    )
    assert profiles["alice.xml"] == parsed(HOLIDAY)[1]["alice.xml"]


def test_export_afghanistan_one_profile_per_party(tmp_path):
    sc = load("afghanistan-2013")
    save(sc, tmp_path / "afg")
    files = sorted(p.name for p in (tmp_path / "afg").glob("*.xml"))
    assert files == sorted([f"{a}.xml" for a in sc.actor_ids] + ["afghanistan-2013.xml"])
    back = load(tmp_path / "afg")
    assert back.issue_ids == sc.issue_ids and back.actor_ids == sorted(sc.actor_ids)  # GENIUS: files by name
    order = [back.actor_ids.index(a) for a in sc.actor_ids]
    a0, a1 = to_arrays(sc), to_arrays(back)
    a1 = a1.with_values(position=a1.position[order], salience=a1.salience[order])
    np.testing.assert_array_equal(a1.position, a0.position)  # every ideal is one of the levels
    np.testing.assert_allclose(
        unit_weights(a1.salience, a1.hi - a1.lo), unit_weights(a0.salience, a0.hi - a0.lo), rtol=1e-12
    )
    # on the levels the profiles give every party accord's own utility
    issues, profiles = parsed(tmp_path / "afg")
    k = 3
    point = np.array([float(i["values"][k]) for i in issues])
    unit = unit_weights(a0.salience, a0.hi - a0.lo)
    for n, aid in enumerate(sc.actor_ids):
        prof = profiles[f"{aid}.xml"]
        u = sum(prof["weights"][i["name"]] * prof["evaluators"][i["name"]][k] for i in issues)
        ideal = np.nan_to_num(a0.position[n])  # no stance: weight 0
        assert u == pytest.approx(utility(ideal, unit[n], None, point), abs=1e-12)
        assert prof["reservation"] == sc.actors[n].params["reservation"]


def test_sao_plays_a_genius_domain():
    """Alice opens with her best outcome (Beach, 14 days, 500: every other is more than 0.001 below
    it). Bob values it with his own evaluators: Beach 1 of 3, 1.1 - 0.05 x 14 days, 0.0005 x 500."""
    res = AgentsModel(protocol="sao").run(load(HOLIDAY), 0)
    assert res.info["outcome"]["protocol"] == "sao"
    offers = res.tables["offers"]
    bob = offers[offers["receiver"] == "bob"].iloc[0]
    alice_first = (0.0, 14.0, 500.0)  # her best outcome, on the levels of each issue
    assert (bob["Destination"], bob["Days"], bob["Budget"]) == alice_first
    assert bob["value"] == pytest.approx(
        0.2 * (1 / 3) + 0.2 * (1.1 - 0.05 * 14) + 0.6 * (0.0005 * 500), abs=1e-12
    )


def bad(tmp_path: Path, name: str, old: str, new: str) -> Path:
    folder = tmp_path / "bad"
    shutil.copytree(HOLIDAY, folder)
    path = folder / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return folder


@pytest.mark.parametrize(
    "name, old, new, message",
    [
        ("alice.xml", 'ftype="linear" parameter0', 'ftype="triangular" parameter0', "'triangular'"),
        ("alice.xml", "<utility_space>", '<utility_space type="nonlinear">', "nonlinear utility space"),
        ("alice.xml", '<weight index="1" value="0.5"/>', '<hyperRectangle utility="1"/>', "<hyperRectangle>"),
        ("alice.xml", '<weight index="1" value="0.5"/>', "", "without a weight"),
        ("alice.xml", 'value="Beach" evaluation="8"', 'value="Lake" evaluation="8"', "does not list"),
        ("alice.xml", 'evaluation="4"', 'evaluation="four"', "not a number"),
        ("alice.xml", '<reservation value="0.25"/>', '<reservation value="1.5"/>', "out of range"),
        ("holiday.xml", 'etype="integer" type="integer"', 'etype="set" type="set"', "unsupported issue type"),
        ("holiday.xml", 'lowerbound="3" upperbound="14"', 'lowerbound="14" upperbound="3"', "upperbound"),
        ("holiday.xml", "</objective>", "<objective name='sub'/></objective>", "nested objectives"),
        ("bob.xml", "</utility_space>", "", "not well-formed XML"),
    ],
)
def test_bad_files_get_one_clear_error(tmp_path, name, old, new, message):
    with pytest.raises(ScenarioError, match=message.replace("(", r"\(")) as err:
        load(bad(tmp_path, name, old, new))
    assert name in str(err.value) or name == "holiday.xml" and "holiday" in str(err.value)


def test_risk_averse_party_is_not_exported(tmp_path):
    data = load("afghanistan-2013").model_dump(mode="json", exclude_none=True)
    data["actors"][0]["params"]["risk"] = 2.0
    from accord.scenario import Scenario

    with pytest.raises(ScenarioError, match="risk"):
        save(Scenario.model_validate(data), tmp_path / "afg")


def test_cli_convert_both_ways(tmp_path):
    def accord(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "accord", *args], capture_output=True, text=True, check=False
        )

    out = accord("convert", str(HOLIDAY), str(tmp_path / "h.yaml"))
    assert out.returncode == 0, out.stderr
    out = accord("convert", str(tmp_path / "h.yaml"), str(tmp_path / "h-genius"))
    assert out.returncode == 0, out.stderr
    assert parsed(tmp_path / "h-genius") == parsed(HOLIDAY)
    broken = bad(tmp_path, "alice.xml", 'ftype="linear" parameter0', 'ftype="triangular" parameter0')
    out = accord("convert", str(broken), str(tmp_path / "x.yaml"))
    assert out.returncode == 2 and "triangular" in out.stdout + out.stderr and "Traceback" not in out.stderr
