"""The scenarios the conformance suite runs every model on, and which of them a model supports."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import UnsupportedScenario
from ..models.base import Model
from ..scenario import Scenario, load

FLAGSHIP = "afghanistan-2013"
SEED = 123


def conformance_scenarios() -> list[Scenario]:
    """One issue, several issues, status quo present and absent, and the flagship scenario.

    The flagship is always there: a model that cannot run it must declare so by raising
    UnsupportedScenario; it is never dropped silently.
    """
    two_issue = Scenario.model_validate(
        {
            "name": "conformance-two-issue",
            "actors": [
                {"id": a, "capability": c} for a, c in (("A", 40), ("B", 25), ("C", 20), ("D", 15), ("E", 30))
            ],
            "issues": [
                {"id": "tax", "min": 0, "max": 100, "status_quo": 30},
                {"id": "spend", "min": -50, "max": 50, "status_quo": 0},
            ],
            "stances": {
                "A": {"tax": {"position": 80, "salience": 60}, "spend": {"position": -40, "salience": 30}},
                "B": {"tax": {"position": 20, "salience": 40}, "spend": {"position": 35, "salience": 50}},
                "C": {"tax": {"position": 55, "salience": 70}, "spend": {"position": 10, "salience": 20}},
                "D": {"tax": {"position": 10, "salience": 30}, "spend": {"position": -10, "salience": 60}},
                "E": {"tax": {"position": 65, "salience": 45}, "spend": {"position": 25, "salience": 40}},
            },
        }
    )
    return [load("ec-emissions"), two_issue, load(FLAGSHIP)]


def supported(model: Model, scenarios: Sequence[Scenario]) -> list[Scenario]:
    """The scenarios ``model`` says it can run (``check_supported`` raises UnsupportedScenario otherwise)."""
    out = []
    for sc in scenarios:
        try:
            model.check_supported(sc)
        except UnsupportedScenario:
            continue
        out.append(sc)
    return out
