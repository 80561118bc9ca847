"""Analyses over models and scenarios: Monte Carlo, what-if variants, pivotal actors, the run store,
backtesting."""

from .montecarlo import MonteCarloResult, NoiseSpec, monte_carlo, perturb
from .parallel import Executor
from .pivotal import pivotal_actors
from .store import RunStore

__all__ = ["Executor", "MonteCarloResult", "NoiseSpec", "RunStore", "monte_carlo", "perturb", "pivotal_actors"]
