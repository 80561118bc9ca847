"""Figures and the self-contained HTML report, built from model runs and analyses."""

from __future__ import annotations

from ..scenario.schema import Scenario
from .collect import ReportData, collect
from .html import render


def report_html(
    scenario: Scenario,
    models: list[str] | None = None,
    draws: int = 100,
    seed: int = 0,
    answer_draws: int | None = None,
    whatif_draws: int | None = None,
) -> str:
    """Run the models and analyses on a scenario and return the report as one HTML document
    (``answer_draws`` defaults to ``draws``; the what-ifs get at most 200 draws per variant)."""
    return render(
        collect(
            scenario,
            models,
            draws=draws,
            seed=seed,
            answer_draws=answer_draws,
            whatif_draws=min(draws, 200) if whatif_draws is None else whatif_draws,
        )
    )


__all__ = ["ReportData", "collect", "render", "report_html"]
