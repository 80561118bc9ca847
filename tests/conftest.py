"""Shared test fixtures: where the reference data lives (../shared beside the repository)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
