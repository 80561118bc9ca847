"""The conformance suite every model passes: named checks, ``check_model`` and ``parametrize_with_checks``.

Like scikit-learn's ``check_estimator`` / ``parametrize_with_checks``: a fixed list of named checks
holds every model to the protocol, so analyses and faces can treat all models alike. Each check
takes ``(model, scenarios)`` and raises AssertionError naming the model, the scenario and what
failed. ``tests/test_conformance.py`` runs every check on every model the registry lists, one test
id per (model, check), so a newly registered model is checked without editing any test.

The default scenarios always include the flagship ``afghanistan-2013``: a model that cannot run
it must say so by raising :class:`~accord.errors.UnsupportedScenario` from
``check_supported`` and ``run``; any other exception fails the suite.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from ..models.base import Model
from ..scenario import Scenario
from .analysis import check_monte_carlo, check_pivotal
from .checks import (
    check_actor_order_invariance,
    check_batch_matches_run,
    check_declares_support,
    check_pickle_round_trip,
    check_protocol,
    check_run_leaves_inputs_unchanged,
    check_run_output,
    check_same_seed_same_result,
    check_seed_dependence,
)
from .scenarios import FLAGSHIP, conformance_scenarios, supported

if TYPE_CHECKING:
    import pytest

Check = Callable[[Model, Sequence[Scenario]], None]

CHECKS: dict[str, Check] = {
    f.__name__: f
    for f in (
        check_protocol,
        check_declares_support,
        check_run_output,
        check_same_seed_same_result,
        check_seed_dependence,
        check_actor_order_invariance,
        check_run_leaves_inputs_unchanged,
        check_pickle_round_trip,
        check_batch_matches_run,
        check_monte_carlo,
        check_pivotal,
    )
}


def model_checks(model: Model) -> list[str]:
    """The names of the checks that apply to ``model`` (two depend on its tags)."""
    names = list(CHECKS)
    if "stochastic" in model.tags:
        names.remove("check_actor_order_invariance")  # other actor order, other random path
    if "batch" not in model.tags:
        names.remove("check_batch_matches_run")
    return names


def check_model(
    model: Model, scenarios: Sequence[Scenario] | None = None, *, skip: Iterable[str] = ()
) -> None:
    """Run every applicable check except ``skip`` on ``scenarios`` (default: the conformance set)."""
    skip = set(skip)
    if skip - set(CHECKS):
        raise ValueError(f"unknown checks {sorted(skip - set(CHECKS))}; allowed: {', '.join(CHECKS)}")
    scs = list(scenarios) if scenarios is not None else conformance_scenarios()
    for name in model_checks(model):
        if name not in skip:
            CHECKS[name](model, scs)


def model_id(model: Model) -> str:
    """The model's registry name when it has its default parameters, else its repr."""
    try:
        default = repr(type(model)()) == repr(model)
    except TypeError:  # a parameter without a default
        default = False
    return model.name if default else repr(model)


def parametrize_with_checks(
    models: Iterable[Model],
    expected_failures: Mapping[tuple[str, str], str] | None = None,
) -> pytest.MarkDecorator:
    """A pytest parametrization over (model, check) with ids ``<model id>-<check name>``.

    The test takes ``model`` and ``check`` and calls ``check(model)``, which runs the named check on
    the conformance scenarios. ``expected_failures`` maps (model id, check name) to a reason; those
    pairs are marked ``xfail(strict=True)``, so the fix turns them into failures until the mark goes.
    """
    import pytest

    expected = dict(expected_failures or {})
    params = []
    for model in models:
        mid = model_id(model)
        for name in model_checks(model):
            reason = expected.pop((mid, name), None)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(
                pytest.param(model, functools.partial(_run_check, name), id=f"{mid}-{name}", marks=marks)
            )
    if expected:
        raise ValueError(f"expected failures that name no (model, check) pair: {sorted(expected)}")
    return pytest.mark.parametrize("model, check", params)


def _run_check(name: str, model: Model) -> None:
    CHECKS[name](model, conformance_scenarios())


__all__ = [
    "CHECKS",
    "FLAGSHIP",
    "check_actor_order_invariance",
    "check_batch_matches_run",
    "check_declares_support",
    "check_model",
    "check_monte_carlo",
    "check_pickle_round_trip",
    "check_pivotal",
    "check_protocol",
    "check_run_leaves_inputs_unchanged",
    "check_run_output",
    "check_same_seed_same_result",
    "check_seed_dependence",
    "conformance_scenarios",
    "model_checks",
    "model_id",
    "parametrize_with_checks",
    "supported",
]
