"""The agents simulator: conformance, hand-worked concession paths, engines agree, errors are clear."""

from __future__ import annotations

import numpy as np
import pytest

from accord.errors import ParameterError, ScenarioError
from accord.models.agents import AgentsModel
from accord.models.agents.strategies import STRATEGIES
from accord.scenario import Scenario, to_arrays
from accord.testing import check_model


def one_issue(actors: dict, rounds: int, bystanders: tuple[str, ...] = (), **extra) -> Scenario:
    """A one-issue (0-100) scenario: actors = {id: (ideal, params)}, bystanders take no stance;
    everyone is required unless said."""
    data = {
        "name": "hand",
        "deadline": {"rounds": rounds},
        "actors": [{"id": a, "capability": 1, "params": p} for a, (_, p) in actors.items()]
        + [{"id": a, "capability": 1} for a in bystanders],
        "issues": [{"id": "x", "min": 0, "max": 100, "status_quo": 0}],
        "stances": {a: {"x": {"position": x, "salience": 50}} for a, (x, _) in actors.items()},
    }
    data.update(extra)
    return Scenario.model_validate(data)


def test_check_model():
    check_model(AgentsModel())


def test_two_linear_conceders_agree_where_the_hand_computed_paths_cross():
    # A (ideal 0, reservation 0.2) offers 80 tau, B (ideal 100, reservation 0.4) offers 100 - 60 tau, with
    # tau = t / 10 over 11 rounds. Each accepts the other's offer once it is worth its own aspiration:
    # 0.8 tau >= 1 - 0.6 tau, i.e. tau >= 1/1.4 = 0.714 -> round 8 (tau = 0.8), A offers 64, B offers 52.
    # Nash product of gains: 64 -> (0.36 - 0.2)(0.64 - 0.4) = 0.0384; 52 -> (0.48 - 0.2)(0.52 - 0.4) = 0.0336.
    sc = one_issue(
        {
            "A": (0, {"strategy": "linear", "reservation": 0.2}),
            "B": (100, {"strategy": "linear", "reservation": 0.4}),
        },
        rounds=11,
    )
    res = AgentsModel().run(sc, 0)
    out = res.info["outcome"]
    assert out["agreement"] and out["round"] == 8 and out["parties"] == ["A", "B"]
    assert out["terms"]["x"] == pytest.approx(64.0)
    hist = res.history.pivot(index="round", columns="actor", values="position")
    np.testing.assert_allclose(hist["A"], [8.0 * t for t in range(9)])
    np.testing.assert_allclose(hist["B"], [100 - 6.0 * t for t in range(9)])
    assert res.forecast_of("x") == pytest.approx(64.0) and bool(res.forecast["agreed"].all())
    offers = res.tables["offers"]
    last = offers[offers["round"] == 8].set_index("proposer")
    assert list(last["response"]) == ["accept", "accept"]
    assert set(offers.loc[offers["round"] == 7, "response"]) == {"counter"}


def test_boulware_against_conceder_follows_the_faratin_curves():
    # Boulware e = 0.5 (target 1 - tau^2), Conceder e = 2 (target 1 - sqrt(tau)), reservations 0, 5 rounds
    # (tau = t/4). A offers 100 tau^2, B offers 100 (1 - sqrt(tau)); they cross when tau^2 >= 1 - sqrt(tau):
    # tau = 0.5: 0.25 < 0.293; tau = 0.75: 0.5625 >= 0.134 -> round 3. A's 56.25 has gains 0.4375 x 0.5625 =
    # 0.2461, B's 13.40 has 0.866 x 0.134 = 0.116 -> terms 56.25.
    sc = one_issue(
        {
            "A": (0, {"strategy": "boulware", "exponent": 0.5, "reservation": 0.0}),
            "B": (100, {"strategy": "conceder", "exponent": 2.0, "reservation": 0.0}),
        },
        rounds=5,
    )
    out = AgentsModel().run(sc, 0).info["outcome"]
    assert out["round"] == 3 and out["terms"]["x"] == pytest.approx(56.25)


