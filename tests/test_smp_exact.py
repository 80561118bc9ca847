"""The SMP's fast paths make exactly the choices of KTAB's plain loops (docs/smp.md, Speed)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import KTAB

from accord.models.smp import SMP, unit_inputs
from accord.models.smp.challenge import best_challenges, best_targets, challenge_probs
from accord.models.smp.core import KtabRules, assess, coalitions, row_sums, sequential_sum
from accord.scenario import load, to_arrays
from accord.testing import check_model


def scalar_challenge(view, weight, total_sal, i, j, commit="semi"):
    """KTAB's estimate by i of its challenge to j, one third party after another, in Python floats."""
    d, rh = view.dist, view.r_hat

    def u(a, b):  # a's utility for b's position, as i estimates it
        dd, r = float(d[a, b]), float(rh[i, a])
        return (1 - dd) * (1 + dd * r) if dd <= 1 else (1 - dd) * (1 + r)

    w = [float(x) for x in weight]
    c_i = c_j = 1e-10
    for contrib in (w[i] * (u(i, i) - u(i, j)), w[j] * (u(j, i) - u(j, j))):
        if contrib > 0:
            c_i += contrib
        elif contrib < 0:
            c_j -= contrib
    c_i0, c_j0 = c_i, c_j
    for n in range(len(w)):
        if n in (i, j):
            continue
        u_ni, u_nj, u_nn = u(n, i), u(n, j), u(n, n)
        v = w[n] * (u_ni - u_nj)
        p_in = (c_i0 + max(v, 0.0)) / ((c_i0 + max(v, 0.0)) + (c_j0 + max(-v, 0.0)))
        p_jn = 1.0 - p_in
        if commit == "semi":
            a, b, c, e = (
                (u_ni + u_ni) + u_nn,
                (u_nj + u_nj) + u_nj,
                (u_ni + u_ni) + u_ni,
                (u_nj + u_nj) + u_nn,
            )
        else:  # none
            a, b, c, e = (
                (u_ni + u_ni) + u_nn,
                (u_nj + u_nj) + u_nn,
                (u_ni + u_ni) + u_nn,
                (u_nj + u_nj) + u_nn,
            )
        v3 = w[n] * ((p_in * a + p_jn * b) - (p_in * c + p_jn * e))
        if v3 > 0:
            c_i += v3
        elif v3 < 0:
            c_j -= v3
    p_ij, p_ji = c_i / (c_i + c_j), c_j / (c_i + c_j)
    u_ii, u_ij = u(i, i), u(i, j)
    s_j = float(total_sal[j])
    eu_win = u_ii + u_ii
    eu_chlg = (1 - s_j) * eu_win + s_j * (p_ij * eu_win + p_ji * (u_ij + u_ij))
    return p_ij, eu_chlg - (u_ii + u_ij)


def initial_state(name, rules=KtabRules()):  # noqa: B008  (KtabRules is a frozen dataclass)
    pos, sal, cap = unit_inputs(to_arrays(load(KTAB / name)))
    total_sal = row_sums(sal)
    return assess(rules, pos, pos, sal, cap), total_sal * cap, total_sal


@pytest.mark.parametrize(
    "name,commit",
    [("dummyData_3Dim.csv", "semi"), ("SOE-Pol-Comp.csv", "semi"), ("dummyData_6Dim.csv", "none")],
)
def test_block_estimates_equal_the_scalar_loop_bit_for_bit(name, commit):
    rules = KtabRules(third_party_commit=commit)
    view, weight, total_sal = initial_state(name, rules)
    n = weight.size
    rows, cols = np.nonzero(~np.eye(n, dtype=bool))
    rows, cols = rows[:60], cols[:60]
    prob, gain = challenge_probs(rules, view, weight, total_sal, rows, rows, cols, block_elems=3 * n)
    for k, (i, j) in enumerate(zip(rows, cols, strict=False)):
        assert (prob[k], gain[k]) == scalar_challenge(view, weight, total_sal, int(i), int(j), commit)


@pytest.mark.parametrize("name", ["dummyData-a040.csv", "SOE-Policy.csv", "dummyData_6Dim.csv"])
def test_pruned_targets_equal_the_full_scan(name):
    rules = KtabRules()
    view, weight, total_sal = initial_state(name)
    n = weight.size
    rows, cols = np.nonzero(~np.eye(n, dtype=bool))
    prob, gain = np.zeros((n, n)), np.full((n, n), -np.inf)
    prob[rows, cols], gain[rows, cols] = challenge_probs(rules, view, weight, total_sal, rows, rows, cols)
    full = best_targets(gain)
    target, p, g = best_challenges(rules, view, weight, total_sal)
    assert np.array_equal(target, full) and (full >= 0).sum() > n // 2
    chosen = full >= 0
    assert np.array_equal(p[chosen], prob[chosen, full[chosen]])
    assert np.array_equal(g[chosen], gain[chosen, full[chosen]])


def test_sums_run_in_order_not_pairwise():
    # 2^53 absorbs each 1 added to it one at a time; a pairwise sum would keep them
    terms = np.ones((1000, 1))
    assert sequential_sum(np.array([2.0**53]), terms.copy())[0] == 2.0**53
    wide = np.ones((1000, 3))
    assert np.all(sequential_sum(np.full(3, 2.0**53), wide) == 2.0**53)
    # coalitions: voters join one by one from 1e-8, whatever the memory layout of the utilities
    u = np.asfortranarray(np.array([[1.0, 0.0], [0.5, 0.25], [0.0, 1.0]]))
    c = coalitions("proportional", np.array([2.0, 4.0, 1.0]), u)
    assert c[0, 1] == (1e-8 + 2.0) + 1.0 and c[1, 0] == 1e-8 + 1.0


def test_runs_on_afghanistan_and_passes_conformance():
    sc = load("afghanistan-2013")
    res = SMP().run(sc, 0)
    stated = sum(1 for stance in sc.stances.values() for _ in stance)
    assert len(res.history) == (res.info["turns"] + 1) * stated
    assert 1 <= res.info["turns"] < 100 and res.info["stop_ratio"][-1] < 0.02
    assert list(res.forecast["issue"]) == sc.issue_ids
    check_model(SMP(), [sc])
