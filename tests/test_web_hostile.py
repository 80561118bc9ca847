"""The dashboard under hostile requests: forged origins, malformed bodies, hostile files, heavy runs.

Each case here was an HTTP 500, a leaked server path, a hung worker or a server grown to 23 GB
before the HTTP layer was hardened (issue 11, section 7). The in-process client covers the
request checks; the real `accord serve` on loopback covers the time and memory limits, the
bounded pool, and the server log.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from conftest import KTAB
from fastapi.testclient import TestClient
from web_server import ROOT, pid_of, running_server

from accord.scenario import example_path, loads_yaml
from accord.web import create_app
from accord.web.limits import MAX_DEPTH, SEED_MAX

EC = loads_yaml(example_path("ec-emissions").read_text(encoding="utf-8")).model_dump(
    mode="json", exclude_none=True
)
TIME_LIMIT = 10  # seconds, for the real server below
MEMORY_LIMIT = 1024  # MiB per worker
SERVER_PATHS = (tempfile.gettempdir() + "/", str(ROOT), "site-packages", "accord-upload-")


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(), base_url="http://localhost") as http:
        yield http


def run_body(**fields) -> str:
    return json.dumps({"scenario": EC, "model": "weighted-mean", "seed": 0, **fields})


def upload(http, name: str, data: bytes, **headers: str) -> httpx.Response:
    return http.post(
        "/api/scenario/upload",
        params={"filename": name},
        content=data,
        headers={"content-type": "application/octet-stream", **headers},
    )


def assert_clean_client_error(res: httpx.Response, *statuses: int) -> str:
    """A 4xx (or the given statuses) answered in JSON with a message and no server path."""
    assert res.status_code in (statuses or range(400, 500)), (res.status_code, res.text[:300])
    assert res.headers["content-type"].startswith("application/json")
    message = res.json()["message"]
    assert message and len(message) < 1200
    assert not any(p in res.text for p in SERVER_PATHS), res.text[:300]
    return message


# ---- Host allow-list (DNS rebinding) ----------------------------------------------------------


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST"])
def test_loopback_names_are_served(client, host):
    assert client.get("/api/models", headers={"host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "", "[::1"])
def test_other_host_names_are_refused(client, host):
    res = client.get("/api/models", headers={"host": host})
    assert "--allow-host" in assert_clean_client_error(res, 400)
    res = client.post(
        "/api/run", content=run_body(), headers={"host": host, "content-type": "application/json"}
    )
    assert res.status_code == 400


def test_a_configured_name_is_served():
    with TestClient(create_app(allow_hosts=["dash.lan", "::2"]), base_url="http://dash.lan:8000") as http:
        assert http.get("/api/models").status_code == 200
        assert http.get("/api/models", headers={"host": "[::2]:8000"}).status_code == 200
        assert http.get("/api/models", headers={"host": "other.lan"}).status_code == 400


# ---- POSTs a cross-site page cannot forge -------------------------------------------------------


def test_a_cross_site_text_plain_upload_is_refused(client):
    text = example_path("ec-emissions").read_bytes()
    # What a <form enctype="text/plain"> or a no-preflight fetch() from another site sends:
    res = client.post(
        "/api/scenario/upload",
        params={"filename": "ec.yaml"},
        content=text,
        headers={"content-type": "text/plain", "origin": "http://evil.example"},
    )
    assert res.status_code == 403 and "scenario" not in res.json()
    res = client.post(
        "/api/scenario/upload",
        params={"filename": "ec.yaml"},
        content=text,
        headers={"content-type": "text/plain"},
    )
    assert "application/octet-stream" in assert_clean_client_error(res, 415)
    res = client.post("/api/scenario/upload", params={"filename": "ec.yaml"}, content=text)  # no type
    assert res.status_code == 415


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://evil.example"},
        {"origin": "null"},
        {"origin": "http://localhost:9999"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
    ],
)
def test_posts_from_another_origin_are_refused(client, headers):
    res = upload(client, "ec.yaml", example_path("ec-emissions").read_bytes(), **headers)
    assert_clean_client_error(res, 403)
    res = client.post("/api/run", content=run_body(), headers={"content-type": "application/json", **headers})
    assert_clean_client_error(res, 403)


def test_posts_from_the_dashboard_itself_are_served(client):
    same = {"origin": "http://localhost", "sec-fetch-site": "same-origin"}
    assert upload(client, "ec.yaml", example_path("ec-emissions").read_bytes(), **same).status_code == 200
    res = client.post("/api/run", content=run_body(), headers={"content-type": "application/json", **same})
    assert res.status_code == 200


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None]
)
def test_json_endpoints_take_only_json(client, content_type):
    headers = {"content-type": content_type} if content_type else {}
    res = client.post("/api/run", content=run_body(), headers=headers)
    assert "application/json" in assert_clean_client_error(res, 415)


# ---- malformed bodies ---------------------------------------------------------------------------


def nested(depth: int) -> dict:
    node: dict = {}
    for _ in range(depth):
        node = {"a": node}
    return node


@pytest.mark.parametrize(
    "body, words",
    [
        (run_body().replace('"seed": 0', '"seed": NaN'), "NaN"),
        (run_body().replace('"seed": 0', '"seed": -Infinity'), "-Infinity"),
        (run_body().replace('"seed": 0', '"seed": 1e400'), "too large"),
        (run_body().replace('"seed": 0', '"seed": ' + "9" * 5000), "5000 digits"),
        (run_body().replace('"ec-emissions"', '"\\ud800"', 1), "surrogate"),
        (run_body().replace('"name"', '"\\udc00"', 1), "surrogate"),
        (run_body().replace('"seed": 0', '"seed": 0, "seed": 1'), "twice"),
        (json.dumps({"scenario": {**EC, "actors": [{**EC["actors"][0], "params": nested(900)}]}}), "nested"),
        ("[" * 100_000 + "]" * 100_000, "nested"),
        ('{"scenario": ', "not valid JSON"),
        (b"\xff\xfe{}", "UTF-8"),
    ],
    ids=[
        "nan",
        "infinity",
        "1e400",
        "5000-digits",
        "surrogate-value",
        "surrogate-key",
        "duplicate-key",
        "params-900-deep",
        "100000-brackets",
        "truncated",
        "not-utf8",
    ],
)
def test_malformed_json_is_422_with_the_reason(client, body, words):
    res = client.post("/api/run", content=body, headers={"content-type": "application/json"})
    assert words in assert_clean_client_error(res, 422)


def test_the_depth_limit_leaves_room_for_any_scenario(client):
    params = nested(MAX_DEPTH - 8)  # body > scenario > actors > [0] > params > ... stays within the limit
    body = json.dumps({"scenario": {**EC, "actors": [{**a, "params": params} for a in EC["actors"]]}})
    res = client.post("/api/scenario/validate", content=body, headers={"content-type": "application/json"})
    assert res.status_code == 200, res.text


@pytest.mark.parametrize("seed", [-1, -(2**63) - 1, SEED_MAX + 1, 10**25, 1.5, "many"])
def test_a_seed_out_of_range_is_422_naming_the_seed(client, seed):
    res = client.post("/api/run", json={"scenario": EC, "seed": seed})
    assert_clean_client_error(res, 422)
    assert res.json()["detail"][0]["loc"] == ["body", "seed"]


def test_the_largest_seed_runs(client):
    assert client.post("/api/run", json={"scenario": EC, "model": "eum", "seed": SEED_MAX}).status_code == 200


def test_a_huge_bad_value_gives_a_short_message(client):
    bad = {**EC, "actors": [{**EC["actors"][0], "id": "x " * 200_000}, *EC["actors"][1:]]}
    message = assert_clean_client_error(client.post("/api/run", json={"scenario": bad}), 422)
    assert "characters" in message


# ---- hostile files ------------------------------------------------------------------------------

ALIAS_BOMB = (
    "name: bomb\nactors:\n- id: A\n  capability: 1\n  params:\n    a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"    {c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=False)
    )
    + "issues: [{id: i}]\nstances: {A: {i: {position: 1, salience: 1}}}\n"
).encode()

HOSTILE_FILES = {
    "int-tag.yaml": b"name: x\nround_days: !!int abc\n",
    "empty-int.yaml": b'name: x\nround_days: !!int ""\n',
    "bad-day.yaml": b"name: x\nstart: !!timestamp 2020-02-31\n",
    "bool-tag.yaml": b"name: !!bool maybe\n",
    "python-tag.yaml": b"name: !!python/object/apply:os.system [echo hi]\n",
    "tag-on-map.yaml": b"name: !!int {a: 1}\n",
    "self-anchor.yaml": b"name: &a [*a]\n",
    "deep.yaml": b"name: x\nactors: " + b"[" * 1000 + b"]" * 1000 + b"\n",
    "deep.json": b'{"name": "x", "actors": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "digits.yaml": b"name: x\nround_days: " + b"9" * 5000 + b"\n",
    "not-utf8.yaml": b"name: \xff\xfe\n",
    "blank-first-row.csv": b"\n,,,\n",
    "digits.xml": b"<Scenario><prngSeed>" + b"9" * 5000 + b"</prngSeed></Scenario>",
    "not-xml.xml": b"<Scenario><a></Scenario>",
    "entity.xml": b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY e "x">]><Scenario>&e;</Scenario>',
    "not-a-zip.xlsx": b"PK\x03\x04garbage",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_a_hostile_file_is_a_clean_4xx(client, name):
    assert_clean_client_error(upload(client, name, HOSTILE_FILES[name]))


def test_a_ktab_upload_names_the_file_not_the_server_path(client):
    res = upload(client, "SOE-Pol-Comp.csv", (KTAB / "SOE-Pol-Comp.csv").read_bytes())
    assert res.status_code == 200
    assert res.json()["scenario"]["source"] == "imported from KTAB file SOE-Pol-Comp.csv"
    res = upload(client, "dummyData_3Dim.xml", (KTAB / "dummyData_3Dim.xml").read_bytes())
    assert res.status_code == 200
    assert res.json()["scenario"]["source"] == "imported from KTAB file dummyData_3Dim.xml"
    assert not any(p in res.text for p in SERVER_PATHS)
    broken = (KTAB / "SOE-Pol-Comp.csv").read_text(encoding="utf-8-sig").replace(",", ";", 3).encode()
    assert assert_clean_client_error(upload(client, "mine.csv", broken), 422).startswith("mine.csv")


# ---- /docs offline ------------------------------------------------------------------------------


def test_the_api_docs_load_nothing_from_the_network(client):
    page = client.get("/docs").text
    assert "https://" not in page and "cdn" not in page
    scripts = [part.split('"')[0] for part in page.split('src="')[1:]]
    assert scripts and all(client.get(src).status_code == 200 for src in scripts)
    assert client.get("/openapi.json").json()["openapi"].startswith("3.")


# ---- the real server: limits, a bounded pool, a clean log ---------------------------------------


def _slow_scenario() -> dict:
    """Within every input limit (scenario/limits.py), yet minutes of SMP work: 200 actors (the SMP's
    actor limit) on three issues for 1,000 turns (the rounds limit); a turn at this size takes seconds."""
    rng = np.random.default_rng(0)
    actors = [{"id": f"A{k}", "capability": float(rng.uniform(1, 100))} for k in range(200)]
    issues = [{"id": f"i{k}"} for k in range(3)]
    stances = {
        a["id"]: {
            i["id"]: {"position": float(rng.uniform(0, 100)), "salience": float(rng.uniform(1, 100))}
            for i in issues
        }
        for a in actors
    }
    return {
        "name": "slow",
        "actors": actors,
        "issues": issues,
        "stances": stances,
        "models": {"smp": {"min_turns": 1000, "max_turns": 1000}},
    }


SLOW = _slow_scenario()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with running_server(
        "--workers",
        "2",
        "--queue",
        "0",
        "--time-limit",
        str(TIME_LIMIT),
        "--memory-limit",
        str(MEMORY_LIMIT),
        log=log,
    ) as base:
        with httpx.Client(base_url=base, timeout=120) as http:  # wait for the workers to start
            assert http.post("/api/run", json={"scenario": EC}).status_code == 200
        yield base, log


def test_heavy_requests_time_out_and_do_not_starve_the_rest(server):
    base, _ = server
    with httpx.Client(base_url=base, timeout=120) as http:
        answers: dict[str, httpx.Response] = {}

        def heavy(key: str) -> None:
            answers[key] = http.post("/api/run", json={"scenario": SLOW, "model": "smp"})

        def wait_until_active(n: int) -> None:
            deadline = time.monotonic() + 60
            while http.get("/api/status").json()["active"] < n:
                assert time.monotonic() < deadline, f"fewer than {n} requests ever became active"
                time.sleep(0.05)

        first = threading.Thread(target=heavy, args=("first",))
        started = time.monotonic()
        first.start()
        wait_until_active(1)
        assert http.post("/api/run", json={"scenario": EC}).status_code == 200  # the other worker is free
        second = threading.Thread(target=heavy, args=("second",))
        second.start()
        wait_until_active(2)
        busy = http.post("/api/run", json={"scenario": EC})  # both workers held, no queue: refused at once
        assert "busy" in assert_clean_client_error(busy, 503)
        assert http.get("/api/models").status_code == 200  # the server itself still answers
        first.join()
        second.join()
        assert time.monotonic() - started < TIME_LIMIT + 60
        for res in answers.values():
            assert res.status_code == 422 or "--time-limit" in assert_clean_client_error(res, 503)
        assert http.post("/api/run", json={"scenario": EC}).status_code == 200  # workers were replaced


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmHWM for process {pid}")


def test_a_memory_bomb_is_refused_and_the_server_stays_small(server):
    base, _ = server
    with httpx.Client(base_url=base, timeout=120) as http:
        res = upload(http, "bomb.yaml", ALIAS_BOMB)
        assert_clean_client_error(res, 413, 422, 503)
        assert http.post("/api/run", json={"scenario": EC}).status_code == 200
    pid = pid_of(base)
    assert peak_rss_mib(pid) < 1024
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        assert peak_rss_mib(int(child)) < MEMORY_LIMIT


def test_hostile_requests_leave_no_traceback_in_the_log(server):
    base, log = server
    bodies = [
        run_body().replace('"seed": 0', '"seed": NaN'),
        run_body().replace('"seed": 0', '"seed": -1'),
        run_body().replace('"ec-emissions"', '"\\ud800"', 1),
        run_body().replace('"seed": 0', '"seed": 1e400'),
        json.dumps({"scenario": {**EC, "actors": [{**EC["actors"][0], "params": nested(900)}]}}),
    ]
    with httpx.Client(base_url=base, timeout=120) as http:
        for body in bodies:
            assert_clean_client_error(
                http.post("/api/run", content=body, headers={"content-type": "application/json"})
            )
        for name, data in HOSTILE_FILES.items():
            assert_clean_client_error(upload(http, name, data))
    text = log.read_text()
    assert "Traceback" not in text, text[-3000:]


def test_five_thousand_actors_are_answered_within_the_limit(server):
    base, _ = server
    actors = [{"id": f"A{k}", "capability": 1 + k % 3} for k in range(5000)]
    stances = {a["id"]: {"emissions": {"position": 4 + k % 7, "salience": 50}} for k, a in enumerate(actors)}
    big = {**EC, "actors": actors, "stances": stances, "relations": [], "channels": [], "events": []}
    with httpx.Client(base_url=base, timeout=120) as http:
        started = time.monotonic()
        res = http.post("/api/run", json={"scenario": big, "model": "eum"})
        assert time.monotonic() - started < TIME_LIMIT + 60
        assert res.status_code == 200 or assert_clean_client_error(res, 413, 422, 503)
