"""Baron & Ferejohn (1989): random recognition of proposers on a pie, against the stationary shares
worked by hand.

Closed forms (Baron & Ferejohn 1989, section III; Eraslan 2002 for unequal recognition): with n parties,
a common discount factor d and equal recognition, every continuation value is 1/n and a proposer keeps
1 - d (q - 1) / n under a q-of-n majority, each partner getting d / n; under unanimity (q = n) with
recognition probabilities p the values are p whatever p is, and proposer i keeps 1 - d (1 - p_i). With
three parties, majority rule, d = 0.9 and p = (0.5, 0.3, 0.2), the two less often recognised parties are
equally dear, x = v_B = v_C, and A, never bought, gets v_A = p_A (1 - d x) = 1 - 2x, so
x = (1 - p_A) / (2 - p_A d) = 0.5 / 1.55; A buys B with the probability m that keeps v_B = v_C:
m = (1 - (p_B - p_C)(1 - 2 d x) / (p_A d x)) / 2.
"""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from accord.errors import ScenarioError
from accord.models.agents import AgentsModel
from accord.models.agents.recognition import stationary, winning_coalitions
from accord.models.agents.rules import compile_rule
from accord.scenario import Scenario, to_arrays
from accord.scenario.rules import DecisionRule

DRAWS = 3000


def pie_game(n=3, quota=None, d=0.9, p=None, rounds=10, **negotiation):
    """n parties dividing 100; ``quota`` of n equal votes (None: unanimity)."""
    ids = "ABCDEFG"[:n]
    rule = (
        {"kind": "qualified_majority", "voters": dict.fromkeys(ids, 1), "threshold": quota / n}
        if quota
        else None
    )
    neg = {
        "required": list(ids),
        "protocol": "recognition",
        "pie": {"total": 100, "shares": {a: f"share_{a}" for a in ids}},
        "no_deal": {f"share_{a}": 0 for a in ids},
        "rule": rule,
    }
    if p is not None:
        neg["recognition"] = dict(zip(ids, p, strict=True))
    neg.update(negotiation)
    return Scenario.model_validate(
        {
            "name": "pie",
            "deadline": {"rounds": rounds},
            "actors": [
                {"id": a, "capability": 1, "params": {"strategy": "baron-ferejohn", "discount": d}}
                for a in ids
            ],
            "issues": [{"id": f"share_{a}", "min": 0, "max": 100} for a in ids],
            "stances": {a: {f"share_{a}": {"position": 100, "salience": 50}} for a in ids},
            "negotiation": neg,
        }
    )


