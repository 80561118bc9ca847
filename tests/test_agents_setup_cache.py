"""The agents model caches what it reads from the actors' params and the default decision rule, since a
Monte Carlo sets up the same scenario thousands of times; the caches must never hide a check or mix up
inputs that read differently."""

from __future__ import annotations

import math

import numpy as np
import pytest

from accord.errors import ParameterError, ScenarioError
from accord.models.agents.rules import compile_rule
from accord.models.agents.strategies import agent_params


def params(a: dict, b: dict | None = None) -> dict:
    return {"A": a, "B": b or {}}


def test_the_same_params_give_the_same_read_only_arrays() -> None:
    first = agent_params(params({"strategy": "boulware", "exponent": 0.3}), ["A", "B"], "linear")
    again = agent_params(params({"strategy": "boulware", "exponent": 0.3}), ["A", "B"], "linear")
    assert again is first and not first.exponent.flags.writeable
    assert agent_params(params({"strategy": "boulware", "exponent": 0.3}), ["B", "A"], "linear") is not first
    assert (
        agent_params(params({"strategy": "boulware", "exponent": 0.3}), ["A", "B"], "conceder") is not first
    )


def test_inputs_that_read_differently_are_kept_apart() -> None:
    assert agent_params(params({"delay_cost": 1}), ["A", "B"], "linear").delay_cost[0] == 1.0
    with pytest.raises(ParameterError, match="not a number"):  # True == 1, but True is no number
        agent_params(params({"delay_cost": True}), ["A", "B"], "linear")
    zero = agent_params(params({"reservation": 0.0}), ["A", "B"], "linear").reservation[0]
    minus = agent_params(params({"reservation": -0.0}), ["A", "B"], "linear").reservation[0]
    assert math.copysign(1, zero) == 1 and math.copysign(1, minus) == -1
    assert np.isnan(agent_params(params({"reservation": math.nan}), ["A", "B"], "linear").reservation[0])
    odd = agent_params(params({"exponent": np.float64(1.0)}), ["A", "B"], "linear")  # read, not cached
    assert odd.exponent[0] == 1.0


def test_params_that_fail_a_check_fail_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(2):
        with pytest.raises(ParameterError, match="actors.A.params.concession"):
            agent_params(params({"strategy": "hardliner", "concession": 2.0}), ["A", "B"], "linear")
    risky = params({"risk": 50.0})
    assert agent_params(risky, ["A", "B"], "linear").risk[0] == 50.0
    monkeypatch.setenv("ACCORD_LIMIT_MAX_EXPONENT", "10")  # a tighter limit applies to cached params too
    with pytest.raises(ScenarioError, match="risk is out of range"):
        agent_params(risky, ["A", "B"], "linear")


def test_the_default_rule_is_compiled_once_per_parties_and_shared_read_only() -> None:
    required = np.array([True, True, False])
    rule = compile_rule(None, ["A", "B", "C"], required)
    assert compile_rule(None, ["A", "B", "C"], required.copy()) is rule
    assert not rule.required.flags.writeable and not rule.clauses[0].voter.flags.writeable
    assert rule.passes(np.array([True, True, False])) and not rule.passes(np.array([True, False, True]))
    other = compile_rule(None, ["A", "B", "C"], np.array([True, True, True]))
    assert other is not rule and not other.passes(np.array([True, True, False]))
