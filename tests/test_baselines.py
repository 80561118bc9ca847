"""Baselines against hand-worked numbers and the EC table (BDM 1994 p. 78, via models.md §4)."""

from __future__ import annotations

import numpy as np
import pytest

import accord
from accord.errors import ParameterError, UnsupportedScenario
from accord.models import make_model
from accord.models.baselines import weighted_mean, weighted_median
from accord.models.nash.core import nash_bargain_1d
from accord.scenario import Scenario
from accord.testing import check_model

# EC car-emissions table as printed in shared/docs/models.md §4 (capability, position, salience).
EC = [
    (0.08, 4, 80),
    (0.08, 7, 40),
    (0.03, 4, 20),
    (0.16, 4, 80),
    (0.16, 10, 60),
    (0.16, 10, 60),
    (0.16, 10, 90),
    (0.05, 7, 10),
    (0.05, 4, 100),
    (0.08, 7, 70),
]


def test_ec_weighted_mean_matches_published_7_39():
    # models.md §4: "Computed baselines: c·s-weighted mean 7.39"
    assert round(accord.forecast("ec-emissions", "weighted-mean").forecast_of("emissions"), 2) == 7.39


def test_ec_weighted_median_matches_published_7_0():
    # models.md §4: "weighted median / Condorcet winner 7.0"
    assert accord.forecast("ec-emissions", "weighted-median").forecast_of("emissions") == 7.0


def test_ec_weighted_mean_by_hand_from_the_table():
    num = sum(c * s * x for c, x, s in EC)
    den = sum(c * s for c, x, s in EC)
    assert accord.forecast("ec-emissions").forecast_of("emissions") == pytest.approx(num / den, rel=1e-12)


def test_weighted_median_hand_cases():
    # weights 1,1,1 at 0,5,9 -> median 5; weights 3,1,1 -> the heavy actor at 0 holds >= half.
    pos = np.array([[0.0], [5.0], [9.0]])
    assert weighted_median(pos, np.array([[1.0], [1.0], [1.0]]))[0] == 5.0
    assert weighted_median(pos, np.array([[3.0], [1.0], [1.0]]))[0] == 0.0
    # exactly half at the first position: the smallest position reaching half wins
    assert weighted_median(pos[:2], np.array([[1.0], [1.0]]))[0] == 0.0
    # zero-weight actors do not count
    assert weighted_median(pos, np.array([[0.0], [1.0], [3.0]]))[0] == 9.0


def test_weighted_mean_ignores_absent_stances():
    pos = np.array([[10.0], [np.nan], [40.0]])
    w = np.array([[1.0], [0.0], [2.0]])
    assert weighted_mean(pos, w)[0] == pytest.approx(30.0)


def test_batch_axis_gives_each_draw_its_own_forecast():
    pos = np.array([[[0.0], [10.0]], [[0.0], [20.0]]])  # (draws=2, actors=2, issues=1)
    w = np.ones_like(pos)
    np.testing.assert_allclose(weighted_mean(pos, w)[:, 0], [5.0, 10.0])


def test_nash_linear_two_actors_hand_worked():
    # Actors at 20 and 80, equal power, linear loss, status quo 0. Feasible: both prefer x to 0,
    # i.e. x in (0, 40). On [20, 40): log(40 - x) + log(x) peaks at x = 20; on (0, 20]:
    # 2 log(x) increases; so x* = 20.
    x = nash_bargain_1d(np.array([20.0, 80.0]), np.ones(2), np.ones(2), 0.0, 0.0, 100.0, 1.0)
    assert x == pytest.approx(20.0, abs=1e-8)


