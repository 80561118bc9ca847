"""The numeric view of a scenario that models compute on.

Models work on arrays, not on pydantic objects: positions and saliences are (actors, issues)
matrices, capabilities a vector. An actor without a stance on an issue has salience 0 and a NaN
position there, so it drops out of every weighted sum. Arrays may carry a leading draw axis for
Monte Carlo: shape (draws, actors, issues).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .schema import Scenario


@dataclass(frozen=True)
class ScenarioArrays:
    """A scenario as NumPy arrays (actors x issues), the form every model computes on; see the module."""

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    capability: np.ndarray  # (..., actors)
    position: np.ndarray  # (..., actors, issues), NaN where no stance
    salience: np.ndarray  # (..., actors, issues), 0..100, 0 where no stance
    lo: np.ndarray  # (issues,)
    hi: np.ndarray  # (issues,)
    status_quo: np.ndarray  # (issues,), NaN where none

    @property
    def present(self) -> np.ndarray:
        """Where an actor takes a stance (its position is not NaN)."""
        return ~np.isnan(self.position)

    @property
    def n_actors(self) -> int:
        """The number of actors."""
        return len(self.actors)

    @property
    def n_issues(self) -> int:
        """The number of issues."""
        return len(self.issues)

    def with_values(self, **changes: Any) -> ScenarioArrays:
        """A copy with some arrays replaced (e.g. drawn positions for a Monte Carlo run)."""
        return replace(self, **changes)


def to_arrays(scenario: Scenario) -> ScenarioArrays:
    """The numeric view of a scenario: NaN position and salience 0 where an actor takes no stance."""
    actors = tuple(scenario.actor_ids)
    issues = tuple(scenario.issue_ids)
    pos = np.full((len(actors), len(issues)), np.nan)
    sal = np.zeros((len(actors), len(issues)))
    for a, aid in enumerate(actors):
        row = scenario.stances.get(aid, {})
        for i, iid in enumerate(issues):
            st = row.get(iid)
            if st is not None:
                pos[a, i] = st.position
                sal[a, i] = st.salience
    return ScenarioArrays(
        actors=actors,
        issues=issues,
        capability=np.array([a.capability for a in scenario.actors], dtype=float),
        position=pos,
        salience=sal,
        lo=np.array([i.min for i in scenario.issues], dtype=float),
        hi=np.array([i.max for i in scenario.issues], dtype=float),
        status_quo=np.array(
            [np.nan if i.status_quo is None else i.status_quo for i in scenario.issues], dtype=float
        ),
    )


def with_arrays(scenario: Scenario, arrays: ScenarioArrays) -> Scenario:
    """A copy of the scenario with capabilities, positions and saliences taken from arrays.

    Used by analyses that perturb the numbers (Monte Carlo, pivotal actors) and then run a model
    that only has the object path.
    """
    data = scenario.model_dump()
    for a, actor in enumerate(data["actors"]):
        actor["capability"] = float(arrays.capability[a])
    for a, aid in enumerate(arrays.actors):
        for i, iid in enumerate(arrays.issues):
            st = data["stances"].get(aid, {}).get(iid)
            if st is not None:
                st["position"] = float(arrays.position[a, i])
                st["salience"] = float(arrays.salience[a, i])
    return Scenario.model_validate(data)
