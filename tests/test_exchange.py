"""Stokman's exchange model (Equal Gain): a hand-worked exchange and the model's defining properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import KTAB

import accord.scenario as sc
from accord.errors import ParameterError, UnsupportedScenario
from accord.models import make_model
from accord.models.exchange.core import best_exchange, outcomes, simulate
from accord.testing import check_model


def two_actor_scenario() -> sc.Scenario:
    return sc.Scenario.model_validate(
        {
            "name": "swap",
            "actors": [{"id": "A", "capability": 1}, {"id": "B", "capability": 2}],
            "issues": [{"id": "p", "min": 0, "max": 100}, {"id": "q", "min": 0, "max": 100}],
            "stances": {
                "A": {"p": {"position": 0, "salience": 60}, "q": {"position": 0, "salience": 20}},
                "B": {"p": {"position": 100, "salience": 20}, "q": {"position": 100, "salience": 50}},
            },
        }
    )


def test_hand_worked_equal_gain_exchange() -> None:
    # Unit scale: A at 0 and B at 1 on both issues; c = (1, 2); s_A = (.6, .2), s_B = (.2, .5).
    # W_p = 1*.6 + 2*.2 = 1.0, O_p = .4;  W_q = 1*.2 + 2*.5 = 1.2, O_q = 1/1.2 = 5/6.
    # A is on the left and B on the right of both outcomes, so they may trade.
    # s_Ap/s_Aq = 3 > s_Bp/s_Bq = .4: A demands p (B moves toward 0 on p), B demands q (A moves on q).
    # Equal gain: dq = k dp with k = (s_Ap + s_Bp)/(s_Aq + s_Bq) = .8/.7 = 8/7.
    # Bounds on dp: B's full move on p: 1 * c_B s_Bp / W_p = .4; A's full move on q:
    # 1 * c_A s_Aq / (k W_q) = .2 * 7/8 / 1.2 = 7/48; O_p reaching A: .4; O_q reaching B: (1/6)/k = 7/48.
    # So dp = 7/48, dq = 1/6: A moves all the way (dq W_q / (c_A s_Aq) = 1), B moves
    # dp W_p / (c_B s_Bp) = (7/48)/.4 = 35/96 toward A, to 1 - 35/96 = 61/96.
    # Gain of each: A: .6 * 7/48 - .2 * 1/6 = 13/240; B: .5 * 1/6 - .2 * 7/48 = 13/240.
    result = make_model("exchange").run(two_actor_scenario(), 0)
    ex = result.tables["exchanges"]
    assert len(ex) == 1
    row = ex.iloc[0]
    assert (row["actor_i"], row["demand_i"], row["actor_j"], row["demand_j"]) == ("A", "p", "B", "q")
    assert row["move_i"] == pytest.approx(100.0)
    assert row["move_j"] == pytest.approx(-100 * 35 / 96)
    assert row["shift_demand_i"] == pytest.approx(100 * 7 / 48)
    assert row["shift_demand_j"] == pytest.approx(100 / 6)
    assert row["gain"] == pytest.approx(13 / 240)
    ext = result.tables["externalities"]
    np.testing.assert_allclose(ext["utility_change"], [13 / 240, 13 / 240])
    assert result.forecast_of("p") == pytest.approx(100 * (0.4 - 7 / 48))
    assert result.forecast_of("q") == pytest.approx(100.0)
    final = result.history[result.history["round"] == result.history["round"].max()].set_index(
        ["actor", "issue"]
    )["position"]
    assert final[("B", "p")] == pytest.approx(100 * 61 / 96)
    assert final[("A", "q")] == pytest.approx(100.0)
    assert result.info["exchange_summary"] == {
        "rounds_run": 1,
        "exchanges": 1,
    }  # afterwards A and B agree on q: nothing left to trade


def test_no_exchange_when_relative_saliences_agree() -> None:
    x = np.array([[0.0, 0.0], [1.0, 1.0]])
    s = np.array([[0.6, 0.3], [0.4, 0.2]])  # both twice as keen on p as on q
    assert best_exchange(x, np.ones(2), s, np.ones((2, 2), dtype=bool), 0.0) is None


def test_no_exchange_on_the_same_side_of_the_outcome() -> None:
    # C sits far right on both issues and pulls both outcomes past B, so A and B are on one side.
    x = np.array([[0.0, 0.0], [0.2, 0.2], [1.0, 1.0]])
    s = np.array([[0.6, 0.2], [0.2, 0.5], [0.5, 0.5]])
    c = np.array([1.0, 1.0, 10.0])
    free = np.ones((3, 2), dtype=bool)
    free[2] = False  # C may not trade, so only A-B remains
    assert best_exchange(x, c, s, free, 0.0) is None


def random_case(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n, m = 6, 3
    return rng.uniform(0, 1, (n, m)), rng.uniform(0.5, 2, n), rng.uniform(0.05, 1, (n, m))


@pytest.mark.parametrize("seed", range(8))
def test_exchange_properties(seed: int) -> None:
    x0, c, s = random_case(seed)
    path, steps = simulate(x0, c, s, rounds=5, min_gain=1e-12)
    assert steps, "random cases with opposed actors should trade"
    w = c[:, None] * s
    x = x0.copy()
    for st in steps:
        ex = st.exchange
        i, j, p, q = ex.i, ex.j, ex.p, ex.q
        o0 = outcomes(x, w)
        # i is relatively keener on p, j on q.
        assert s[i, p] / s[i, q] > s[j, p] / s[j, q]
        new = x.copy()
        new[j, p] += ex.move_j
        new[i, q] += ex.move_i
        o1 = outcomes(new, w)
        # Each moves toward the other, never past it; the outcomes move toward the demanders, never past them.
        assert 0 < (new[j, p] - x[j, p]) / (x[i, p] - x[j, p]) <= 1 + 1e-12
        assert 0 < (new[i, q] - x[i, q]) / (x[j, q] - x[i, q]) <= 1 + 1e-12
        assert 0 < (o1[p] - o0[p]) / (x[i, p] - o0[p]) <= 1 + 1e-12
        assert 0 < (o1[q] - o0[q]) / (x[j, q] - o0[q]) <= 1 + 1e-12
        # Equal gain, measured on the voting positions at the time of the exchange.
        gain_i = s[i, p] * abs(o1[p] - o0[p]) - s[i, q] * abs(o1[q] - o0[q])
        gain_j = s[j, q] * abs(o1[q] - o0[q]) - s[j, p] * abs(o1[p] - o0[p])
        assert gain_i == pytest.approx(ex.gain, rel=1e-9) and gain_j == pytest.approx(ex.gain, rel=1e-9)
        # Externalities: every actor's utility change from its ideal position, computed here directly.
        expected = (s * (np.abs(o0 - x0) - np.abs(o1 - x0))).sum(axis=1)
        np.testing.assert_allclose(st.utility_change, expected, atol=1e-12)
        x = new
    np.testing.assert_allclose(path[-1], x)


def test_each_position_used_once_per_round() -> None:
    x0, c, s = random_case(1)
    _, steps = simulate(x0, c, s, rounds=3, min_gain=1e-12)
    for t in {st.round for st in steps}:
        used = [
            (a, d)
            for st in steps
            if st.round == t
            for a in (st.exchange.i, st.exchange.j)
            for d in (st.exchange.p, st.exchange.q)
        ]
        assert len(used) == len(set(used))


def test_one_issue_is_unsupported() -> None:
    with pytest.raises(UnsupportedScenario, match="at least two"):
        make_model("exchange").run(sc.load("ec-emissions"), 0)


@pytest.mark.parametrize("bad", [{"rounds": 0}, {"min_gain": -1}])
def test_bad_parameters(bad: dict[str, float]) -> None:
    with pytest.raises(ParameterError, match="allowed"):
        make_model("exchange", **bad)


@pytest.mark.parametrize("name", ["SOE-Pol-Comp.csv", "dummyData_3Dim.csv", "dummyData_6Dim.csv"])
def test_runs_on_multi_issue_ktab_samples(name: str) -> None:
    scen = sc.load(KTAB / name)
    result = make_model("exchange").run(scen, 0)
    arrays = sc.to_arrays(scen)
    assert len(result.forecast) == arrays.n_issues
    assert result.info["exchange_summary"]["exchanges"] == len(result.tables["exchanges"]) > 0
    assert (result.tables["exchanges"]["gain"] > 0).all()
    # Voting positions stay within the issue's scale.
    h = result.history.merge(
        pd.DataFrame({"issue": arrays.issues, "lo": arrays.lo, "hi": arrays.hi}), on="issue"
    )
    assert ((h["position"] >= h["lo"] - 1e-9) & (h["position"] <= h["hi"] + 1e-9)).all()


def test_conformance() -> None:
    check_model(make_model("exchange"))


def test_runs_on_afghanistan() -> None:
    scen = sc.load("afghanistan-2013")
    result = make_model("exchange").run(scen, 0)
    assert list(result.forecast["issue"]) == scen.issue_ids
    ex = result.tables["exchanges"]
    assert len(ex) > 0 and (ex["gain"] > 0).all()
    # Every exchange moves two voting positions: the history shows them moving.
    first, last = (
        result.history[result.history["round"] == r].set_index(["actor", "issue"])["position"]
        for r in (0, result.history["round"].max())
    )
    assert (first != last).sum() >= 2
