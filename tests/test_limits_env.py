"""The limits read from ``ACCORD_LIMIT_*`` variables are cached, yet a changed variable takes effect on the
next call in the same process (limits.current reads the values each time and keys the cache on them)."""

from __future__ import annotations

import os

import pytest

from accord.errors import ScenarioError
from accord.scenario.limits import Limits, applied, current


def test_a_changed_variable_changes_the_limits_on_the_next_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACCORD_LIMIT_MAX_ACTORS", raising=False)
    assert current().max_actors == Limits().max_actors
    monkeypatch.setenv("ACCORD_LIMIT_MAX_ACTORS", "5")
    assert current().max_actors == 5
    monkeypatch.setenv("ACCORD_LIMIT_MAX_ACTORS", "6")
    assert current().max_actors == 6
    monkeypatch.setenv("ACCORD_LIMIT_MAX_EXPONENT", "2_000")
    assert (current().max_actors, current().max_exponent) == (6, 2000.0)
    monkeypatch.delenv("ACCORD_LIMIT_MAX_ACTORS")
    monkeypatch.delenv("ACCORD_LIMIT_MAX_EXPONENT")
    assert current() == Limits()


def test_an_invalid_value_gives_the_same_clear_error_on_every_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCORD_LIMIT_MAX_ROUNDS", "5")
    assert current().max_rounds == 5
    for _ in range(2):  # an error is never cached as if it were limits
        monkeypatch.setenv("ACCORD_LIMIT_MAX_ROUNDS", "many")
        with pytest.raises(ScenarioError, match="ACCORD_LIMIT_MAX_ROUNDS") as info:
            current()
        assert "'many'" in str(info.value) and "an integer" in str(info.value)
    monkeypatch.setenv("ACCORD_LIMIT_MAX_ROUNDS", "0")
    with pytest.raises(ScenarioError, match="must be a positive number"):
        current()
    monkeypatch.setenv("ACCORD_LIMIT_MAX_ROUNDS", "7")
    assert current().max_rounds == 7


def test_a_mapping_standing_in_for_os_environ_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "environ", {"ACCORD_LIMIT_MAX_ISSUES": "3"})
    assert current().max_issues == 3
    os.environ["ACCORD_LIMIT_MAX_ISSUES"] = "4"
    assert current().max_issues == 4


def test_installed_limits_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCORD_LIMIT_MAX_ACTORS", "5")
    with applied(Limits(max_actors=9)):
        assert current().max_actors == 9
    assert current().max_actors == 5