def values(sc: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(sc.actors)
    required = np.ones(n, bool)
    coalitions = winning_coalitions(compile_rule(sc.negotiation.rule, sc.actor_ids, required), n)
    p = sc.negotiation.recognition or dict.fromkeys(sc.actor_ids, 1 / n)
    d = tuple(a.params["discount"] for a in sc.actors)
    v, mix = stationary(d, tuple(p[a] for a in sc.actor_ids), coalitions)
    return v, mix, coalitions


def batch(sc: Scenario, seed: int = 3):
    arrays = to_arrays(sc)
    many = arrays.with_values(
        capability=np.broadcast_to(arrays.capability, (DRAWS, arrays.n_actors)),
        position=np.broadcast_to(arrays.position, (DRAWS,) + arrays.position.shape),
        salience=np.broadcast_to(arrays.salience, (DRAWS,) + arrays.position.shape),
    )
    return AgentsModel().run_batch(sc, many, np.random.default_rng(seed))


@pytest.mark.parametrize(("n", "quota", "d"), [(3, 2, 0.9), (5, 3, 0.8), (3, None, 0.9), (4, None, 0.5)])
def test_symmetric_stationary_shares(n, quota, d):
    q = quota or n
    v, mix, coalitions = values(pie_game(n, quota, d))
    np.testing.assert_allclose(v, 1 / n, atol=1e-12)
    out = batch(pie_game(n, quota, d))
    assert out.extra["full_agreement"].all() and (out.extra["agreement_round"] == 0).all()
    shares = np.sort(out.forecast, axis=1)[:, ::-1]  # the proposer's share first
    np.testing.assert_allclose(shares[:, 0], 100 * (1 - d * (q - 1) / n), atol=1e-9)
    np.testing.assert_allclose(shares[:, 1:q], 100 * d / n, atol=1e-9)
    np.testing.assert_allclose(shares[:, q:], 0, atol=1e-9)
    np.testing.assert_allclose(out.forecast.sum(axis=1), 100, atol=1e-9)
    # ex ante every party expects 1/n of the pie: the mean share is within 4 standard errors of 100/n
    se = out.forecast.std(axis=0) / np.sqrt(DRAWS)
    assert (np.abs(out.forecast.mean(axis=0) - 100 / n) < 4 * se).all()


def test_under_unanimity_the_values_are_the_recognition_probabilities():
    p, d = (0.5, 0.3, 0.2), 0.8
    v, _, _ = values(pie_game(p=p, d=d))
    np.testing.assert_allclose(v, p, atol=1e-12)
    out = batch(pie_game(p=p, d=d))
    proposer = np.abs(out.forecast - 100 * d * np.array(p)).argmax(axis=1)  # who did not get d p_i
    for i in range(3):
        mine = out.forecast[proposer == i]
        np.testing.assert_allclose(mine[:, i], 100 * (1 - d * (1 - p[i])), atol=1e-9)
        others = np.delete(mine, i, axis=1)
        np.testing.assert_allclose(
            others, np.broadcast_to(100 * d * np.delete(np.array(p), i), others.shape), atol=1e-9
        )
        share = (proposer == i).mean()  # recognised with probability p_i
        assert abs(share - p[i]) < 4 * np.sqrt(p[i] * (1 - p[i]) / DRAWS)


def test_unequal_recognition_under_majority_matches_the_hand_worked_mixed_equilibrium():
    p, d = (0.5, 0.3, 0.2), 0.9
    v, mix, coalitions = values(pie_game(quota=2, p=p, d=d))
    x = (1 - p[0]) / (2 - p[0] * d)
    np.testing.assert_allclose(v, [1 - 2 * x, x, x], atol=1e-12)
    m = (1 - (p[1] - p[2]) * (1 - 2 * d * x) / (p[0] * d * x)) / 2
    ab = [k for k, c in enumerate(coalitions) if c.tolist() == [True, True, False]][0]
    ac = [k for k, c in enumerate(coalitions) if c.tolist() == [True, False, True]][0]
    np.testing.assert_allclose(mix[0, [ab, ac]], [m, 1 - m], atol=1e-9)
    out = batch(pie_game(quota=2, p=p, d=d))
    a_proposes = out.forecast[:, 0] > 50
    bought_b = (out.forecast[a_proposes, 1] > 0).mean()
    assert abs(bought_b - m) < 4 * np.sqrt(m * (1 - m) / a_proposes.sum())


def test_a_single_run_says_who_signed_and_the_shares():
    res = AgentsModel().run(pie_game(quota=2), 0)
    out = res.info["outcome"]
    assert out["agreement"] and out["round"] == 0
    signed = set(out["parties"])
    terms = res.forecast.set_index("issue")["forecast"]
    assert sorted(np.round(terms.to_numpy(), 9)) == [0, 30, 70]
    assert {a for a in "ABC" if terms[f"share_{a}"] > 0} <= signed


def test_the_offers_table_marks_the_recognised_proposer_whose_offer_was_agreed():
    res = AgentsModel().run(pie_game(quota=2), 0)
    offers = res.tables["offers"]
    first = offers[offers["round"] == 0]
    assert set(first["proposer"]) == set("ABC")  # every party's standing offer is shown ...
    (recognised,) = set(first.loc[first["turn"], "proposer"])  # ... but one proposer was recognised
    assert recognised in res.info["outcome"]["parties"]
    agreed = first[first["turn"]].iloc[0]
    terms = res.forecast.set_index("issue")["forecast"]
    for a in "ABC":
        assert agreed[f"share_{a}"] == pytest.approx(terms[f"share_{a}"])


def test_baron_ferejohn_needs_recognition_and_a_pie():
    with pytest.raises(ScenarioError, match="random recognition"):
        AgentsModel().run(pie_game(protocol="offers", pie=None), 0)
    data = pie_game().model_dump()
    data["stances"]["A"]["share_A"]["position"] = 60
    with pytest.raises(ScenarioError, match="stances.A"):
        AgentsModel().run(Scenario.model_validate(data), 0)
    data = pie_game().model_dump()
    data["actors"][1]["params"] = {"strategy": "linear"}
    with pytest.raises(ScenarioError, match="negotiation.pie: a pie is divided by Baron-Ferejohn players"):
        AgentsModel().run(Scenario.model_validate(data), 0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"recognition": {"A": 0.5, "B": 0.2, "C": 0.2}}, "sum to 0.9"),
        ({"recognition": {"A": 1.0}, "protocol": "offers"}, "given under protocol 'offers'"),
        ({"recognition": {"Z": 1.0}}, "unknown id 'Z'"),
        ({"pie": {"total": 50, "shares": {"A": "share_A", "B": "share_B"}}}, "runs 0 to 100"),
        ({"pie": {"total": 100, "shares": {"A": "share_A", "B": "share_A"}}}, "already holds the share of A"),
    ],
)
def test_bad_pies_and_recognition_are_refused_naming_the_field(change, message):
    with pytest.raises(ValidationError, match=message):
        pie_game(**change)


