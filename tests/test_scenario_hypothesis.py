"""Generated scenarios: valid ones load and round-trip through YAML and JSON; broken ones (values
out of range, unknown references, wrong types, mangled files) raise ScenarioError and nothing else."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os

import yaml
from conftest import KTAB
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.scenario import ScenarioError, dumps_yaml, ktab, loads_json, loads_yaml
from accord.scenario.validate import scenario_from_data
from accord.testing.event_strategies import EventContext, event_lists

# ACCORD_HYPOTHESIS_EXAMPLES=500 searches harder (run by hand; 300 passed when this was written)
# Derandomised by default so CI runs the same examples every time; set ACCORD_HYPOTHESIS_EXPLORE=1
# (and raise ACCORD_HYPOTHESIS_EXAMPLES) to search new ones.
SETTINGS = settings(
    max_examples=int(os.environ.get("ACCORD_HYPOTHESIS_EXAMPLES", 40)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=not os.environ.get("ACCORD_HYPOTHESIS_EXPLORE"),
)

# ids YAML would read as something else unless quoted, plus ordinary ones
TRICKY_IDS = ["null", "yes", "No", "1", "0x1F", "~", "2013-06-01", "1e3", "a: b", "#x", "- y", "é-ü", "'q'"]
ids = st.one_of(
    st.sampled_from(TRICKY_IDS),
    st.text(alphabet=st.characters(categories=["L", "N"], include_characters="-_."), min_size=1, max_size=10),
)
texts = st.text(max_size=30)
START = dt.date(2013, 6, 1)


def _num(lo: float, hi: float):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@st.composite
def issue_specs(draw, iid: str) -> dict:
    lo = draw(_num(-1e4, 1e4))
    hi = lo + draw(_num(1e-3, 1e4))
    spec = {
        "id": iid,
        "name": draw(texts),
        "min": lo,
        "max": hi,
        "min_label": draw(texts),
        "max_label": draw(texts),
    }
    if draw(st.booleans()):
        spec["status_quo"] = draw(_num(lo, hi))
    return spec


@st.composite
def scenarios(draw) -> dict:
    """A valid scenario dict: every reference points at something that exists."""
    actor_ids = draw(st.lists(ids, min_size=1, max_size=5, unique=True))
    issue_ids = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    issues = [draw(issue_specs(i)) for i in issue_ids]
    stances: dict = {}
    for iss in issues:
        takers = draw(st.lists(st.sampled_from(actor_ids), min_size=1, unique=True))
        for a in takers:
            stances.setdefault(a, {})[iss["id"]] = {
                "position": draw(_num(iss["min"], iss["max"])),
                "salience": draw(_num(0, 100)),
                "source": draw(st.none() | texts),
            }
    data = {
        "name": draw(ids),
        "title": draw(texts),
        "note": draw(texts),
        "start": START.isoformat(),
        "round_days": draw(st.integers(1, 30)),
        "actors": [
            {
                "id": a,
                "name": draw(texts),
                "capability": draw(_num(0, 1e6)),
                "aliases": draw(st.lists(texts, max_size=2)),
            }
            for a in actor_ids
        ],
        "issues": issues,
        "stances": stances,
    }
    if draw(st.booleans()):
        data["deadline"] = {"rounds": draw(st.integers(1, 200))}
    pairs = [(a, b) for a in actor_ids for b in actor_ids if a < b]
    if pairs:
        data["relations"] = [
            {"actors": list(p), "alignment": draw(_num(-1, 1)), "channel": draw(st.booleans())}
            for p in draw(st.lists(st.sampled_from(pairs), max_size=4, unique=True))
        ]
        data["channels"] = [
            {
                "id": "venue",
                "members": list(draw(st.sampled_from(pairs))),
                "host": draw(st.sampled_from(actor_ids)),
                "open": draw(st.booleans()),
            }
        ]
        data["negotiation"] = {
            "required": list(draw(st.sampled_from(pairs))),
            "allow_subset": draw(st.booleans()),
            "no_deal": {i["id"]: draw(_num(i["min"], i["max"])) for i in issues},
        }
    # every registered event type, drawn from its declaration (accord.testing.event_strategies)
    context = EventContext(
        actors=tuple(actor_ids),
        issues={i["id"]: (i["min"], i["max"]) for i in issues},
        channels=tuple(c["id"] for c in data.get("channels", [])),
        start=START,
    )
    data["events"] = draw(event_lists(context, max_size=6))
    return data


@SETTINGS
@given(scenarios())
def test_valid_scenarios_load_and_round_trip(data):
    scen = scenario_from_data(data)
    assert scen.actor_ids == [a["id"] for a in data["actors"]]
    from_yaml = loads_yaml(dumps_yaml(scen))
    assert from_yaml == scen
    assert loads_json(scen.model_dump_json()) == scen
    assert from_yaml.content_hash() == scen.content_hash()


# ---- invalid scenarios ----------------------------------------------------------------------------


def _mutations(data: dict) -> dict:
    """Named ways to break a valid scenario; each returns a broken copy."""
    a0 = data["actors"][0]["id"]
    i0 = data["issues"][0]
    taker = next(a for a, row in data["stances"].items() if i0["id"] in row)

    def edit(fn):
        def apply(extra):
            d = copy.deepcopy(data)
            fn(d, extra)
            return d

        return apply

    def stance(d):
        return d["stances"][taker][i0["id"]]

    return {
        "position above max": edit(lambda d, x: stance(d).update(position=i0["max"] + 1 + x)),
        "position below min": edit(lambda d, x: stance(d).update(position=i0["min"] - 1 - x)),
        "salience over 100": edit(lambda d, x: stance(d).update(salience=100.5 + x)),
        "negative salience": edit(lambda d, x: stance(d).update(salience=-0.5 - x)),
        "negative capability": edit(lambda d, x: d["actors"][0].update(capability=-0.1 - x)),
        "nan position": edit(lambda d, x: stance(d).update(position=float("nan"))),
        "infinite capability": edit(lambda d, x: d["actors"][0].update(capability=float("inf"))),
        "unknown actor in stances": edit(
            lambda d, x: d["stances"].update({"nobody?": {i0["id"]: stance(d)}})
        ),
        "unknown issue in stances": edit(lambda d, x: d["stances"][taker].update({"no-issue?": stance(d)})),
        "unknown actor in event": edit(
            lambda d, x: d["events"].append({"type": "actor_leaves", "round": 1, "actor": "nobody?"})
        ),
        "unknown issue in event": edit(
            lambda d, x: d["events"].append({"type": "shock", "round": 1, "issue": "no-issue?"})
        ),
        "unknown event type": edit(lambda d, x: d["events"].append({"type": "coup", "round": 1})),
        "event without time": edit(lambda d, x: d["events"].append({"type": "actor_returns", "actor": a0})),
        "duplicate actor": edit(lambda d, x: d["actors"].append(copy.deepcopy(d["actors"][0]))),
        "status quo outside": edit(lambda d, x: d["issues"][0].update(status_quo=i0["max"] + 1 + x)),
        "empty range": edit(lambda d, x: d["issues"][0].update(max=i0["min"])),
        "string position": edit(lambda d, x: stance(d).update(position="high")),
        "list capability": edit(lambda d, x: d["actors"][0].update(capability=[1, 2])),
        "actors not a list": edit(lambda d, x: d.update(actors="USA")),
        "stances a list": edit(lambda d, x: d.update(stances=[1, 2])),
        "name a number": edit(lambda d, x: d.update(name=5)),
        "missing issues": edit(lambda d, x: d.pop("issues")),
        "unknown field": edit(lambda d, x: d.update(colour="red")),
        "bad start date": edit(lambda d, x: d.update(start="2013-02-30")),
        "round_days zero": edit(lambda d, x: d.update(round_days=0)),
        "null stance": edit(lambda d, x: d["stances"][taker].update({i0["id"]: None})),
    }


MUTATIONS = sorted(
    _mutations(
        {"actors": [{"id": "a"}], "issues": [{"id": "i", "min": 0, "max": 1}], "stances": {"a": {"i": {}}}}
    )
)


@SETTINGS
@given(scenarios(), st.sampled_from(MUTATIONS), _num(0, 1e3))
def test_broken_scenarios_raise_scenario_error(data, mutation, extra):
    broken = _mutations(data)[mutation](extra)
    for attempt in (
        lambda: scenario_from_data(broken, "gen.yaml"),
        lambda: loads_yaml(yaml.safe_dump(broken), "gen.yaml"),
        lambda: loads_json(json.dumps(broken), "gen.json"),
    ):
        try:
            attempt()
        except ScenarioError as exc:
            assert str(exc).startswith("gen."), str(exc)
        else:
            raise AssertionError(f"mutation {mutation!r} was accepted")


@SETTINGS
@given(st.text(max_size=200))
def test_arbitrary_text_never_crashes_the_readers(text):
    for reader in (loads_yaml, loads_json):
        try:
            reader(text, "fuzz")
        except ScenarioError:
            pass


KTAB_TEXT = (KTAB / "dummyData_3Dim.csv").read_text(encoding="utf-8")


@SETTINGS
@given(st.integers(0, len(KTAB_TEXT) - 1), st.integers(0, 40), st.text(max_size=6))
def test_mangled_ktab_csv_gives_scenario_error(start, length, insert):
    """Cut a stretch of the real file and put random text in its place: it loads or is refused."""
    text = KTAB_TEXT[:start] + insert + KTAB_TEXT[start + length :]
    if not ktab.looks_like_ktab_csv(text):
        return
    try:
        scen = ktab.read_csv_text(text, "mangled.csv")
    except ScenarioError as exc:
        assert str(exc).startswith("mangled.csv"), str(exc)
    else:
        assert 1 <= len(scen.issues) and 1 <= len(scen.actors)
