"""The scenario reference (issue 13, item 7): JSON Schema, a generated reference that cannot drift,
errors that show the expected form, unknown ids that list the valid ones, lossy conversions that
say what they drop, and a template to start from."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import TypeAdapter
from typer.testing import CliRunner

import accord
from accord.analysis.patch import apply_patch
from accord.cli import app
from accord.scenario import ScenarioError, dumps_yaml, loads_yaml
from accord.scenario.events import Event
from accord.scenario.forms import EVENT_EXAMPLES
from accord.scenario.reference import EVENT_CLASSES, reference_markdown, undocumented
from accord.scenario.schema import EVENT_TYPES, Scenario

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


def test_committed_reference_equals_the_generated_one():
    committed = (ROOT / "docs" / "reference" / "scenario.md").read_text(encoding="utf-8")
    assert committed == reference_markdown(), "run: PYTHONPATH=src python scripts/build_scenario_reference.py"


def test_every_field_and_event_type_is_documented_with_an_example():
    assert undocumented() == []
    text = reference_markdown()
    for name in EVENT_TYPES.split(", "):
        assert f"### `{name}`" in text and EVENT_EXAMPLES[name] in text
    for cls in EVENT_CLASSES:
        for field in cls.model_fields:
            assert field == "type" or f"| `{field}` |" in text
    assert "a pair not listed has a direct channel and alignment 0" in text


@pytest.mark.parametrize("kind", EVENT_TYPES.split(", "))
def test_every_event_example_is_a_valid_event_of_its_type(kind):
    import yaml

    event = TypeAdapter(Event).validate_python(yaml.safe_load(EVENT_EXAMPLES[kind]))
    assert event.type == kind


def test_schema_command_prints_the_json_schema():
    res = runner.invoke(app, ["schema"])
    assert res.exit_code == 0
    schema = json.loads(res.output)
    assert schema == json.loads(json.dumps(Scenario.model_json_schema()))
    assert {"Unit", "Deadline", "ThreatEvent"} <= set(schema["$defs"])


def _afghanistan_yaml() -> str:
    return dumps_yaml(accord.load("afghanistan-2013"))


def test_a_bare_date_as_deadline_shows_the_expected_form():
    text = re.sub(r"deadline:\n  date: .*\n  source: .*\n", "deadline: 2020-07-15\n", _afghanistan_yaml())
    with pytest.raises(ScenarioError) as exc:
        loads_yaml(text)
    assert "{date: 2020-07-15}" in str(exc.value) and "deadline" in str(exc.value)


@pytest.mark.parametrize(
    "old,new,needle",
    [
        ("allow_subset: true", "allow_subset: maybe", "allowed: true or false"),
        ("start: '2013-06-01'", "start: 1 June 2013", "YYYY-MM-DD"),
    ],
)
def test_wrong_forms_name_what_is_expected(old, new, needle):
    with pytest.raises(ScenarioError, match=re.escape(needle)):
        loads_yaml(_afghanistan_yaml().replace(old, new))


def test_an_unknown_event_id_in_remove_events_lists_the_valid_ids():
    sc = accord.load("afghanistan-2013")
    with pytest.raises(ScenarioError) as exc:
        apply_patch(sc, {"name": "p", "remove_events": ["office-close"]})
    assert "office-close" in str(exc.value)
    for event_id in ("office-closes", "zero-option", "end-2014-withdrawal"):
        assert event_id in str(exc.value)


def test_converting_to_a_table_warns_and_names_what_it_drops(tmp_path):
    res = runner.invoke(app, ["convert", "afghanistan-2013", str(tmp_path / "a.csv")])
    assert res.exit_code == 0
    events = len(accord.load("afghanistan-2013").events)
    for lost in (
        f"{events} events",
        "16 relations",
        "2 channels",
        "the deadline",
        "the negotiation",
        "4 issue units",
    ):
        assert lost in res.output
    quiet = runner.invoke(app, ["convert", "afghanistan-2013", str(tmp_path / "a.json")])
    assert "warning" not in quiet.output


def test_new_writes_a_commented_template_that_validates_and_runs(tmp_path):
    target = tmp_path / "talks.yaml"
    res = runner.invoke(app, ["new", "talks", "-o", str(target)])
    assert res.exit_code == 0, res.output
    text = target.read_text()
    assert text.count("#") > 20 and "docs/reference/scenario.md" in text
    sc = accord.load(target)
    assert sc.name == "talks" and sc.negotiation is not None and sc.issues[0].unit is not None
    assert runner.invoke(app, ["forecast", str(target), "--json"]).exit_code == 0
    again = runner.invoke(app, ["new", "talks", "-o", str(target)])
    assert again.exit_code == 2 and "--force" in again.output
