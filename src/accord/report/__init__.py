"""Figures and the self-contained HTML report, built from model runs and analyses."""

from __future__ import annotations

from ..scenario.schema import Scenario
from .collect import ReportData, collect
from .html import render


def report_html(scenario: Scenario, models: list[str] | None = None, draws: int = 100, seed: int = 0) -> str:
    """Run the models and analyses on a scenario and return the report as one HTML document."""
    return render(collect(scenario, models, draws=draws, seed=seed))


__all__ = ["ReportData", "collect", "render", "report_html"]