def test_three_parties_meeting_through_a_mediated_venue():
    # A (0) and B (100) have no direct channel; C (50) hosts a venue all three belong to. All linear with
    # reservation 0.25 over 11 rounds. References: A -> mean(100, 50) = 75 so A offers 75 tau; B offers
    # 100 - 75 tau; C's reference is 50, its own ideal, so it stays at 50. A and B accept 50 once
    # 0.5 >= 1 - 0.75 tau (tau >= 2/3 -> round 7); at round 7 all three proposals are accepted by all and
    # C's 50 has the largest Nash product: 0.25 x 0.25 x 0.75 = 0.0469 against 0.225 x 0.275 x 0.725 = 0.0449.
    sc = one_issue(
        {a: (x, {"strategy": "linear", "reservation": 0.25}) for a, x in (("A", 0), ("B", 100), ("C", 50))},
        rounds=11,
        relations=[{"actors": ["A", "B"], "channel": False}],
        channels=[{"id": "venue", "members": ["A", "B", "C"], "host": "C"}],
    )
    res = AgentsModel().run(sc, 0)
    out = res.info["outcome"]
    assert out["agreement"] and out["round"] == 7 and out["terms"]["x"] == pytest.approx(50.0)
    assert sorted(out["parties"]) == ["A", "B", "C"]
    assert res.history.query("round == 4 and actor == 'A'")["position"].item() == pytest.approx(30.0)
    assert not res.tables["offers"].empty


def test_no_channel_means_no_agreement_and_the_reason_says_so():
    sc = one_issue(
        {"A": (0, {"reservation": 0.2}), "B": (100, {"reservation": 0.4})},
        rounds=11,
        relations=[{"actors": ["A", "B"], "channel": False}],
        negotiation={"no_deal": {"x": 30}},
    )
    res = AgentsModel().run(sc, 0)
    assert (
        not res.info["outcome"]["agreement"]
        and "no open channel between A-B" in res.info["outcome"]["reason"]
    )
    assert res.forecast_of("x") == 30 and not res.forecast["agreed"].any()
    assert res.tables["offers"].empty


def test_spoiler_blocks_any_deal():
    sc = one_issue({"A": (0, {}), "B": (100, {}), "S": (100, {"strategy": "spoiler"})}, rounds=20)
    assert not AgentsModel().run(sc, 0).info["outcome"]["agreement"]


LINEAR = {
    "A": (0, {"strategy": "linear", "reservation": 0.2}),
    "B": (100, {"strategy": "linear", "reservation": 0.4}),
}

# (scenario, agreed, round, forecast), each worked by hand (see the tests above for the first three)
HAND_WORKED = {
    "linear conceders meet at A's 64 in round 8": (one_issue(LINEAR, rounds=11), True, 8, 64.0),
    "boulware against conceder: 56.25 in round 3": (
        one_issue(
            {
                "A": (0, {"strategy": "boulware", "exponent": 0.5, "reservation": 0.0}),
                "B": (100, {"strategy": "conceder", "exponent": 2.0, "reservation": 0.0}),
            },
            rounds=5,
        ),
        True,
        3,
        56.25,
    ),
    "a mediated venue settles at C's 50 in round 7": (
        one_issue(
            {
                a: (x, {"strategy": "linear", "reservation": 0.25})
                for a, x in (("A", 0), ("B", 100), ("C", 50))
            },
            rounds=11,
            relations=[{"actors": ["A", "B"], "channel": False}],
            channels=[{"id": "venue", "members": ["A", "B", "C"], "host": "C"}],
        ),
        True,
        7,
        50.0,
    ),
    # The linear pair with their channel shut in rounds 5-8: the round-8 deal cannot be made; at reopening
    # (round 9, tau 0.9) A offers 72 and B 46, both acceptable (B: 0.72 >= 1 - 0.6 x 0.9; A: 0.54 >= 1 - 0.8 x 0.9);
    # Nash products (0.28 - 0.2)(0.72 - 0.4) = 0.0256 for 72 against (0.54 - 0.2)(0.46 - 0.4) = 0.0204 for 46.
    "a closed channel delays the deal to 72 in round 9": (
        one_issue(
            LINEAR,
            rounds=11,
            events=[
                {"type": "channel_close", "between": ["A", "B"], "round": 5},
                {"type": "channel_open", "between": ["A", "B"], "round": 9},
            ],
        ),
        True,
        9,
        72.0,
    ),
    "no channel: no deal, the no-deal point 30": (
        one_issue(
            LINEAR,
            rounds=11,
            relations=[{"actors": ["A", "B"], "channel": False}],
            negotiation={"no_deal": {"x": 30}},
        ),
        False,
        None,
        30.0,
    ),
}


