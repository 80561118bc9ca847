"""Small models and scenarios for the analysis tests (imported by them, and by the resume subprocess)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from accord.models.base import BatchResult, Model, Result
from accord.models.baselines import WeightedMean
from accord.scenario import Scenario


class ObjectPathMean(Model):
    """The weighted mean without the batch tag, so analyses take the per-scenario path."""

    name: ClassVar[str] = "test-object-mean"
    tags: ClassVar[frozenset[str]] = frozenset({"static"})

    def __init__(self) -> None:
        pass

    def run(self, scenario: Scenario, rng=None) -> Result:
        return WeightedMean().run(scenario, rng)


class CoinAgreement(Model):
    """Agreement with probability 0.3 at a uniform round 0..9, as the agents model reports it."""

    name: ClassVar[str] = "test-coin"
    tags: ClassVar[frozenset[str]] = frozenset({"stochastic"})

    def __init__(self) -> None:
        pass

    def run(self, scenario: Scenario, rng=None) -> Result:
        return WeightedMean().run(scenario, rng)

    def run_batch(self, scenario, arrays, rng) -> BatchResult:
        draws = arrays.position.shape[0]
        agreed = rng.random(draws) < 0.3
        rounds = np.where(agreed, rng.integers(0, 10, draws), np.nan)
        return BatchResult(
            np.zeros((draws, arrays.n_issues)), {"agreement": agreed, "agreement_round": rounds}
        )


def three_actors(status_quo: float = 50.0) -> Scenario:
    """One issue, weights c x s: A 2x50=100 at 20, B 1x100=100 at 100, C 1x50=50 at 40 (mean 56)."""
    return Scenario.model_validate(
        {
            "name": "three",
            "start": "2020-01-06",
            "round_days": 7,
            "actors": [
                {"id": "A", "capability": 2},
                {"id": "B", "capability": 1},
                {"id": "C", "capability": 1},
            ],
            "issues": [{"id": "x", "min": 0, "max": 100, "status_quo": status_quo}],
            "stances": {
                "A": {"x": {"position": 20, "salience": 50}},
                "B": {"x": {"position": 100, "salience": 100}},
                "C": {"x": {"position": 40, "salience": 50}},
            },
            "relations": [{"actors": ["A", "B"], "alignment": 0.2}],
            "channels": [{"id": "venue", "members": ["A", "B", "C"], "host": "C"}],
            "events": [
                {"id": "e1", "round": 2, "type": "position_shift", "actor": "C", "issue": "x", "by": 5}
            ],
        }
    )


def two_at_middle() -> Scenario:
    """Two equal actors at 40 and 60 on 0-100: the weighted mean is their average, 50."""
    return Scenario.model_validate(
        {
            "name": "two",
            "actors": [{"id": "A", "capability": 1}, {"id": "B", "capability": 1}],
            "issues": [{"id": "x", "min": 0, "max": 100}],
            "stances": {
                "A": {"x": {"position": 40, "salience": 50}},
                "B": {"x": {"position": 60, "salience": 50}},
            },
        }
    )
