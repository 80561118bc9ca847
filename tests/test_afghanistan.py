"""The flagship scenario: loads, holds the story's actors, issues and timeline, every number is sourced."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest
import yaml
from conftest import SHARED

import accord
from accord.scenario import example_path

D = dt.date


@pytest.fixture(scope="module")
def scen() -> accord.Scenario:
    return accord.load("afghanistan-2013")


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(example_path("afghanistan-2013").read_text(encoding="utf-8"))


def test_actors_with_aliases(scen):
    actors = {a.id: a for a in scen.actors}
    assert {"USA", "AFG", "TAL", "PAK", "QAT"} <= set(actors) and len(actors) <= 8
    wanted = {
        "USA": ["Washington", "Obama", "U.S.", "United States", "the Americans", "Kerry", "White House"],
        "AFG": ["Kabul", "Karzai", "Afghan government", "Karzai's government", "High Peace Council"],
        "TAL": ["the insurgents", "Taliban", "Islamic Emirate", "Mullah Omar"],
        "PAK": ["Islamabad", "Sharif"],
        "QAT": ["Doha", "the Emir"],
    }
    for aid, names in wanted.items():
        assert set(names) <= set(actors[aid].aliases), aid
    assert all(a.capability > 0 and a.source for a in scen.actors)


def test_seed_story_names_resolve_to_actors(scen):
    """The names the news story uses for the parties are aliases of some actor."""
    story = " ".join(p.read_text(encoding="utf-8") for p in sorted((SHARED / "seed").glob("*.txt")))
    for name, aid in [
        ("Karzai's government", "AFG"),
        ("Obama", "USA"),
        ("Taliban", "TAL"),
        ("Qatar", "QAT"),
        ("U.S.", "USA"),
    ]:
        assert name in story
        assert name in next(a for a in scen.actors if a.id == aid).aliases


def test_issues_have_labelled_scales_and_status_quo(scen):
    issues = {i.id: i for i in scen.issues}
    assert {"troops", "taliban_role", "office", "violence", "constitution"} <= set(issues)
    for iss in scen.issues:
        assert iss.min_label and iss.max_label and iss.source
        assert iss.status_quo is not None
    # the troop scale is linear in troops: 1 point = 200 US troops, 0 = zero option
    assert issues["troops"].min == 0 and "zero option" in issues["troops"].min_label
    assert "20,000" in issues["troops"].max_label


def test_every_stance_and_number_is_sourced(scen, raw):
    for aid, row in raw["stances"].items():
        for iid, st in row.items():
            assert set(st) == {"position", "salience", "source"}, (aid, iid)
            assert re.search(r"\[S\d+\]", st["source"]), (aid, iid, st["source"])
    for section in ("relations", "channels", "events"):
        for item in raw[section]:
            assert item.get("source"), (section, item)
    assert raw["negotiation"]["source"] and raw["deadline"]["source"]
    assert "analyst's estimate" in scen.note and "1 June 2013" in scen.note


def test_positions_match_the_reference(scen):
    st = scen.stances
    assert st["TAL"]["troops"].position == 0  # all foreign forces must leave [S20]
    assert st["AFG"]["troops"].position > st["USA"]["troops"].position  # nine bases [S56]
    assert st["TAL"]["office"].position > 90 > st["AFG"]["office"].position  # Emirate flag [S8]
    assert st["AFG"]["talks"].position < st["USA"]["talks"].position < st["TAL"]["talks"].position


def test_timeline_in_order_with_story_dates(scen):
    dates = [e.date for e in scen.events]
    assert dates == sorted(dates)
    ev = {e.id: e for e in scen.events}
    opens = ev["office-opens"]
    assert (opens.type, opens.channel, opens.date) == ("channel_open", "doha-office", D(2013, 6, 18))
    bsa = ev["bsa-suspended"]
    assert (bsa.type, set(bsa.between), bsa.date) == ("channel_close", {"USA", "AFG"}, D(2013, 6, 19))
    assert ev["separate-peace-charge"].type == "relation_change" and ev["separate-peace-charge"].by < 0
    assert ev["video-call-ends-badly"].date == D(2013, 6, 27)
    zero = ev["zero-option"]
    assert (zero.type, zero.actor, zero.target, zero.issue, zero.consequence) == (
        "threat",
        "USA",
        "AFG",
        "troops",
        0,
    )
    assert zero.date in (D(2013, 7, 8), D(2013, 7, 9)) and zero.by_date == D(2014, 12, 31)
    assert 0 < zero.credibility < 1
    closes = ev["office-closes"]
    assert (closes.type, closes.channel, closes.date) == ("channel_close", "doha-office", D(2013, 7, 9))
    shocks = [
        e for e in scen.events if e.type == "shock" and e.issue is not None
    ]  # attacks (not the drawdown)
    assert len(shocks) >= 4 and all(e.actor == "TAL" and e.issue == "violence" for e in shocks)
    assert any(e.probability < 1 and e.date >= D(2013, 7, 10) for e in shocks)  # Ramadan, random
    assert scen.events[-1].date == scen.deadline.date == D(2014, 12, 31)


def test_rounds_and_channels(scen):
    assert scen.start == D(2013, 6, 1) and scen.round_days == 7
    assert scen.round_of(D(2013, 6, 18)) == 2 and scen.round_of(D(2013, 7, 9)) == 5
    assert scen.deadline_round() == (D(2014, 12, 31) - D(2013, 6, 1)).days // 7
    doha = next(c for c in scen.channels if c.id == "doha-office")
    assert doha.host == "QAT" and {"USA", "TAL"} <= set(doha.members) and not doha.open
    rel = {frozenset(r.actors): r for r in scen.relations}
    assert not rel[frozenset({"USA", "TAL"})].channel and not rel[frozenset({"AFG", "TAL"})].channel
    assert rel[frozenset({"USA", "AFG"})].channel
    neg = scen.negotiation
    assert set(neg.required) == {"USA", "AFG", "TAL"} and neg.no_deal["troops"] == 0


def test_weighted_mean_between_extreme_positions(scen, raw):
    """The compromise forecast lies within the positions and equals Σ c s x / Σ c s worked from the raw file."""
    result = accord.forecast("afghanistan-2013", "weighted-mean")
    cap = {a["id"]: a["capability"] for a in raw["actors"]}
    for iss in scen.issues:
        stances = [
            (cap[a], st["position"], st["salience"])
            for a, row in raw["stances"].items()
            for i, st in row.items()
            if i == iss.id
        ]
        pos = [p for _, p, _ in stances]
        expected = sum(c * s * p for c, p, s in stances) / sum(c * s for c, _, s in stances)
        got = result.forecast_of(iss.id)
        assert min(pos) <= got <= max(pos)
        assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "model,params",
    [
        ("weighted-mean", {}),
        ("weighted-median", {}),
        ("nash", {}),
        ("nash", {"disagreement": "worst"}),
        ("status-quo", {}),
    ],
)
def test_every_baseline_runs(scen, model, params):
    result = accord.forecast(scen, model, **params)
    values = result.forecast.set_index("issue")["forecast"]
    assert list(values.index) == scen.issue_ids
    assert np.all((values >= 0) & (values <= 100))
