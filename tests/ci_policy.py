"""Under CI=true a skipped test is a failed test: CI installs every dependency (chromium, spaCy,
Dask, the spaCy model), so a skip there means something is missing, not that a test does not apply.

Loaded by conftest.py. Expected failures (xfail) are not skips and keep their meaning.
"""

from __future__ import annotations

import os

import pytest

MESSAGE = "skipped under CI=true, where every dependency is installed and a skip is a failure: "


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def _reason(longrepr: object) -> str:
    text = str(longrepr[2]) if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    return text.removeprefix("Skipped: ")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = MESSAGE + _reason(report.longrepr)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    report = yield
    if in_ci() and report.skipped:  # a module-level importorskip skips the whole file
        report.outcome = "failed"
        report.longrepr = MESSAGE + _reason(report.longrepr)
    return report