def test_nash_quadratic_symmetric_and_far_status_quo():
    # Status quo at 0, actors at 40 and 60: gains 40² - (y-40)² and 60² - (y-60)². The first-order
    # condition (y-40)/(80y - y²) = (60-y)/(120y - y²), divided by y:
    # (y-40)(120-y) = (60-y)(80-y)  =>  -y² + 160y - 4800 = y² - 140y + 4800  =>  y² - 150y + 4800 = 0
    # => y = (150 - sqrt(22500 - 19200)) / 2 = (150 - sqrt(3300)) / 2.
    x = nash_bargain_1d(np.array([40.0, 60.0]), np.ones(2), np.ones(2), 0.0, 0.0, 100.0, 2.0)
    assert x == pytest.approx((150 - np.sqrt(3300)) / 2, abs=1e-8)
    # Quadratic loss, equal saliences, powers 3:1, status quo very far: the first-order condition
    # Σ c_i (x - x_i) / (gain_i) = 0 tends to the power-weighted mean (Achen's argument): 0.75*40 + 0.25*60.
    x = nash_bargain_1d(np.array([40.0, 60.0]), np.array([3.0, 1.0]), np.ones(2), -1e6, -1e6, 1e6, 2.0)
    assert x == pytest.approx(45.0, abs=1e-3)


def test_nash_matches_a_brute_force_grid():
    rng = np.random.default_rng(7)
    for _ in range(20):
        x = rng.uniform(0, 100, 5)
        c = rng.uniform(0.5, 3, 5)
        s = rng.uniform(0.2, 1, 5)
        d = float(rng.uniform(0, 100))
        got = nash_bargain_1d(x, c, s, d, 0.0, 100.0, 2.0)
        grid = np.linspace(0, 100, 200001)
        gain = -s[:, None] * (grid - x[:, None]) ** 2 + s[:, None] * (d - x[:, None]) ** 2
        ok = np.all(gain > 0, axis=0)
        if not ok.any():
            assert got == d
            continue
        obj = np.where(ok, np.sum(c[:, None] * np.log(np.where(gain > 0, gain, 1)), axis=0), -np.inf)
        assert got == pytest.approx(grid[np.argmax(obj)], abs=1e-3)


def test_nash_veto_player_at_status_quo_keeps_it():
    x = nash_bargain_1d(np.array([30.0, 90.0]), np.ones(2), np.ones(2), 30.0, 0.0, 100.0, 2.0)
    assert x == 30.0


def test_status_quo_and_nash_refuse_scenarios_without_status_quo():
    sc = accord.load("ec-emissions")
    for name in ("status-quo", "nash"):
        with pytest.raises(UnsupportedScenario, match="status quo"):
            make_model(name).run(sc)
    assert make_model("nash", disagreement="worst").run(sc).forecast_of("emissions") > 4


def test_nash_parameter_errors_name_allowed_values():
    with pytest.raises(ParameterError, match="allowed"):
        make_model("nash", kappa=0)
    with pytest.raises(ParameterError, match="status_quo, worst"):
        make_model("nash", disagreement="median")
    with pytest.raises(ParameterError, match="unknown model"):
        make_model("no-such-model")


@pytest.mark.parametrize(
    "name,params",
    [
        ("weighted-mean", {}),
        ("weighted-median", {}),
        ("status-quo", {}),
        ("nash", {}),
        ("nash", {"disagreement": "worst", "kappa": 1.0}),
    ],
)
def test_baselines_pass_check_model(name, params):
    check_model(make_model(name, **params))


def test_check_model_catches_a_broken_model():
    from accord.models.baselines import WeightedMean

    class OrderDependent(WeightedMean):
        name = "broken"

        def forecast_batch(self, arrays, rng=None):
            return arrays.position[..., 0, :]  # the first actor's position: depends on actor order

    with pytest.raises(AssertionError, match="actor order"):
        check_model(OrderDependent())


def test_zero_weight_issue_is_unsupported():
    sc = Scenario.model_validate(
        {
            "name": "z",
            "actors": [{"id": "A", "capability": 1}, {"id": "B", "capability": 1}],
            "issues": [{"id": "i"}],
            "stances": {
                "A": {"i": {"position": 10, "salience": 0}},
                "B": {"i": {"position": 20, "salience": 0}},
            },
        }
    )
    with pytest.raises(UnsupportedScenario, match="no actor"):
        make_model("weighted-mean").run(sc)