def test_a_rule_compiles_to_its_winning_coalitions():
    rule = compile_rule(
        DecisionRule(kind="qualified_majority", voters={"A": 2, "B": 1, "C": 1}, threshold=0.75),
        ["A", "B", "C"],
        np.ones(3, bool),
    )
    found = {tuple(np.flatnonzero(c)) for c in winning_coalitions(rule, 3)}
    assert found == {(0, 1), (0, 2), (0, 1, 2)}  # A with anyone: 3 of 4 votes


def test_under_unanimity_unequal_discounts_give_the_closed_form():
    """v_i = p_i (1 - S) / (1 - d_i) with S = sum_j d_j v_j, so sum_i p_i / (1 - d_i) = 1 / (1 - S)."""
    d, p = (0.9, 0.8, 0.7), (0.5, 0.3, 0.2)
    coalitions = np.ones((1, 3), bool)
    v, mix = stationary(d, p, coalitions)
    s = 1 - 1 / sum(pi / (1 - di) for pi, di in zip(p, d, strict=True))
    np.testing.assert_allclose(v, [pi * (1 - s) / (1 - di) for pi, di in zip(p, d, strict=True)], atol=1e-12)


def equilibrium_holds(d, p, coalitions, v, mix) -> bool:
    """The conditions of a stationary equilibrium, checked apart from the solver: each proposer mixes over
    coalitions that pass and are cheapest at prices d v, and every value is the expected share it gives."""
    d, p, n = np.asarray(d), np.asarray(p), len(p)
    price = d * v
    expected = np.zeros(n)
    for k in range(n):
        costs = [price[c].sum() - price[k] if c[k] else np.inf for c in coalitions]
        cheapest = min(costs)
        for c, w, cost in zip(coalitions, mix[k], costs, strict=True):
            if w > 1e-9:
                assert c[k] and cost <= cheapest + 1e-9
                expected += p[k] * w * np.where(c, price, 0.0)
                expected[k] += p[k] * w * (1 - cost - price[k])
    return bool(np.allclose(expected, v, atol=1e-9) and np.allclose(mix.sum(axis=1), 1))


@pytest.mark.parametrize(
    ("d", "p", "weights", "threshold"),
    [  # games an earlier solver refused (found by review): unequal d and p; a weighted rule
        ((0.99, 0.5, 0.7, 0.8, 0.9), (0.1, 0.3, 0.2, 0.25, 0.15), (1, 1, 1, 1, 1), 0.6),
        ((0.9,) * 5, (0.2,) * 5, (1, 2, 1, 2, 1), 0.531),
    ],
)
def test_asymmetric_games_reach_a_checked_equilibrium(d, p, weights, threshold):
    ids = list("ABCDE")
    rule = DecisionRule(
        kind="qualified_majority", voters=dict(zip(ids, weights, strict=True)), threshold=threshold
    )
    coalitions = winning_coalitions(compile_rule(rule, ids, np.ones(5, bool)), 5)
    v, mix = stationary(d, p, coalitions)
    assert equilibrium_holds(d, p, coalitions, v, mix)
    assert abs(v.sum() - 1) < 1e-9  # no delay in equilibrium: the whole pie is shared


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"actors.B.params.reservation": 0.5}, "actors.B.params"),
        ({"negotiation.breakdown_risk": 0.1}, "negotiation.breakdown_risk"),
        ({"actors.B.params.strategy": "linear", "negotiation.protocol": "offers"}, "negotiation.pie"),
    ],
)
def test_what_the_equilibrium_does_not_model_is_refused(change, where):
    data = pie_game().model_dump()
    for path, value in change.items():
        head, *rest = path.split(".")
        node = data[head]
        if head == "actors":
            who = rest.pop(0)
            node = next(a for a in node if a["id"] == who)
        for key in rest[:-1]:
            node = node[key]
        node[rest[-1]] = value
    with pytest.raises(ScenarioError, match=where):
        AgentsModel().run(Scenario.model_validate(data), 0)
