"""Analyses over models and scenarios: Monte Carlo, what-if variants, pivotal actors, the run store,
backtesting (names load on first use)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_attributes

if TYPE_CHECKING:
    from .montecarlo import MonteCarloResult, NoiseSpec, monte_carlo, perturb
    from .parallel import Executor
    from .pivotal import pivotal_actors
    from .runner import each, run_each
    from .store import RunStore

_NAMES = {
    **dict.fromkeys(("MonteCarloResult", "NoiseSpec", "monte_carlo", "perturb"), ".montecarlo"),
    **dict.fromkeys(("each", "run_each"), ".runner"),
    "Executor": ".parallel",
    "pivotal_actors": ".pivotal",
    "RunStore": ".store",
}
__getattr__, __dir__ = lazy_attributes(__name__, _NAMES, globals())
__all__ = [
    "Executor",
    "MonteCarloResult",
    "NoiseSpec",
    "RunStore",
    "each",
    "monte_carlo",
    "perturb",
    "pivotal_actors",
    "run_each",
]
