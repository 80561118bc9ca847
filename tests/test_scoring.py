"""Proper scores against closed forms, the proposal bootstrap against a hand-worked case, and the
distributional ensemble's algebra, fit and fold hygiene."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from accord.analysis import ensemble, scoring
from accord.analysis.distributions import Predictive, mixture
from accord.analysis.ensemble_fit import conformal_for

LO, HI = np.zeros(1), np.full(1, 100.0)


def atoms(values, weights=None) -> Predictive:
    v = np.asarray(values, dtype=float)[None, :]
    w = np.full_like(v, 1 / v.size) if weights is None else np.asarray(weights, dtype=float)[None, :]
    return Predictive(v, w, LO, HI)


def test_crps_of_a_normal_matches_the_closed_form():
    """CRPS(N(mu, s), y) = s [z (2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi)], z = (y - mu)/s (Gneiting,
    Raftery, Westveld & Goldman 2005, Mon. Wea. Rev. 133:1098, eq. 5), here from 20,000 quantile atoms."""
    mu, s, m = 40.0, 8.0, 20_000
    q = norm.ppf((np.arange(m) + 0.5) / m, mu, s)
    for y in (40.0, 47.0, 20.0):
        z = (y - mu) / s
        exact = s * (z * (2 * norm.cdf(z) - 1) + 2 * norm.pdf(z) - 1 / np.sqrt(np.pi))
        assert scoring.crps(atoms(q), np.array([y]))[0] == pytest.approx(exact, rel=2e-4)
    assert 8.0 * (2 * norm.pdf(0) - 1 / np.sqrt(np.pi)) == pytest.approx(
        8.0 * (np.sqrt(2) - 1) / np.sqrt(np.pi)
    )  # 1.8696


def test_crps_of_point_masses_and_a_two_point_mixture_by_hand():
    """Point mass: |x - y|. Two points a, b with weights w, 1-w: w|a-y| + (1-w)|b-y| - w(1-w)|a-b|
    (E|X-y| - E|X-X'|/2, Gneiting & Raftery 2007, JASA 102:359, section 4.2)."""
    assert scoring.crps(atoms([30.0]), np.array([72.0]))[0] == pytest.approx(42.0)
    two = atoms([0.0, 100.0], [0.3, 0.7])
    assert scoring.crps(two, np.array([50.0]))[0] == pytest.approx(0.3 * 50 + 0.7 * 50 - 0.21 * 100)  # 29
    assert scoring.crps(two, np.array([0.0]))[0] == pytest.approx(0.7 * 100 - 0.21 * 100)  # 49
    assert scoring.crps(two, np.array([100.0]))[0] == pytest.approx(0.3 * 100 - 0.21 * 100)  # 9


def test_log_score_on_the_grid_coverage_and_pit_by_hand():
    at50 = atoms([50.0])
    # 20 bins of 5 points, 1% mixed uniform: a hit costs -log(0.99 + 0.0005), a miss -log(0.0005)
    assert scoring.log_score(at50, np.array([50.0]))[0] == pytest.approx(-np.log(0.9905))
    assert scoring.log_score(at50, np.array([54.9]))[0] == pytest.approx(-np.log(0.9905))
    assert scoring.log_score(at50, np.array([49.9]))[0] == pytest.approx(-np.log(0.0005))  # 7.6009
    assert scoring.log_score(atoms([100.0]), np.array([100.0]))[0] == pytest.approx(
        -np.log(0.9905)
    )  # top edge
    grid = atoms(np.arange(101.0))  # F(k) = (k+1)/101: q10 = 10, q90 = 90, q25 = 25, q75 = 75
    assert scoring.interval(grid, 0.8) == (pytest.approx([10.0]), pytest.approx([90.0]))
    assert scoring.covered(grid, np.array([90.0]), 0.8)[0] == 1.0
    assert scoring.covered(grid, np.array([90.5]), 0.8)[0] == 0.0
    assert scoring.covered(grid, np.array([24.0]), 0.5)[0] == 0.0
    # PIT of a point mass hit exactly is uniform on [0, 1] (Czado et al. 2009); above it, 1
    assert scoring.pit_histogram(at50, np.array([50.0])) == pytest.approx(np.full(10, 0.1))
    assert scoring.pit_histogram(at50, np.array([60.0])) == pytest.approx(np.r_[np.zeros(9), 1.0])
    # F(y-) = 0.3, F(y) = 0.8 at y = 50 for atoms 0 (0.3), 50 (0.5), 100 (0.2): PIT uniform on [0.3, 0.8]
    pit = scoring.pit_histogram(atoms([0.0, 50.0, 100.0], [0.3, 0.5, 0.2]), np.array([50.0]))
    assert pit == pytest.approx([0, 0, 0, 0.2, 0.2, 0.2, 0.2, 0.2, 0, 0])


def test_point_scores_by_hand():
    s = scoring.point_scores(
        np.array([10.0, 20.0, 30.0, 40.0, np.nan]), np.array([15.0, 30.0, 30.0, 100.0, 0.0])
    )
    assert (s["n"], s["mae"], s["medae"]) == (4, pytest.approx(75 / 4), pytest.approx(7.5))
    assert (s["within5"], s["within10"]) == (pytest.approx(0.5), pytest.approx(0.75))


def test_proposal_bootstrap_on_a_hand_worked_case():
    """Proposal A has issue differences 1 and 3, B has -2. Resampling two proposals: AA (p 1/4) mean 2,
    BB (1/4) -2, AB (1/2) (1 + 3 - 2)/3 = 2/3. So the interval is [-2, 2], the mean of the
    resamples 1/3, their sd sqrt(2 + 2/9 - 1/9) = 1.453, and the observed difference 2/3."""
    diff, groups = np.array([1.0, 3.0, -2.0]), np.array(["A", "A", "B"])
    sums, counts = scoring.cluster_sums(diff, groups)
    assert scoring.resampled_means(
        sums, counts, np.array([[2, 0], [0, 2], [1, 1]], dtype=float)
    ) == pytest.approx([2.0, -2.0, 2 / 3])
    out = scoring.paired_bootstrap(diff, groups, np.random.default_rng(0), resamples=20_000)
    assert out["diff"] == pytest.approx(2 / 3)
    assert (out["lo"], out["hi"]) == (pytest.approx(-2.0), pytest.approx(2.0))
    sd = np.sqrt(2 + 2 / 9 - 1 / 9)
    assert out["se"] == pytest.approx(sd, rel=0.02)
    assert out["mde"] == pytest.approx((norm.ppf(0.975) + norm.ppf(0.8)) * out["se"])  # 2.80 SE (Bloom 1995)
    assert (
        scoring.paired_bootstrap(
            np.array([1.0, np.nan, 2.0]), np.array(["A", "B", "A"]), np.random.default_rng(0)
        )
        is None
    )  # one proposal: nothing to resample


def test_mixture_crps_from_moments_equals_scoringrules_on_the_mixture():
    rng = np.random.default_rng(2)
    n = 12
    lo, hi = np.zeros(n), np.full(n, 100.0)
    parts = [
        Predictive.from_draws(rng.uniform(0, 100, (n, 7)), lo, hi),
        Predictive.point(np.where(np.arange(n) % 3 == 0, np.nan, rng.uniform(0, 100, n)), lo, hi),
        Predictive.atoms(
            [rng.uniform(0, 100, 3) for _ in range(n)], [rng.uniform(0.1, 1, 3) for _ in range(n)], lo, hi
        ),
    ]
    y = rng.choice([0.0, 50.0, 100.0], n)
    m = ensemble.moments(parts, y)
    w = rng.uniform(0.1, 1, (n, 3))
    w = np.where(m.mask, w, 0.0)
    w /= w.sum(axis=1, keepdims=True)
    assert ensemble.mixture_crps(w, m) == pytest.approx(scoring.crps(mixture(parts, w), y), abs=1e-9)
    # inserting a component later gives the same moments as computing them all at once
    late = ensemble.with_component(
        ensemble.moments(parts[:1] + parts[2:], y), parts[:1] + parts[2:], parts[1], y, 1
    )
    assert late.a == pytest.approx(m.a) and late.b == pytest.approx(m.b) and (late.mask == m.mask).all()
    assert late.below == pytest.approx(m.below) and late.upto == pytest.approx(m.upto)


def test_an_atom_on_the_interval_end_and_the_conformally_calibrated_level_by_hand():
    """F = 0.3 at 50 + 0.7 spread evenly on u_j = 50 + 5j/7 (j = 1..70), so F(u_j) = 0.3 + 0.01 j;
    100 cases with this forecast, outcomes in exact proportion: 30 at 50, one at each u_j.

    Nominal 80%: q(0.1) = 50 (the atom), q(0.9) = u_60, so [50, u_60] holds 0.3 + 0.6 = 90% of the
    forecast's mass and covers 90 of the 100 outcomes. The smallest central level holding y,
    max(1 - 2F(y), 2F(y-) - 1): 0.4 at 50; 0.4 - 0.02j for j <= 20 and 0.02j - 0.42 for j >= 21
    (j = 20: 0; j = 70: 0.98). Sorted: 40 scores below 0.4, 30 at 0.4, then j = 41..70 at ranks
    71..100. Conformal ranks ⌈101 c⌉: 51 -> 0.4, 81 -> j = 51, 0.6; 96 -> j = 66, 0.9. At 0.6 the
    interval is [q(0.2), q(0.8)] = [50, u_51]: 30 + 51 = 81 outcomes; at 0.9 [50, u_66]: 96. The 50%
    level can only reach 70 (the atom's 30 cases come in or stay out together)."""
    n = 100
    u = 50 + 5 * np.arange(1, 71) / 7
    values = np.tile(np.r_[50.0, u], (n, 1))
    weights = np.tile(np.r_[0.3, np.full(70, 0.01)], (n, 1))
    p = Predictive(values, weights, np.zeros(n), np.full(n, 100.0))
    y = np.r_[np.full(30, 50.0), u]
    lo80, hi80 = scoring.interval(p, 0.8)
    assert lo80 == pytest.approx(np.full(n, 50.0)) and hi80 == pytest.approx(np.full(n, u[59]))
    assert scoring.covered(p, y, 0.8).mean() == pytest.approx(0.90)
    s = ensemble.interval_scores(np.ones((n, 1)), ensemble.moments([p], y))
    assert s[:30] == pytest.approx(np.full(30, 0.4))
    j = np.arange(1, 71)
    assert s[30:] == pytest.approx(np.maximum(0.4 - 0.02 * j, 0.02 * j - 0.42), abs=1e-8)
    levels = ensemble.calibrated_levels(s)
    assert levels == pytest.approx((0.4, 0.6, 0.9), abs=1e-8)
    assert scoring.interval(p, levels[1])[1] == pytest.approx(np.full(n, u[50]))
    covered = [scoring.covered(p, y, c).mean() for c in levels]
    assert covered == pytest.approx([0.70, 0.81, 0.96])
    # too few held-out scores for a level: the whole support; none at all: the nominal levels
    assert ensemble.calibrated_levels(np.array([0.1, 0.2, 0.3])) == pytest.approx((0.2, 1.0, 1.0))
    assert ensemble.calibrated_levels(np.array([])) == scoring.LEVELS


def test_fitted_weight_of_two_point_masses_is_the_outcome_frequency():
    """Outcomes at a 70% of the time, at b otherwise: the expected CRPS of w at a, 1-w at b is
    |a-b| [p (1-w)^2 + (1-p) w^2], minimal at w = p, so a proper fit recovers the frequency."""
    n = 100
    lo, hi = np.zeros(n), np.full(n, 100.0)
    y = np.where(np.arange(n) < 70, 20.0, 80.0)
    parts = [Predictive.point(np.full(n, 20.0), lo, hi), Predictive.point(np.full(n, 80.0), lo, hi)]
    gate = ensemble.fit(ensemble.moments(parts, y), np.zeros((n, len(ensemble.FEATURES))), None)
    w = gate.weights(np.zeros((1, len(ensemble.FEATURES))), np.ones((1, 2), dtype=bool))[0]
    assert w[0] == pytest.approx(0.7, abs=0.005)


def test_gate_learns_a_feature_that_says_which_point_wins():
    """Outcome at a when feature 0 is 1, at b when 0: with the feature the gate beats constant weights."""
    n = 80
    lo, hi = np.zeros(n), np.full(n, 100.0)
    x = np.zeros((n, len(ensemble.FEATURES)))
    x[:, 0] = np.arange(n) % 2
    y = np.where(x[:, 0] == 1, 10.0, 90.0)
    parts = [Predictive.point(np.full(n, 10.0), lo, hi), Predictive.point(np.full(n, 90.0), lo, hi)]
    m = ensemble.moments(parts, y)
    gated = ensemble.choose(m, x, np.arange(n) // 2)
    assert gated.penalty is not None
    w = gated.weights(x, m.mask)
    assert (w[x[:, 0] == 1, 0] > 0.8).all() and (w[x[:, 0] == 0, 1] > 0.8).all()


def test_grouped_cv_never_lets_a_fold_see_its_own_outcomes():
    """Changing the outcomes of one fold's proposals changes nothing that fold's weights were fitted on;
    the conformal residuals of a case never include its own proposal."""
    rng = np.random.default_rng(5)
    n, props = 60, 20
    groups = np.repeat(np.arange(props), 3).astype(str)
    lo, hi = np.zeros(n), np.full(n, 100.0)
    point = rng.uniform(20, 80, n)
    y = np.clip(point + rng.normal(0, 20, n), 0, 100)
    parts = [Predictive.point(rng.uniform(0, 100, n), lo, hi), Predictive.point(np.full(n, 50.0), lo, hi)]
    x = rng.normal(size=(n, len(ensemble.FEATURES)))
    from accord.analysis.crossval import group_kfold

    folds = group_kfold(groups, 5)

    def weights_for(outcome: np.ndarray) -> np.ndarray:
        per_fold = [
            conformal_for(point, outcome, groups, np.setdiff1d(np.arange(n), t), lo, hi) for t in folds
        ]
        return ensemble.cross_validated(parts, per_fold, 1, outcome, x, groups, folds)[0]

    before = weights_for(y)
    changed = y.copy()
    changed[folds[0]] = 100 - changed[folds[0]]
    after = weights_for(changed)
    assert np.array_equal(before[folds[0]], after[folds[0]])  # fold 0's gate never saw its outcomes
    assert not np.allclose(before[folds[1]], after[folds[1]])  # the others did train on them
    conf = conformal_for(point, y, groups, np.arange(n), lo, hi)
    own = (y - point)[0]
    assert not np.isclose(conf.values[0][conf.weights[0] > 0] - point[0], own).any()
    assert conf.weights[0].sum() == pytest.approx(1) and (conf.weights[0] > 0).sum() == n - 3


def test_camps_rank_by_weight_then_lower_position():
    pos = np.array([0.0, 100.0, 100.0, 50.0, 0.0, np.nan])
    w = np.array([1.0, 1.0, 1.5, 3.0, 1.5, 9.0])
    assert ensemble.camps(pos, w, 100.0) == [50.0, 0.0]  # 50 weighs 3.0; 0 and 100 tie at 2.5: the lower wins
    w[2] = 1.6
    assert ensemble.camps(pos, w, 100.0) == [50.0, 100.0]  # 100 now weighs 2.6
    assert ensemble.camps(np.array([10.0, 10.0 + 1e-12]), np.ones(2), 100.0) == [
        10.0
    ]  # one camp within tolerance


def test_ensemble_fit_degenerate_inputs_fall_back_to_equal_or_constant_weights():
    lo, hi = np.zeros(3), np.full(3, 100.0)
    parts = [Predictive.point(np.full(3, 20.0), lo, hi), Predictive.point(np.full(3, 80.0), lo, hi)]
    x = np.full((3, len(ensemble.FEATURES)), np.nan)  # no feature known (a file without proc/counvte)
    m = ensemble.moments(parts, np.array([20.0, 20.0, 80.0]))
    empty = ensemble.fit(m.take(np.array([], dtype=int)), x[:0], 1.0)
    assert empty.weights(x, m.mask) == pytest.approx(np.full((3, 2), 0.5))
    one = ensemble.choose(m, x, np.array(["p", "p", "p"]))  # one proposal: no inner CV, constant weights
    assert one.penalty is None and one.weights(x, m.mask)[0, 0] == pytest.approx(2 / 3, abs=0.01)