@pytest.mark.parametrize("case", list(HAND_WORKED))
def test_both_engines_give_the_hand_worked_outcome(case):
    sc, agreed, round_, value = HAND_WORKED[case]
    single = AgentsModel().run(sc, 0)
    out = single.info["outcome"]
    assert out["agreement"] is agreed and out["round"] == round_
    assert single.forecast_of("x") == pytest.approx(value, abs=1e-9)
    arrays = to_arrays(sc)
    one = arrays.with_values(
        capability=arrays.capability[None], position=arrays.position[None], salience=arrays.salience[None]
    )
    batch = AgentsModel().run_batch(sc, one, np.random.default_rng(0))
    assert bool(batch.extra["agreement"][0]) is agreed
    if agreed:
        assert batch.extra["agreement_round"][0] == round_
    assert batch.forecast[0, 0] == pytest.approx(value, abs=1e-9)


def test_a_batch_keeps_its_draws_apart():
    # Draw 1 is the linear pair as coded (64 in round 8); draw 2 mirrors the ideals (A at 100, B at 0), so by
    # symmetry A offers 100 - 8t and the deal is 100 - 64 = 36, also in round 8.
    sc = one_issue(LINEAR, rounds=11)
    a = to_arrays(sc)
    mirrored = a.hi + a.lo - a.position
    two = a.with_values(
        capability=np.stack([a.capability] * 2),
        position=np.stack([a.position, mirrored]),
        salience=np.stack([a.salience] * 2),
    )
    batch = AgentsModel().run_batch(sc, two, np.random.default_rng(0))
    np.testing.assert_allclose(batch.forecast[:, 0], [64.0, 36.0], atol=1e-9)
    assert batch.extra["agreement"].tolist() == [True, True] and batch.extra["agreement_round"].tolist() == [
        8,
        8,
    ]


def test_same_seed_same_batch():
    sc = one_issue(
        {"A": (0, {}), "B": (100, {})},
        rounds=20,
        events=[{"type": "shock", "issue": "x", "size": 10, "probability": 0.5, "round": 0}],
    )
    arrays = to_arrays(sc)
    many = arrays.with_values(
        capability=np.stack([arrays.capability] * 50),
        position=np.stack([arrays.position] * 50),
        salience=np.stack([arrays.salience] * 50),
    )
    a = AgentsModel().run_batch(sc, many, np.random.default_rng(3))
    b = AgentsModel().run_batch(sc, many, np.random.default_rng(3))
    np.testing.assert_array_equal(a.forecast, b.forecast)
    assert a.forecast.shape == (50, 1) and a.extra["agreement"].shape == (50,)
    assert len(np.unique(a.forecast.round(6))) > 1  # random shocks make draws differ


@pytest.mark.parametrize(
    "params, needle",
    [
        ({"strategy": "appeaser"}, "allowed: " + ", ".join(STRATEGIES)),
        ({"strategy": "boulware", "exponent": 2}, "between 0 and 1"),
        ({"strategy": "conceder", "exponent": 0.5}, "greater than 1"),
        ({"reservation": 1.5}, "allowed: 0 to 1"),
        ({"risk": 0}, "0.001 to 1000"),  # the max_exponent limit of scenario/limits.py
    ],
)
def test_bad_strategy_parameters_are_named(params, needle):
    sc = one_issue({"A": (0, params), "B": (100, {})}, rounds=5)
    with pytest.raises((ParameterError, ScenarioError), match="actors.A.params") as err:
        AgentsModel().run(sc, 0)
    assert needle in str(err.value)


@pytest.mark.parametrize(
    "kwargs, needle",
    [
        ({"acceptance": "vote"}, "allowed: aspiration, reservation"),
        ({"max_rounds": 0}, "at least 1"),
        ({"harden": 2.0}, "allowed: 0 to 1"),
        ({"default_strategy": "nice"}, "allowed: boulware"),
    ],
)
def test_bad_model_parameters(kwargs, needle):
    with pytest.raises(ParameterError, match=needle):
        AgentsModel(**kwargs)


@pytest.mark.parametrize(
    "event, needle",
    [
        ({"type": "position_shift", "actor": "C", "issue": "x", "to": 5, "round": 1}, "allowed: A, B"),
        ({"type": "threat", "actor": "A", "target": "B", "round": 1}, "needs the `issue`"),
        (
            {"type": "threat", "actor": "A", "target": "A", "issue": "x", "consequence": 0, "round": 1},
            "allowed: B, C",
        ),
        ({"type": "shock", "size": 3, "round": 1}, "allowed: x"),
    ],
)
def test_bad_event_parameters_are_named(event, needle):
    sc = one_issue({"A": (0, {}), "B": (100, {})}, rounds=5, bystanders=("C",), events=[event])
    with pytest.raises(ScenarioError, match="events.0") as err:
        AgentsModel().run(sc, 0)
    assert needle in str(err.value)
