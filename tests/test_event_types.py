"""Event types as one unit (issue 15, item 3): every type the schema defines has exactly one engine
handler, a docs entry and a hypothesis strategy, and the references, ranges and edits that used to be
found by field name are read from each type's declaration."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import Field

import accord
from accord.analysis.edit import drop
from accord.models.agents import AgentsModel
from accord.models.agents.events import compile_events
from accord.models.agents.handling import HANDLERS, Handlers
from accord.scenario import Scenario, ScenarioError
from accord.scenario.event_kinds import (
    ActorId,
    EventBase,
    EventTypes,
    IssueId,
    Ref,
    check_references,
    unbounded_numbers,
)
from accord.scenario.events import EVENT_CLASSES, EVENT_TYPES, EVENTS
from accord.scenario.fields import Id
from accord.scenario.forms import EVENT_EXAMPLES
from accord.scenario.reference import reference_markdown
from accord.scenario.validate import scenario_from_data
from accord.testing.event_strategies import EventContext, event_strategy

ROOT = Path(__file__).resolve().parents[1]
NAMES = EVENTS.names()
# A context in which every type can be generated: actors, issues, a venue and an earlier threat.
FULL = EventContext(
    actors=("A", "B", "C"),
    issues={"i": (0.0, 10.0), "j": (-5.0, 5.0)},
    channels=("venue",),
    events={"threat": ("t0",)},
)


def _base() -> dict:
    return {
        "name": "coverage",
        "start": "2013-06-01",
        "actors": [{"id": a, "capability": 1} for a in FULL.actors],
        "issues": [{"id": i, "min": lo, "max": hi} for i, (lo, hi) in FULL.issues.items()],
        "stances": {a: {i: {"position": 0, "salience": 50} for i in FULL.issues} for a in FULL.actors},
        "channels": [{"id": "venue", "members": ["A", "B"]}],
        "events": [{"id": "t0", "type": "threat", "actor": "A", "issue": "i", "consequence": 0, "round": 0}],
    }


# ---- the coverage test: handler, docs entry and strategy for every type --------------------------


def test_every_event_type_has_exactly_one_handler():
    assert EVENT_TYPES == ", ".join(NAMES)
    assert sorted(HANDLERS.kinds()) == sorted(NAMES), "a type without a handler, or a handler without a type"
    assert len(HANDLERS.kinds()) == len(set(HANDLERS.kinds()))


@pytest.mark.parametrize("name", NAMES)
def test_every_event_type_has_a_docs_entry_from_its_definition(name):
    cls = EVENTS.of(name)
    text = reference_markdown()
    assert f"### `{name}`" in text and EVENT_EXAMPLES[name] in text
    assert " ".join(cls.__doc__.split()) in text
    for field, info in cls.model_fields.items():
        assert field == "type" or f"| `{field}` |" in text
        assert field == "type" or info.description, f"{cls.__name__}.{field} has no description"
    agents = (ROOT / "docs" / "explanation" / "agents.md").read_text(encoding="utf-8")
    assert name in agents, f"docs/explanation/agents.md does not describe {name}"


@pytest.mark.parametrize("name", NAMES)
def test_every_event_type_has_a_strategy(name):
    assert event_strategy(name, FULL) is not None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(st.sampled_from(NAMES).flatmap(lambda name: event_strategy(name, FULL)))
def test_generated_events_of_every_type_are_valid(event):
    data = _base()
    data["events"].append(event)
    sc = scenario_from_data(data)
    assert sc.events[-1].type == event["type"]


# ---- the engine runs every type ------------------------------------------------------------------


def test_the_example_of_every_type_compiles_and_runs_in_the_engine():
    sc = accord.load("afghanistan-2013")
    examples = [yaml.safe_load(EVENT_EXAMPLES[name]) for name in NAMES]
    sc = Scenario.model_validate({**sc.model_dump(), "events": examples})
    compiled, threats = compile_events(sc, sc.deadline_round())
    assert set(NAMES) <= {c.kind for c in compiled} and threats == 1
    res = AgentsModel().run(sc, 0)
    fired = set(res.tables["events"]["type"])
    assert {"channel_open", "position_shift", "threat", "shock"} <= fired


# ---- references, ranges and edits are read from the declarations ---------------------------------


def test_a_reference_is_found_by_its_marker_not_its_field_name():
    scratch = EventTypes()

    @scratch.register
    class Mediation(EventBase):
        """A mediator joins the talks."""

        type: Literal["mediation"]
        mediator: ActorId = Field(description="Who mediates.")
        examples = {"mediation": "{type: mediation, mediator: QAT, round: 1}"}

    ev = Mediation(type="mediation", mediator="ZZ", round=1)
    assert list(scratch.named_ids(ev.model_dump())) == [("mediator", "actor", "ZZ")]
    with pytest.raises(ValueError, match=r"events.0.mediator: unknown id 'ZZ'; allowed: A, B"):
        check_references(ev, "events.0", {"actor": {"A", "B"}})


def test_a_list_of_references_is_found_checked_and_drawn():
    scratch = EventTypes()

    @scratch.register
    class Agenda(EventBase):
        """The agenda narrows to some issues."""

        type: Literal["agenda"]
        issues: list[IssueId] = Field(description="The issues left on the agenda.")
        examples = {"agenda": "{type: agenda, issues: [troops], round: 1}"}

    ev = Agenda(type="agenda", issues=["i", "zz"], round=1)
    assert list(scratch.named_ids(ev.model_dump())) == [("issues", "issue", "i"), ("issues", "issue", "zz")]
    with pytest.raises(ValueError, match=r"events.3.issues: unknown id 'zz'; allowed: i, j"):
        check_references(ev, "events.3", {"issue": {"i", "j"}})
    strategy = event_strategy("agenda", FULL, scratch)

    @settings(max_examples=20, deadline=None, derandomize=True, database=None)
    @given(strategy)
    def drawn(event):
        assert set(event["issues"]) <= set(FULL.issues)
        Agenda.model_validate(event)

    drawn()


def test_the_registry_refuses_a_type_that_does_not_hold_together():
    scratch = EventTypes()
    with pytest.raises(TypeError, match="examples"):

        @scratch.register
        class NoExample(EventBase):
            """No example."""

            type: Literal["x"]

    with pytest.raises(TypeError, match="already defined"):
        scratch.register(EVENTS.of("shock"))
        scratch.register(EVENTS.of("shock"))

    @scratch.register
    class Dangling(EventBase):
        """Names a kind nothing defines."""

        type: Literal["dangling"]
        ref: Annotated[Id, Ref("treaty")] = Field(description="?")
        examples = {"dangling": "{type: dangling, ref: t, round: 0}"}

    with pytest.raises(TypeError, match=r"Dangling.ref: Ref\('treaty'\); allowed: actor, issue"):
        scratch.union()


def test_a_type_served_twice_is_refused():
    scratch = Handlers()
    scratch.handles("shock")(type(HANDLERS["shock"]))
    with pytest.raises(TypeError, match="already has a handler: Shock"):
        scratch.handles("shock")(type(HANDLERS["shock"]))


def test_dropping_an_actor_drops_its_threat_and_then_the_threat_outcome():
    data = _base()
    data["events"] += [
        {"id": "off", "type": "threat_withdrawn", "threat": "t0", "round": 2},
        {"type": "relation_change", "between": ["B", "C"], "by": 0.1, "round": 1},
    ]
    left = drop(scenario_from_data(data), actors=["A"])
    assert [e.type for e in left.events] == ["relation_change"]
    assert [e.type for e in drop(scenario_from_data(data), actors=["C"]).events] == [
        "threat",
        "threat_withdrawn",
    ]


@pytest.mark.parametrize(
    "event,needle",
    [
        ({"type": "salience_shift", "actor": "A", "issue": "i", "to": 150}, "events.1.to: salience 150"),
        ({"type": "position_shift", "actor": "A", "issue": "j", "to": 6}, "allowed: -5 to 5"),
        ({"type": "threat", "actor": "A", "issue": "i", "consequence": 11}, "events.1.consequence: 11"),
        ({"type": "reservation_shift", "issue": "j", "to": -6}, "range of issue 'j'"),
        ({"type": "threat_executed", "threat": "t9"}, "events.1.threat: unknown id 't9'; allowed: t0"),
        ({"type": "channel_open", "channel": "nowhere"}, "allowed: venue"),
        ({"type": "channel_open"}, "exactly one of `channel` (a venue id) or `between` (two actors)"),
        ({"type": "relation_change", "between": ["A", "B"]}, "give exactly one of `to` or `by`"),
    ],
)
def test_declared_scales_and_references_give_the_specific_messages(event, needle):
    data = _base()
    data["events"].append({**event, "round": 1})
    with pytest.raises(ScenarioError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        scenario_from_data(data, "f.yaml")


def test_every_class_is_registered_once_and_builds_the_union():
    assert EVENT_CLASSES == tuple(dict.fromkeys(EVENTS.of(n) for n in NAMES))
    assert all(issubclass(c, EventBase) for c in EVENT_CLASSES)


def test_an_unknown_field_of_an_event_lists_the_fields_of_its_type():
    data = _base()
    data["events"].append({"type": "reservation_shift", "issue": "i", "to": 1, "round": 1, "colour": "red"})
    with pytest.raises(ScenarioError) as info:
        scenario_from_data(data, "f.yaml")
    assert str(info.value) == (
        "f.yaml: events.1.colour: unknown field; allowed: id, date, round, description, source, type, issue, to"
    )


def test_the_numbers_only_the_magnitude_limit_bounds_are_read_from_the_declarations():
    found = {name: unbounded_numbers(EVENTS.of(name)) for name in ("position_shift", "shock", "threat")}
    assert found == {"position_shift": ("by",), "shock": ("size",), "threat": ()}
    data = _base()
    data["events"].append({"type": "shock", "issue": "i", "size": 1e13, "round": 1})
    with pytest.raises(ScenarioError, match=r"events.1.size"):
        scenario_from_data(data, "f.yaml")
