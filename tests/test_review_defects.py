"""Defects a review found (issue 11, section 3 and part of 9): each test failed before its fix."""

from __future__ import annotations

import copy

import pytest

from accord.scenario import ScenarioError, load
from accord.scenario.validate import scenario_from_data


def flagship() -> dict:
    return load("afghanistan-2013").model_dump(mode="json", exclude_none=True)


# ---- ids are unique -------------------------------------------------------------------------------


def _threat(data: dict) -> tuple[int, dict]:
    return next((k, e) for k, e in enumerate(data["events"]) if e["type"] == "threat")


def test_two_threats_with_the_same_id_are_refused_naming_both_places():
    data = flagship()
    k, threat = _threat(data)
    data["events"].append(copy.deepcopy(threat))
    last = len(data["events"]) - 1
    with pytest.raises(ScenarioError) as info:
        scenario_from_data(data, "flag.yaml")
    message = str(info.value)
    assert message.startswith(f"flag.yaml: events.{last}.id: duplicate id {threat['id']!r}"), message
    assert f"events.{k}" in message and "unique" in message


def test_events_of_different_types_share_no_id():
    data = flagship()
    data["events"][1]["id"] = data["events"][0]["id"]
    with pytest.raises(ScenarioError, match=rf"events\.1\.id: duplicate id {data['events'][0]['id']!r}"):
        scenario_from_data(data)


def test_events_without_an_id_are_not_duplicates():
    data = flagship()
    for ev in data["events"][:3]:
        ev.pop("id")
    assert len(scenario_from_data(data).events) == len(data["events"])


def test_two_channels_with_the_same_id_are_refused():
    data = flagship()
    data["channels"].append(copy.deepcopy(data["channels"][0]))
    last = len(data["channels"]) - 1
    with pytest.raises(ScenarioError, match=rf"channels\.{last}\.id: duplicate id {data['channels'][0]['id']!r}"):
        scenario_from_data(data)


@pytest.mark.parametrize("field", ["actors", "issues"])
def test_actor_and_issue_ids_stay_unique(field):
    data = flagship()
    data[field][1]["id"] = data[field][0]["id"]
    with pytest.raises(ScenarioError, match=rf"{field}\.1\.id: duplicate id .*already used by {field}\.0"):
        scenario_from_data(data)
