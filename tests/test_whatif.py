"""What-if: the patch format, its errors, the shipped variants and paired comparisons."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml
from analysis_helpers import three_actors
from typer.testing import CliRunner

from accord.analysis.montecarlo import NoiseSpec
from accord.analysis.patch import Patch, apply_patch, load_patch, shipped_patches
from accord.analysis.whatif import compare
from accord.cli import app
from accord.errors import ScenarioError
from accord.models import make_model
from accord.scenario import load

NONE = NoiseSpec(position_sd=0, salience_sd=0, capability_sd=0)


@pytest.fixture(scope="module")
def afg():
    return load("afghanistan-2013")


def _get(sc, path):
    data = sc.model_dump(mode="json")
    node = data
    for part in path.split("."):
        if isinstance(node, list):
            node = next(
                x for x in node if x.get("id") == part or set(x.get("actors", ())) == set(part.split(","))
            )
        else:
            node = node[part]
    return node


def test_shipped_variants_apply_and_set_what_they_say(afg):
    shipped = shipped_patches()
    assert {
        "taliban-walk-out",
        "zero-option-executed",
        "pakistan-presses-taliban",
        "doha-office-reopens",
    } <= set(shipped)
    for name, path in shipped.items():
        raw = yaml.safe_load(path.read_text())
        variant = apply_patch(afg, load_patch(name))
        for dotted, value in raw.get("set", {}).items():
            assert _get(variant, dotted) == value, (name, dotted)
        added = {e["id"] for e in raw.get("add_events", [])}
        assert added <= {e.id for e in variant.events}
        assert len(variant.events) == len(afg.events) + len(added)


def test_errors_name_the_file_path_value_and_allowed(afg, tmp_path):
    def fails(patch: dict, *needles: str) -> None:
        f = tmp_path / "p.yaml"
        f.write_text(yaml.safe_dump(patch))
        with pytest.raises(ScenarioError) as err:
            apply_patch(afg, load_patch(f))
        for needle in (str(f), *needles):
            assert needle in str(err.value)

    fails(
        {"name": "p", "set": {"stances.XYZ.troops.position": 5}},
        "set.stances.XYZ.troops.position",
        "no stances for 'XYZ'",
        "allowed: USA, AFG",
    )
    fails({"name": "p", "set": {"actors.USA.strength": 5}}, "no field 'strength'", "capability")
    fails(
        {"name": "p", "set": {"channels.nowhere.open": True}}, "no channel with id 'nowhere'", "doha-office"
    )
    fails({"name": "p", "set": {"relations.USA,QQQ.alignment": 0}}, "no relation between 'USA,QQQ'")
    fails(
        {"name": "p", "set": {"stances.TAL.troops.salience": 150}},
        "stances.TAL.troops.salience",
        "less than or equal to 100",
    )
    fails({"name": "p", "remove_events": ["no-such-event"]}, "remove_events.0", "office-opens")
    fails({"name": "p", "add_events": [{"type": "shock", "actor": "TAL"}]}, "add_events.0", "date or a round")
    fails({"name": "p", "colour": "red"}, "colour", "add_events")
    with pytest.raises(ScenarioError, match="zero-option-executed"):
        load_patch("no-such-variant")


def test_set_reaches_unset_fields_and_adds_stances(afg):
    assert afg.deadline.rounds is None and "troops" not in afg.stances["PAK"]
    variant = apply_patch(
        afg,
        Patch(
            name="p",
            set={
                "deadline.rounds": 60,
                "actors.USA.params.strategy": "conceder",
                "stances.PAK.troops": {"position": 20, "salience": 30},
            },
        ),
    )
    assert variant.deadline.rounds == 60 and variant.deadline_round() == 60
    assert variant.actors[0].params["strategy"] == "conceder"
    assert variant.stances["PAK"]["troops"].position == 20


def test_ingest_style_patch_with_sourced_events_applies(afg):
    patch = {
        "name": "ingest-afghanistan-2013",
        "description": "from news",
        "add_events": [
            {
                "id": "ingest-1",
                "type": "channel_close",
                "channel": "doha-office",
                "date": "2013-07-09",
                "description": "x",
                "source": "The office was closed.",
            }
        ],
    }
    variant = apply_patch(afg, patch)
    assert variant.events[-1].source == "The office was closed." and variant.events[-1].id == "ingest-1"


def test_remove_actors_takes_their_references_along(afg):
    variant = apply_patch(afg, Patch(name="no-pakistan", remove_actors=["PAK"]))
    assert "PAK" not in variant.actor_ids and "PAK" not in variant.stances
    assert all("PAK" not in r.actors for r in variant.relations)
    trilateral = next(c for c in variant.channels if c.id == "trilateral")
    assert trilateral.members == ["USA", "AFG"]
    assert "pakistan-distances" not in {e.id for e in variant.events}


def test_paired_differences_are_exact_without_noise_and_zero_for_an_empty_patch():
    # Moving C from 40 to 60 moves the weighted mean by its weight share 50/250 x 20 = 4.
    sc, model = three_actors(), make_model("weighted-mean")
    res = compare(
        sc, [Patch(name="c-moves", set={"stances.C.x.position": 60})], model, draws=20, seed=1, noise=NONE
    )
    row = res.differences.iloc[0]
    assert row["diff_p2_5"] == pytest.approx(4) and row["diff_p97_5"] == pytest.approx(4)
    same = compare(sc, [Patch(name="nothing")], model, draws=300, seed=1)
    assert np.array_equal(same.forecasts["nothing"], same.forecasts["base"])


def test_common_random_numbers_make_intervals_narrower_than_unpaired():
    sc, model = three_actors(), make_model("weighted-mean")
    res = compare(sc, [Patch(name="c-moves", set={"stances.C.x.position": 60})], model, draws=2000, seed=3)
    paired = res.forecasts["c-moves"] - res.forecasts["base"]
    unpaired = res.forecasts["c-moves"] - np.roll(res.forecasts["base"], 1, axis=0)
    assert paired.std() < 0.2 * unpaired.std()


def test_cli_whatif_on_three_shipped_variants(tmp_path):
    names = ["zero-option-executed", "pakistan-presses-taliban", "doha-office-reopens"]
    res = CliRunner().invoke(
        app,
        [
            "whatif",
            "afghanistan-2013",
            *names,
            "--draws",
            "256",
            "--json",
            "--store",
            str(tmp_path / "s.sqlite"),
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["variants"] == names
    diff = {(r["variant"], r["issue"]): r for r in data["differences"]}
    # The zero option pulls the troop forecast down in every draw; it does not touch the constitution.
    assert diff[("zero-option-executed", "troops")]["diff_p97_5"] < 0
    assert diff[("zero-option-executed", "constitution")]["diff_median"] == 0
    assert diff[("doha-office-reopens", "office")]["diff_median"] < 0
    table = CliRunner().invoke(
        app, ["whatif", "afghanistan-2013", "taliban-walk-out", "--draws", "100", "--no-store"]
    )
    assert table.exit_code == 0 and "taliban-walk-out" in table.output
    patch = tmp_path / "news.yaml"
    patch.write_text(
        yaml.safe_dump(
            {
                "name": "from-news",
                "description": "ingested",
                "add_events": [
                    {
                        "id": "ingest-1",
                        "type": "position_shift",
                        "actor": "TAL",
                        "issue": "talks",
                        "to": 50,
                        "round": 0,
                        "source": "a sentence",
                    }
                ],
            }
        )
    )
    by_path = CliRunner().invoke(
        app,
        ["whatif", "afghanistan-2013", str(patch), "-m", "agents", "--draws", "20", "--json", "--no-store"],
    )
    assert by_path.exit_code == 0, by_path.output
    assert json.loads(by_path.stdout)["variants"] == ["from-news"]
    bad = CliRunner().invoke(app, ["whatif", "afghanistan-2013", "nope", "--no-store"])
    assert bad.exit_code == 2 and "allowed" in bad.output and "Traceback" not in bad.output


def test_setting_a_field_of_a_section_the_scenario_does_not_have_says_to_set_it_whole():
    with pytest.raises(ScenarioError) as info:
        apply_patch(load("ec-emissions"), {"name": "x", "set": {"deadline.date": "1990-01-01"}})
    message = str(info.value)
    assert "set.deadline.date" in message and "'deadline' is not set in this scenario" in message
    assert "set.deadline: {date: ...}" in message
