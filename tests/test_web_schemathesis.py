"""Property-based tests of the dashboard's API from its own OpenAPI schema, with Schemathesis.

Schemathesis reads /openapi.json from the real `accord serve` on loopback and, for every
operation, sends requests that fit the schema and requests that break it (wrong types, missing
fields, out-of-range numbers, odd strings). Whatever it sends, the server must answer without a
5xx other than the documented 503 of a limit, with no server path and no traceback in the answer,
and its log must stay free of tracebacks. Examples are few per operation and derandomised (the
suite's Hypothesis profile), so the test is bounded in time and the same in every run.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from web_server import ROOT, running_server

SERVER_PATHS = (tempfile.gettempdir() + "/", str(ROOT), "site-packages", "Traceback")


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with running_server("--time-limit", "10", log=log) as base:
        yield base, log


@pytest.fixture(scope="module")
def api_schema(served):
    base, _ = served
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=12)
    return schema


# A valid report or forecast runs Monte Carlo and a pivotal analysis (seconds each): they are left to
# test_report, test_web_answer, test_web_api and test_web_hostile, so this test stays bounded in time.
schema = (
    schemathesis.pytest.from_fixture("api_schema").exclude(path="/api/report").exclude(path="/api/forecast")
)


def no_server_path(ctx, response, case) -> None:
    leaked = [p for p in SERVER_PATHS if p in response.text]
    assert not leaked, f"the answer shows {leaked}: {response.text[:300]}"


def not_a_5xx_but_a_limit(ctx, response, case) -> None:
    if response.status_code == 503:
        assert "limit" in response.json()["message"] or "busy" in response.json()["message"]
        return
    not_a_server_error(ctx, response, case)


SEEN: list[tuple[str, int]] = []


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_never_fails_on_what_its_schema_allows_or_forbids(case, served):
    base, _ = served
    response = case.call_and_validate(
        base_url=base, timeout=60, checks=[not_a_5xx_but_a_limit, no_server_path]
    )
    SEEN.append((f"{case.method} {case.path}", response.status_code))


def test_the_log_has_no_traceback(served):
    """Runs after the property tests in this module (pytest keeps file order)."""
    _, log = served
    assert sum(status == 200 for what, status in SEEN if what == "POST /api/run") >= 3  # it did run models
    text = log.read_text()
    assert "Traceback" not in text and "Exception in ASGI" not in text, text[-3000:]
