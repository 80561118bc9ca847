"""POST /api/play: a stateless game, one round per request; bad moves and tampered decisions are 422."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from accord.models.agents.model import AgentsModel
from accord.scenario import load
from accord.web import create_app

TABLE = load(str(Path(__file__).parent / "data" / "play-table.yaml"))
SCENARIO = TABLE.model_dump(mode="json", exclude_none=True)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(), base_url="http://localhost") as http:
        yield http


def step(client, decisions, move=None, draws=0, **extra):
    body = {
        "scenario": SCENARIO,
        "actor": "KAB",
        "seed": 1,
        "decisions": decisions,
        "move": move,
        "draws": draws,
    }
    return client.post("/api/play", json={**body, **extra})


def test_a_game_round_by_round_over_http_ends_as_the_models_run(client):
    first = step(client, [], draws=50)
    assert first.status_code == 200, first.text
    data = first.json()
    assert data["decisions"] == [] and data["turn"]["round"] == 0
    assert {o["from"] for o in data["turn"]["offers"]} == {"USA", "TAL"}
    assert set(data["figures"]) == {"trajectories", "agreement"}
    decisions = data["decisions"]
    while "turn" in data:
        data = step(client, decisions, {"action": "auto"}).json()
        decisions = data["decisions"]
    own = AgentsModel().run(TABLE, 1).info["outcome"]
    assert data["over"] and data["outcome"] == own
    assert data["comparison"]["text"].endswith(f"the deal came in the same round ({own['round']})")
    assert [t["issue"] for t in data["terms"]] == ["troops", "office"]


def test_a_move_in_units_with_events_becomes_the_rounds_decision(client):
    move = {
        "action": "propose",
        "terms": {"troops": "9,000", "office": "talks-only"},
        "events": [
            {"type": "threat", "issue": "troops", "value": "0", "target": "TAL", "credibility": "0.3"}
        ],
    }
    data = step(client, [], move).json()
    assert data["decisions"] == [
        {
            "round": 0,
            "propose": [45.0, 30.0],
            "accept": [],
            "events": [
                {"type": "threat", "issue": "troops", "consequence": 0.0, "credibility": 0.3, "target": "TAL"}
            ],
        }
    ]
    assert data["turn"]["round"] == 1 and data["turn"]["threats"] == ["you-threat-1"]
    assert any("KAB (player) threatens TAL" in e["description"] for e in data["turn"]["fired"])


@pytest.mark.parametrize(
    ("move", "message"),
    [
        ({"action": "dance"}, "move.action: 'dance'; allowed: propose, accept, reject, auto"),
        ({"action": "propose", "terms": {"troops": "90000"}}, "troops: 90000 is out of range"),
        ({"action": "propose", "terms": "lots"}, "move.terms: not an object"),
        ({"action": "accept"}, "move.accept: whose offer? allowed: USA, TAL"),
        ({"action": "accept", "accept": ["QAT"]}, "no offer from 'QAT'"),
        ({"action": "reject", "events": [{"type": "actor_returns"}]}, "you are at the table"),
        ({"action": "reject", "events": [{"type": "coup"}]}, "event 'coup'; allowed"),
        ({"action": "reject", "events": ["x"]}, "event None"),
        (
            {"action": "reject", "events": [{"type": "threat", "issue": "fleet"}]},
            "threat: unknown issue 'fleet'",
        ),
        (
            {
                "action": "reject",
                "events": [{"type": "threat", "issue": "troops", "value": "0", "credibility": 3}],
            },
            "credibility '3'",
        ),
        ({"action": "reject", "events": [{"type": "threat_executed", "threat": "x"}]}, "no live threat"),
    ],
)
def test_bad_moves_are_422_with_one_message(client, move, message):
    res = step(client, [], move)
    assert res.status_code == 422, res.text
    assert message in res.json()["message"]


@pytest.mark.parametrize(
    ("decisions", "extra", "message"),
    [
        ([{"round": 0, "propose": [1.0]}], {}, "decisions.0.propose: 1 terms; allowed: 2"),
        ([{"propose": None}], {}, "decisions.0: not a decision"),
        (["x"], {}, "body.decisions.0: Input should be a valid dictionary"),
        ([{"round": 0, "events": [{"kind": "x"}]}], {}, "not a player's event"),
        ([{"round": 0, "events": [{"type": "threat", "issue": "troops"}]}], {}, "needs its fields"),
        (
            [{"round": 0, "events": [{"type": "threat", "issue": "fleet", "consequence": 1}]}],
            {},
            "issue 'fleet'",
        ),
        (
            [
                {
                    "round": 0,
                    "events": [{"type": "threat", "issue": "troops", "consequence": 1, "credibility": 5}],
                }
            ],
            {},
            "a threat needs a finite consequence and a credibility from 0 to 1",
        ),
        ([], {"actor": "QAT"}, "unknown actor 'QAT'"),
    ],
)
def test_tampered_decisions_are_422_not_a_crash(client, decisions, extra, message):
    res = step(client, decisions, **extra)
    assert res.status_code == 422, res.text
    assert message in res.json()["message"]


def test_the_play_page_is_served(client):
    page = client.get("/play")
    assert page.status_code == 200 and "/static/play.js" in page.text
    assert client.get("/static/play.js").status_code == 200
