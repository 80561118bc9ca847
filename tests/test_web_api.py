"""The dashboard's JSON API: examples, upload, run, compare, downloads, limits and path safety."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import httpx
import numpy as np
import pytest
from conftest import KTAB
from fastapi.testclient import TestClient
from web_server import running_server

from accord.scenario import example_path, loads_yaml, save
from accord.web import create_app

# The EC emission example, typed from BDM 1994 p. 78: capability, salience, position per member.
EC = {
    "NL": (0.08, 80, 4),
    "BE": (0.08, 40, 7),
    "LU": (0.03, 20, 4),
    "DE": (0.16, 80, 4),
    "FR": (0.16, 60, 10),
    "IT": (0.16, 60, 10),
    "UK": (0.16, 90, 10),
    "IE": (0.05, 10, 7),
    "DK": (0.05, 100, 4),
    "GR": (0.08, 70, 7),
}


def weighted_mean(table: dict[str, tuple[float, float, float]]) -> float:
    cap, sal, pos = np.array(list(table.values()), dtype=float).T
    return float((cap * sal * pos).sum() / (cap * sal).sum())


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """In-process client; the name must be on the Host allow-list (TestClient's default is "testserver")."""
    with TestClient(create_app(), base_url="http://localhost") as http:
        yield http


def upload(client: TestClient, filename: str, content) -> httpx.Response:
    """POST a file as the dashboard does: raw bytes, declared application/octet-stream."""
    return client.post(
        "/api/scenario/upload",
        params={"filename": filename},
        content=content,
        headers={"content-type": "application/octet-stream"},
    )


@pytest.fixture()
def ec(client) -> dict:
    return client.get("/api/examples/ec-emissions").json()["scenario"]


def test_examples_list_names_and_titles(client):
    res = client.get("/api/examples")
    assert res.status_code == 200
    by_name = {e["name"]: e["title"] for e in res.json()}
    assert by_name["ec-emissions"].startswith("EC car-emission standards")


def test_example_is_returned_as_a_scenario_document(ec):
    assert ec["name"] == "ec-emissions"
    assert [a["id"] for a in ec["actors"]] == list(EC)
    assert ec["stances"]["UK"]["emissions"] == {"position": 10.0, "salience": 90.0}


def test_models_lists_the_baselines_with_tags(client):
    names = {m["name"]: m["tags"] for m in client.get("/api/models").json()}
    assert {"weighted-mean", "weighted-median", "nash", "status-quo"} <= set(names)


def test_run_gives_the_hand_computed_forecast_and_figures(client, ec):
    res = client.post("/api/run", json={"scenario": ec, "model": "weighted-mean"})
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["forecast"][0]["issue"] == "emissions"
    assert body["forecast"][0]["forecast"] == pytest.approx(weighted_mean(EC))
    assert set(body["figures"]) == {"forecast", "positions"}  # a static model has no trajectory
    marker = [t for t in body["figures"]["forecast"]["data"] if t.get("mode") == "markers"][0]
    assert marker["x"][0] == pytest.approx(weighted_mean(EC))


def test_an_edited_scenario_moves_the_forecast(client, ec):
    ec["stances"]["DK"]["emissions"]["position"] = 10
    res = client.post("/api/run", json={"scenario": ec, "model": "weighted-mean"})
    expected = weighted_mean({**EC, "DK": (0.05, 100, 10)})
    assert res.json()["forecast"][0]["forecast"] == pytest.approx(expected)


@pytest.mark.parametrize(
    "edit, path",
    [
        (lambda s: s["actors"][0].update(capability=-5), ["actors", 0, "capability"]),
        (
            lambda s: s["stances"]["DK"]["emissions"].update(salience="lots"),
            ["stances", "DK", "emissions", "salience"],
        ),
        (
            lambda s: s["stances"]["DK"]["emissions"].update(position=40),
            ["stances", "DK", "emissions", "position"],
        ),
        (lambda s: s["issues"][0].update(colour="red"), ["issues", 0, "colour"]),
    ],
)
def test_a_bad_scenario_is_422_with_the_field_path(client, ec, edit, path):
    edit(ec)
    res = client.post("/api/run", json={"scenario": ec, "model": "weighted-mean"})
    assert res.status_code == 422
    detail = res.json()["detail"][0]
    assert detail["loc"] == ["body", "scenario", *path]
    assert ".".join(map(str, path)) in res.json()["message"]


def test_unknown_model_and_unsupported_scenario_are_422_with_the_reason(client, ec):
    res = client.post("/api/run", json={"scenario": ec, "model": "oracle"})
    assert res.status_code == 422 and "weighted-mean" in res.json()["message"]
    res = client.post("/api/run", json={"scenario": ec, "model": "nash"})
    assert res.status_code == 422 and "status quo" in res.json()["message"]


def test_upload_yaml_json_and_xlsx_round_trip(client, ec, tmp_path):
    text = example_path("ec-emissions").read_text(encoding="utf-8")
    res = upload(client, "ec.yaml", text.encode())
    assert res.status_code == 200 and res.json()["scenario"] == ec
    sc = loads_yaml(text)
    save(sc, tmp_path / "ec.xlsx")
    res = upload(client, "ec.xlsx", (tmp_path / "ec.xlsx").read_bytes())
    assert res.status_code == 200, res.text
    assert res.json()["scenario"]["stances"]["FR"]["emissions"]["position"] == 10


def test_upload_ktab_csv_from_the_reference_data(client):
    data = (KTAB / "SOE-Pol-Comp.csv").read_bytes()
    res = upload(client, "SOE-Pol-Comp.csv", data)
    assert res.status_code == 200, res.text
    header_actors = len(
        [line for line in data.decode("utf-8-sig").splitlines()[2:] if line.strip()]
    )  # after the scenario and column lines
    assert len(res.json()["scenario"]["actors"]) == header_actors


def test_a_broken_upload_is_422_naming_the_field_and_the_file(client):
    text = (
        "name: broken\nactors:\n- {id: A, capability: 1}\n- {id: B, capability: -3}\nissues: [{id: i}]\n"
        "stances: {A: {i: {position: 10, salience: 50}}, B: {i: {position: 90, salience: 50}}}\n"
    )
    res = upload(client, "broken.yaml", text.encode())
    assert res.status_code == 422
    assert res.json()["detail"][0]["loc"] == ["file", "actors", 1, "capability"]
    assert res.json()["message"].startswith("broken.yaml: actors.1.capability")
    res = upload(client, "x.exe", b"MZ")
    assert res.status_code == 422 and ".yaml" in res.json()["message"]


def test_oversize_bodies_are_413_declared_or_streamed(client):
    big = b"#" * (2 * 1024 * 1024 + 1)
    res = upload(client, "big.yaml", big)
    assert res.status_code == 413

    def chunks():  # no Content-Length: the limit must hold while streaming
        for k in range(0, len(big), 64 * 1024):
            yield big[k : k + 64 * 1024]

    res = upload(client, "big.yaml", chunks())
    assert res.status_code == 413
    res = client.post("/api/run", content=chunks(), headers={"content-type": "application/json"})
    assert res.status_code == 413


@pytest.mark.parametrize(
    "name",
    [
        "../../pyproject.toml",
        "..%2F..%2Fpyproject.toml",
        "%2e%2e%2f%2e%2e%2fpyproject.toml",
        quote(str(example_path("ec-emissions")), safe=""),
        quote("/etc/passwd", safe=""),
        "ec-emissions.yaml",
    ],
)
def test_examples_are_addressed_only_by_name(client, name):
    res = client.get(f"/api/examples/{name}")
    assert res.status_code == 404
    body = res.json()
    assert set(body) <= {"detail", "message"} and isinstance(body["detail"], str)  # an error, not a scenario
    for leak in ("stances", "capability", "[project]", "root:", str(example_path("ec-emissions").parent)):
        assert leak not in res.text, leak


@pytest.mark.parametrize(
    "path",
    [
        "/static/../pyproject.toml",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/..%2f..%2fapp.py",
        "/static//etc/passwd",
    ],
)
def test_static_files_do_not_escape_their_folder(client, path):
    res = client.get(path)
    assert res.status_code == 404
    assert "[project]" not in res.text and "root:" not in res.text


def test_an_upload_name_is_never_used_as_a_path(client, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a" / "b").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "a" / "b")
    csv = b"scenario,actor,issue,position,salience,capability\n"
    res = upload(client, "../../evil.csv", csv)
    assert res.status_code == 422
    assert "evil.csv" in res.json()["message"] and "../" not in res.json()["message"]
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "b"]


def test_yaml_download_round_trips_the_edited_scenario(client, ec):
    ec["actors"][0]["capability"] = 0.5
    res = client.post("/api/scenario/yaml", json={"scenario": ec})
    assert res.status_code == 200
    assert 'filename="ec-emissions.yaml"' in res.headers["content-disposition"]
    assert loads_yaml(res.text).actors[0].capability == 0.5


def test_compare_runs_each_variant(client, ec):
    moved = {**ec, "stances": {**ec["stances"], "DK": {"emissions": {"position": 10, "salience": 100}}}}
    res = client.post(
        "/api/compare",
        json={
            "model": "weighted-mean",
            "variants": [{"name": "base", "scenario": ec}, {"name": "DK moves", "scenario": moved}],
        },
    )
    assert res.status_code == 200, res.text
    rows = {r["variant"]: r["forecast"] for r in res.json()["rows"]}
    assert rows["base"] == pytest.approx(weighted_mean(EC))
    assert rows["DK moves"] == pytest.approx(weighted_mean({**EC, "DK": (0.05, 100, 10)}))
    bad = {**ec, "actors": ec["actors"][:1] + [{"id": "BE", "capability": "x"}] + ec["actors"][2:]}
    res = client.post(
        "/api/compare",
        json={"variants": [{"name": "base", "scenario": ec}, {"name": "bad", "scenario": bad}]},
    )
    assert res.status_code == 422
    assert res.json()["detail"][0]["loc"] == ["body", "variants", 1, "scenario", "actors", 1, "capability"]


def test_report_download_is_self_contained_html(client, ec):
    res = client.post("/api/report", json={"scenario": ec, "models": ["weighted-mean"], "draws": 0})
    assert res.status_code == 200
    assert 'filename="ec-emissions-report.html"' in res.headers["content-disposition"]
    assert "<section id='assumptions'>" in res.text and "Plotly.newPlot" in res.text
    assert '<script src="http' not in res.text


def test_openapi_documents_the_api(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/api/examples",
        "/api/examples/{name}",
        "/api/run",
        "/api/compare",
        "/api/report",
        "/api/scenario/upload",
        "/api/scenario/validate",
        "/api/scenario/yaml",
    } <= set(paths)
    assert client.get("/docs").status_code == 200


def test_fifty_concurrent_requests_on_a_real_server():
    scenario = loads_yaml(example_path("ec-emissions").read_text(encoding="utf-8")).model_dump(mode="json")
    expected = weighted_mean(EC)
    with (
        running_server() as base,
        httpx.Client(base_url=base, timeout=60, limits=httpx.Limits(max_connections=50)) as http,
    ):

        def one(k: int) -> float | str:
            """A mix of cheap and model-running requests: examples, validation, runs."""
            if k % 5 == 0:
                res = http.get("/api/examples")
            elif k % 5 == 1:
                res = http.post("/api/scenario/validate", json={"scenario": scenario})
            else:
                res = http.post("/api/run", json={"scenario": scenario, "model": "weighted-mean", "seed": k})
            res.raise_for_status()
            return res.json()["forecast"][0]["forecast"] if k % 5 > 1 else res.request.method

        with ThreadPoolExecutor(max_workers=50) as pool:
            answers = list(pool.map(one, range(50)))
    forecasts = [a for a in answers if not isinstance(a, str)]
    assert answers.count("GET") == 10 and answers.count("POST") == 10 and len(forecasts) == 30
    assert forecasts == pytest.approx([expected] * 30)
