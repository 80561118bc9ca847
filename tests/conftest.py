"""Shared test fixtures: where the reference data lives (../shared beside the repository)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from ci_policy import pytest_make_collect_report, pytest_runtest_makereport  # noqa: F401  (hooks)

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ACCORD_SHARED", ROOT.parent / "shared"))
KTAB = SHARED / "data" / "ktab"
DEU = SHARED / "data" / "deu3"
EVENTS = SHARED / "data" / "events"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"reference data not found at {SHARED}; put the shared folder beside the repository")
    return SHARED


@pytest.fixture(autouse=True)
def _private_run_store(tmp_path, monkeypatch):
    """Commands that record runs write to a store in the test's tmp_path, never the user's own."""
    monkeypatch.setenv("ACCORD_STORE", str(tmp_path / "accord-runs.sqlite"))


@pytest.fixture(scope="module")
def forker(tmp_path_factory):
    """A fork server for crash tests: real writer processes to SIGKILL (see crash_workers.py)."""
    from crash import Forker

    server = Forker(tmp_path_factory.mktemp("forker") / "stderr.log")
    yield server
    server.close()
