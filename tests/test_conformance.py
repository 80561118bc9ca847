"""Every model the registry lists passes every conformance check: one test id per (model, check).

The parametrization is read from the registry at collection time, so a newly registered model
(built in or through the ``accord.models`` entry-point group) is checked without editing this
file. The second half shows each check can fail: a model broken in one way fails that check.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pytest

from accord.errors import UnsupportedScenario
from accord.models import list_models, make_model
from accord.models.base import Model, Result
from accord.models.baselines import WeightedMean
from accord.models.registry import RegistryError, register
from accord.scenario import Scenario, load
from accord.testing import (
    CHECKS,
    FLAGSHIP,
    check_model,
    conformance_scenarios,
    model_checks,
    parametrize_with_checks,
)

PROJECT_MODELS = {
    "weighted-mean",
    "weighted-median",
    "nash",
    "status-quo",
    "eum",
    "smp",
    "exchange",
    "agents",
    "ensemble",
}

# Known failures, strict: when the fix lands the test passes, strict xfail fails it, and the mark goes.
EXPECTED_FAILURES: dict[tuple[str, str], str] = {}


@parametrize_with_checks([make_model(name) for name in list_models()], EXPECTED_FAILURES)
def test_registered_model(model, check):
    check(model)


def test_the_registry_holds_every_model_of_the_project():
    assert PROJECT_MODELS <= set(list_models())


def test_the_flagship_is_in_the_suite_of_every_model():
    assert FLAGSHIP in [sc.name for sc in conformance_scenarios()]
    assert {"check_declares_support", "check_monte_carlo", "check_pivotal"} <= set(
        model_checks(make_model("smp"))
    )


def test_a_second_model_under_an_existing_name_is_refused():
    class Impostor(WeightedMean):
        name: ClassVar[str] = "eum"

    with pytest.raises(
        RegistryError, match="'eum' is already registered by accord.models.eum.model.ExpectedUtility"
    ):
        register(Impostor)
    assert list_models()["eum"].__module__ == "accord.models.eum.model"
    register(list_models()["eum"])  # the same class again is not a second model


# ---- each check catches the defect it is about ----------------------------------------------------


class _Mean(WeightedMean):
    """A weighted mean to break in one way per subclass (registered nowhere)."""

    name: ClassVar[str] = "broken"
    summary: ClassVar[str] = "a deliberately broken model"


class _Unpicklable(_Mean):
    def __init__(self) -> None:
        self.hook = lambda x: x  # a lambda attribute: pickle cannot ship it to a Dask worker


class _MutatesScenario(_Mean):
    def run(self, scenario, rng=None):
        scenario.actors[0].capability += 1.0
        return super().run(scenario, rng)


class _CachesInSelf(_Mean):
    def run(self, scenario, rng=None):
        self.last = scenario.name  # state left behind by run()
        return super().run(scenario, rng)


class _IgnoresSeed(_Mean):
    tags: ClassVar[frozenset[str]] = frozenset({"static", "stochastic"})


class _SeedDependent(_Mean):
    """Not tagged stochastic, yet the forecast moves with the seed."""

    tags: ClassVar[frozenset[str]] = frozenset({"static"})

    def run(self, scenario, rng=None):
        res = super().run(scenario, rng)
        res.forecast["forecast"] = res.forecast["forecast"] * (1 - 1e-3 * np.random.default_rng(rng).random())
        return res


class _FlagshipCrashes(_Mean):
    def run(self, scenario, rng=None):
        if scenario.name == FLAGSHIP:
            raise ValueError("cannot handle channels")  # not declared as UnsupportedScenario
        return super().run(scenario, rng)


class _FlagshipDeclared(_Mean):
    def check_supported(self, scenario):
        if scenario.name == FLAGSHIP:
            raise UnsupportedScenario("no channels here")
        super().check_supported(scenario)


class _NoBatchPath(Model):
    """Runs, but has no batch path and a run_batch that drops the last draw."""

    name: ClassVar[str] = "broken"
    summary: ClassVar[str] = "a deliberately broken model"
    tags: ClassVar[frozenset[str]] = frozenset({"static"})

    def __init__(self) -> None:
        pass

    def run(self, scenario: Scenario, rng=None) -> Result:
        return WeightedMean().run(scenario, rng)

    def run_batch(self, scenario, arrays, rng):
        out = super().run_batch(scenario, arrays, rng)
        return type(out)(out.forecast[:-1])


class _PivotalBreaks(_Mean):
    def forecast_batch(self, arrays, rng=None):
        if np.isnan(arrays.position).any():  # a coalition without some actor
            raise UnsupportedScenario("no actor has positive capability x salience")
        return super().forecast_batch(arrays, rng)


@pytest.mark.parametrize(
    "broken,check,needle",
    [
        (_Unpicklable(), "check_pickle_round_trip", "does not pickle"),
        (_MutatesScenario(), "check_run_leaves_inputs_unchanged", "changed ec-emissions"),
        (_CachesInSelf(), "check_run_leaves_inputs_unchanged", "attributes ['last']"),
        (_IgnoresSeed(), "check_seed_dependence", "tagged stochastic but seeds 1 and 2 give the same"),
        (_SeedDependent(), "check_seed_dependence", "not tagged stochastic"),
        (_NoBatchPath(), "check_monte_carlo", "shape"),
        (_PivotalBreaks(), "check_pivotal", "pivotal actors failed"),
    ],
    ids=lambda v: v if isinstance(v, str) and v.startswith("check_") else None,
)
def test_each_check_catches_its_defect(broken, check, needle):
    assert check in model_checks(broken)
    with pytest.raises(AssertionError, match=needle.replace("[", r"\[").replace("]", r"\]")):
        CHECKS[check](broken, conformance_scenarios())
    CHECKS[check](_Mean(), conformance_scenarios())  # the unbroken model passes the same check


def test_a_model_failing_on_the_flagship_fails_unless_it_declares_so():
    with pytest.raises(ValueError, match="cannot handle channels"):
        check_model(_FlagshipCrashes(), skip=["check_monte_carlo", "check_pivotal"])
    check_model(_FlagshipDeclared())


def test_check_model_runs_on_given_scenarios_and_names_unknown_checks():
    check_model(make_model("weighted-median"), [load("ec-emissions")])
    with pytest.raises(ValueError, match="check_pivotal"):
        check_model(make_model("weighted-median"), skip=["check_pivot"])
