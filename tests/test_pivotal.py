"""Pivotal actors: remove/shift/Shapley against hand-worked weighted means."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from analysis_helpers import ObjectPathMean, three_actors

from accord.analysis.pivotal import pivotal_actors
from accord.errors import ParameterError
from accord.models import make_model
from accord.scenario import Scenario, load

# Hand-worked on three_actors(): weights A 100 at 20, B 100 at 100, C 50 at 40.
# v(ABC) = (2000 + 10000 + 2000) / 250 = 56; without A: 12000/150 = 80; without B: 4000/150 = 26.667;
# without C: 12000/200 = 60.
COALITION = {
    "": 50.0,
    "A": 20.0,
    "B": 100.0,
    "C": 40.0,
    "AB": 60.0,
    "AC": 4000 / 150,
    "BC": 80.0,
    "ABC": 56.0,
}


def effects(frame: pd.DataFrame, method: str, issue: str = "x") -> dict[str, float]:
    sub = frame[(frame.method == method) & (frame.issue == issue)]
    return dict(zip(sub.actor, sub.effect, strict=False))


def test_remove_effects_match_the_hand_worked_means():
    got = effects(pivotal_actors(three_actors(), make_model("weighted-mean"), method=("remove",)), "remove")
    assert got == pytest.approx({"A": 56 - 80, "B": 56 - 4000 / 150, "C": 56 - 60})


def test_shift_effect_is_weight_share_times_shift_and_halves_when_clipped():
    # d = 0.1 x 100 = 10; unclipped response w/W x d: A 100/250 x 10 = 4, C 50/250 x 10 = 2;
    # B sits at the top, so only the downward move counts: (0 + 4) / 2 = 2.
    got = effects(
        pivotal_actors(three_actors(), make_model("weighted-mean"), method=("shift",), shift=0.1), "shift"
    )
    assert got == pytest.approx({"A": 4.0, "B": 2.0, "C": 2.0})


def test_exact_shapley_equals_the_hand_sum_and_adds_up_to_the_full_move():
    v = COALITION
    phi_a = (v["A"] - v[""]) / 3 + (v["AB"] - v["B"]) / 6 + (v["AC"] - v["C"]) / 6 + (v["ABC"] - v["BC"]) / 3
    got = effects(
        pivotal_actors(three_actors(status_quo=50), make_model("weighted-mean"), method=("shapley",)),
        "shapley",
    )
    assert got["A"] == pytest.approx(phi_a)
    assert sum(got.values()) == pytest.approx(v["ABC"] - v[""])  # efficiency: from the status quo to 56


def test_ranks_follow_absolute_effects():
    frame = pivotal_actors(load("afghanistan-2013"), make_model("weighted-mean"))
    assert list(frame.columns) == ["actor", "issue", "method", "effect", "rank"]
    for _, group in frame.groupby(["method", "issue"]):
        ordered = group.sort_values("rank")
        sizes = ordered["effect"].abs().to_numpy()
        assert np.all(np.diff(sizes) <= 1e-12)
        assert ordered["rank"].iloc[0] == 1


def test_object_path_matches_the_vectorised_path():
    # A model without `batch` removes actors from the scenario itself (relations, channels, events
    # follow); on a weighted mean that must give what masking the arrays gives.
    sc = load("afghanistan-2013")
    fast = pivotal_actors(sc, make_model("weighted-mean"), method=("remove", "shapley"))
    slow = pivotal_actors(sc, ObjectPathMean(), method=("remove", "shapley"))
    merged = fast.merge(slow, on=["actor", "issue", "method"])
    assert len(merged) == len(fast) == len(slow)
    np.testing.assert_allclose(merged.effect_x, merged.effect_y, atol=1e-9)


def _brute_shapley(caps, sals, pos, sq):
    """Exact Shapley of a one-issue weighted mean by enumerating every ordering's coalitions."""
    n = len(caps)
    w = np.array(caps) * np.array(sals)

    def value(members):
        if not members:
            return sq
        idx = list(members)
        return float(np.dot(w[idx], np.array(pos)[idx]) / w[idx].sum())

    phi = np.zeros(n)
    for k in range(n):
        others = [j for j in range(n) if j != k]
        for size in range(n):
            for s in itertools.combinations(others, size):
                weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
                phi[k] += weight * (value(set(s) | {k}) - value(set(s)))
    return phi


def test_sampled_shapley_for_many_actors_is_close_and_still_adds_up():
    rng = np.random.default_rng(0)
    n = 10
    caps, sals, pos = (
        rng.uniform(5, 50, n).round(),
        rng.uniform(10, 100, n).round(),
        rng.uniform(0, 100, n).round(),
    )
    sc = Scenario.model_validate(
        {
            "name": "ten",
            "actors": [{"id": f"a{k}", "capability": float(caps[k])} for k in range(n)],
            "issues": [{"id": "x", "status_quo": 30}],
            "stances": {
                f"a{k}": {"x": {"position": float(pos[k]), "salience": float(sals[k])}} for k in range(n)
            },
        }
    )
    exact = _brute_shapley(caps, sals, pos, 30.0)
    got = effects(
        pivotal_actors(sc, make_model("weighted-mean"), method=("shapley",), permutations=3000), "shapley"
    )
    sampled = np.array([got[f"a{k}"] for k in range(n)])
    assert sampled.sum() == pytest.approx(exact.sum())  # every permutation adds up exactly
    assert np.max(np.abs(sampled - exact)) < 1.0


def test_bad_method_and_shift_are_refused():
    with pytest.raises(ParameterError, match="allowed: remove, shift, shapley"):
        pivotal_actors(three_actors(), make_model("weighted-mean"), method=("vote",))
    with pytest.raises(ParameterError):
        pivotal_actors(three_actors(), make_model("weighted-mean"), shift=0)
