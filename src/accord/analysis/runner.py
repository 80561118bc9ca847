"""Run something for each model and note the ones that cannot, written once.

The CLI's forecast, the report (each model's run and Monte Carlo) and the backtest (every model that
builds) all run a list of models where one model refusing a scenario or its parameters must not stop
the others: a refusal is one of accord's typed errors (:class:`~accord.errors.AccordError`, e.g.
``UnsupportedScenario`` or a ``ParameterError``) and becomes a note naming the model and why.
Any other exception is a bug and propagates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

from ..errors import AccordError

if TYPE_CHECKING:
    from ..models.base import Result
    from ..scenario.schema import Scenario

T = TypeVar("T")


def each(names: Iterable[str], work: Callable[[str], T]) -> tuple[dict[str, T], dict[str, str]]:
    """``work(name)`` for each name, in order: the results by name, and for every name whose work
    raised an :class:`AccordError`, the error's message (a name given twice runs once).

    >>> from accord.errors import UnsupportedScenario
    >>> def work(name):
    ...     if name == "exchange":
    ...         raise UnsupportedScenario("model 'exchange' needs at least two issues")
    ...     return name.upper()
    >>> each(["nash", "exchange", "nash"], work)
    ({'nash': 'NASH'}, {'exchange': "model 'exchange' needs at least two issues"})
    """
    done: dict[str, T] = {}
    refused: dict[str, str] = {}
    for name in dict.fromkeys(names):
        try:
            done[name] = work(name)
        except AccordError as exc:
            refused[name] = str(exc)
    return done, refused


def run_each(scenario: Scenario, names: Iterable[str], seed: int) -> tuple[dict[str, Result], dict[str, str]]:
    """Each named model run once on ``scenario`` with ``seed`` (configured by the scenario's settings
    for it); the models that cannot run it, with the reason."""
    from ..models import build_model

    return each(names, lambda name: build_model(name, scenario).run(scenario, seed))


__all__ = ["each", "run_each"]
