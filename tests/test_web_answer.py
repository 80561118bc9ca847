"""The dashboard's answer API: the same answer as `accord forecast`, shipped variants, patches."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from accord.analysis.patch import apply_patch, load_patch
from accord.analysis.summary import build_summary
from accord.scenario import load
from accord.web.answer import _pivotal
from accord.web.app import create_app

FLAGSHIP = "afghanistan-2013"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(), base_url="http://localhost") as http:
        yield http


@pytest.fixture(scope="module")
def flagship(client) -> dict:
    return client.get(f"/api/examples/{FLAGSHIP}").json()["scenario"]


def test_the_answer_is_the_clis_answer_with_its_figures(client, flagship):
    body = {"scenario": flagship, "chosen": "weighted-mean", "models": ["agents"], "draws": 60, "seed": 3}
    res = client.post("/api/forecast", json={**body, "whatif_draws": 30})
    assert res.status_code == 200, res.text
    data = res.json()
    expected = build_summary(
        load(FLAGSHIP), ["weighted-mean", "agents"], 3, 60, 30, "weighted-mean", pivotal=_pivotal
    )
    assert data["answer"]["sections"] == [{"title": t, "lines": ls} for t, ls in expected.sections()]
    assert data["answer"]["deal"]["p_full"] == pytest.approx(expected.deal.p_full)
    assert set(data["figures"]) == {"forecast", "agreement", "pivotal"}
    curves = [t["name"] for t in data["figures"]["agreement"]["data"]]
    # one curve per coalition beside "any deal": a deal without the Taliban is named by who signs
    assert any("sign by then" in str(n) for n in curves)
    assert data["intervals"]["weighted-mean"][0]["issue"] == "troops"


def test_bad_requests_name_what_is_wrong(client, flagship):
    res = client.post("/api/forecast", json={"scenario": flagship, "chosen": "nope", "draws": 10})
    assert res.status_code == 422 and "unknown model 'nope'" in res.json()["message"]
    res = client.post("/api/forecast", json={"scenario": flagship, "draws": 5000})
    assert res.status_code == 422
    assert client.get("/api/examples/nope/variants").status_code == 404


def test_shipped_variants_are_the_patch_files(client):
    data = client.get(f"/api/examples/{FLAGSHIP}/variants").json()["variants"]
    names = [v["name"] for v in data]
    assert names == [
        "doha-office-reopens",
        "pakistan-presses-taliban",
        "taliban-walk-out",
        "zero-option-executed",
    ]
    assert data[0] == load_patch("doha-office-reopens").model_dump(mode="json", exclude_none=True)


def test_a_patch_is_applied_as_the_library_applies_it(client, flagship):
    patch = {
        "set": {"deadline.date": "2014-06-30", "relations.USA,TAL.channel": True},
        "remove_events": ["office-closes"],
    }
    res = client.post("/api/patch", json={"scenario": flagship, "patch": patch})
    assert res.status_code == 200, res.text
    expected = apply_patch(load(FLAGSHIP), {"name": "dashboard", **patch})
    assert res.json()["scenario"] == expected.model_dump(mode="json", exclude_none=True)
    res = client.post(
        "/api/patch", json={"scenario": flagship, "patch": {"set": {"stances.TAL.office.position": 500}}}
    )
    assert res.status_code == 422
    detail = res.json()["detail"][0]
    assert detail["loc"][:3] == ["body", "patch", "set"] and "outside the range" in detail["msg"]
