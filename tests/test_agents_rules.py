"""Decision rules, issue control, events on the state, the deadline, explanations (issue 12) and the
checks of issue 11 that concern the agents simulator."""

from __future__ import annotations

import numpy as np
import pytest
from test_agents import one_issue

from accord.analysis.montecarlo import MonteCarloResult
from accord.analysis.patch import apply_patch, load_patch
from accord.errors import ParameterError, ScenarioError
from accord.models.agents import AgentsModel
from accord.models.agents.events import apply_event
from accord.models.agents.rules import compile_rule
from accord.models.agents.setup import prepare
from accord.scenario import Scenario, load, to_arrays
from accord.scenario.rules import DecisionRule

BLOC = {a: (100, {"strategy": "linear", "reservation": 0.0}) for a in "ABCD"}


def council(rule: dict | None, e_params: dict | None = None, **extra) -> Scenario:
    """Four members at 100, one (E) at 0; status quo 0; linear, reservation 0; 11 rounds."""
    actors = dict(BLOC, E=(0, e_params or {"strategy": "linear", "reservation": 0.0}))
    return one_issue(actors, rounds=11, negotiation={"rule": rule} if rule else {}, **extra)


QMV = {"kind": "qualified_majority", "voters": dict.fromkeys("ABCDE", 1.0), "threshold": 0.75}


def test_a_qualified_majority_passes_over_a_minority_that_unanimity_lets_block():
    # Under QMV (4 of 5 = 80% >= 75%) the bloc's own proposal, 100, passes at once: every bloc member's offer
    # is worth 1 to the others in round 0. Under unanimity E must accept too: later, and a compromise.
    qmv = AgentsModel().run(council(QMV), 0).info["outcome"]
    assert qmv["full_agreement"] and qmv["round"] == 0 and qmv["terms"]["x"] == pytest.approx(100.0)
    assert qmv["parties"] == ["A", "B", "C", "D"] and "qualified majority of 75.0%" in qmv["rule"]
    unanimous = AgentsModel().run(council(None), 0).info["outcome"]
    assert unanimous["round"] > 0 and unanimous["terms"]["x"] < 100 and "E" in unanimous["parties"]


def test_a_veto_blocks():
    spoiler = {"strategy": "spoiler"}
    assert AgentsModel().run(council(QMV, spoiler), 0).info["outcome"]["full_agreement"]  # outvoted
    vetoed = AgentsModel().run(council(dict(QMV, veto=["E"]), spoiler), 0).info["outcome"]
    assert not vetoed["agreement"] and vetoed["cause"] == "spoiler"
    assert (
        AgentsModel().run(council(dict(QMV, veto=["E"])), 0).info["outcome"]["round"] > 0
    )  # E must be won over


def test_weighted_votes_second_threshold_and_blocking_minority_by_hand():
    actors = ["DE", "FR", "NL", "LU"]
    rule = compile_rule(
        DecisionRule(
            kind="qualified_majority",
            voters={"DE": 60, "FR": 20, "NL": 10, "LU": 10},
            threshold=0.65,
            blocking_minority=2,
        ),
        actors,
        np.ones(4, bool),
    )
    agree = np.array(
        [
            [True, True, False, False],  # 80 of 100: passes
            [False, True, True, True],  # 40, but only DE refuses (< 2): cannot block
            [False, False, True, True],  # 20 and two refuse: fails
            [True, False, True, False],
        ]
    )  # 70: passes
    np.testing.assert_array_equal(rule.passes(agree), [True, True, False, True])
    counted = compile_rule(
        DecisionRule(
            kind="qualified_majority",
            voters={"DE": 60, "FR": 20, "NL": 10, "LU": 10},
            threshold=0.6,
            second_threshold=0.5,
        ),
        actors,
        np.ones(4, bool),
    )
    np.testing.assert_array_equal(
        counted.passes(np.array([[True, False, False, False], [True, True, False, False]])), [False, True]
    )  # 60% of the weight but one member of four is not a majority
    both = compile_rule(
        DecisionRule(
            kind="all_of",
            rules=[
                DecisionRule(kind="qualified_majority", voters={"DE": 60, "FR": 20, "NL": 10}, threshold=0.7),
                DecisionRule(kind="unanimity", voters={"LU": 1}),
            ],
        ),
        actors,
        np.ones(4, bool),
    )
    np.testing.assert_array_equal(
        both.passes(np.array([[True, True, False, False], [True, True, False, True]])), [False, True]
    )


@pytest.mark.parametrize(
    "rule, needle",
    [
        ({"kind": "qualified_majority", "voters": {"A": 1}}, "needs `voters`"),
        ({"kind": "qualified_majority", "voters": {"Z": 1}, "threshold": 0.5}, "unknown id 'Z'"),
        ({"kind": "all_of"}, "needs the `rules`"),
        ({"kind": "unanimity", "threshold": 0.5}, "belong to a qualified_majority"),
        ({"kind": "qualified_majority", "voters": {"A": 1}, "threshold": 1.5}, "less than or equal to 1"),
    ],
)
def test_bad_rules_are_named(rule, needle):
    with pytest.raises(Exception, match="rule|threshold|voters") as err:
        council(rule)
    assert needle in str(err.value)


def two_issues(**extra) -> Scenario:
    """A and B agree on both issues; C controls x and prefers no deal; a deal without C is allowed."""
    data = {
        "name": "control",
        "deadline": {"rounds": 11},
        "actors": [
            {"id": "A", "capability": 1, "params": {"reservation": 0.0}},
            {"id": "B", "capability": 1, "params": {"reservation": 0.0}},
            {"id": "C", "capability": 1, "params": {"strategy": "spoiler"}},
        ],
        "issues": [{"id": "x", "status_quo": 10, "controlled_by": ["C"]}, {"id": "y", "status_quo": 10}],
        "stances": {
            a: {"x": {"position": 80, "salience": 50}, "y": {"position": 70, "salience": 50}}
            for a in ("A", "B")
        }
        | {"C": {"x": {"position": 0, "salience": 50}}},
        "negotiation": {"required": ["A", "B", "C"], "allow_subset": True},
    }
    data.update(extra)
    return Scenario.model_validate(data)


def test_a_deal_that_excludes_an_issues_controller_leaves_it_at_no_deal():
    res = AgentsModel().run(two_issues(), 0)
    out = res.info["outcome"]
    assert out["agreement"] and not out["full_agreement"] and out["deal"] == "A + B, without C"
    assert out["settles"] == ["y"] and out["unsettled"] == ["x"] and "does not settle x" in out["reason"]
    assert res.forecast_of("x") == 10 and res.forecast_of("y") == pytest.approx(70.0)
    assert res.forecast.set_index("issue")["agreed"].to_dict() == {"x": False, "y": True}
    free = two_issues(issues=[{"id": "x", "status_quo": 10}, {"id": "y", "status_quo": 10}])
    assert AgentsModel().run(free, 0).forecast_of("x") == pytest.approx(80.0)


def test_controlled_by_names_actors():
    with pytest.raises(Exception, match=r"issues.x.controlled_by: unknown id 'Q'"):
        two_issues(issues=[{"id": "x", "controlled_by": ["Q"]}, {"id": "y"}])


def test_executing_the_zero_option_puts_troops_at_zero():
    sc = apply_patch(load("afghanistan-2013"), load_patch("zero-option-executed"))
    for seed in range(3):
        res = AgentsModel().run(sc, seed)
        assert res.forecast_of("troops") == 0.0
        assert "troops" not in res.info["outcome"]["settles"]


def test_events_act_on_the_state_not_on_preferences():
    sc = one_issue(
        {"A": (20, {}), "B": (80, {})},
        rounds=10,
        bystanders=("C",),
        negotiation={"no_deal": {"x": 50}},
        events=[
            {
                "type": "shock",
                "actor": "B",
                "issue": "x",
                "size": 5,
                "delay_cost": 0.01,
                "capability": -0.5,
                "round": 1,
            }
        ],
    )
    setting, st, events = prepare(sc, to_arrays(sc), "linear", 52)
    ideal = st.ideal.copy()
    apply_event(st, setting, events[0], np.ones(1, bool), 1, 1.0)
    np.testing.assert_array_equal(st.ideal, ideal)  # nobody's stance moves
    assert st.no_deal[0, 0] == 55 and st.no_deal_final[0, 0] == 55  # the no-deal outcome does
    np.testing.assert_allclose(st.delay_cost[0], [0, 0.01, 0])  # only on the actor named
    np.testing.assert_allclose(st.capability[0], [1, 0.5, 1])


def test_an_event_on_the_deadline_fires_in_the_last_round_and_one_after_it_is_refused():
    ev = {"id": "late-news", "type": "channel_close", "between": ["A", "B"], "round": 8}
    sc = one_issue(
        {"A": (0, {"strategy": "boulware"}), "B": (100, {"strategy": "boulware"})}, rounds=8, events=[ev]
    )
    fired = AgentsModel().run(sc, 0).tables["events"]
    assert fired["round"].tolist() == [7] and fired["type"].tolist() == ["channel_close"]
    late = one_issue({"A": (0, {}), "B": (100, {})}, rounds=8, events=[dict(ev, round=9)])
    with pytest.raises(ScenarioError, match="late-news") as err:
        AgentsModel().run(late, 0)
    assert "after the deadline" in str(err.value) and "round 8" in str(err.value)


def test_afghanistan_deadline_events_fire():
    res = AgentsModel().run(load("afghanistan-2013"), 1)
    fired = res.tables["events"]
    last = fired[fired["round"] == 81]
    assert "end-2014" in " ".join(last["description"]) or "every US soldier leaves" in " ".join(
        last["description"]
    )


@pytest.mark.parametrize(
    "params, needle",
    [
        ({"strategy": "spoiler", "exponent": -1}, "0.001 to 1000"),
        ({"strategy": "tit-for-tat", "exponent": -1}, "0.001 to 1000"),
        ({"strategy": "tit-for-tat", "exponent": 2}, "tit-for-tat"),
        ({"strategy": "hardliner", "exponent": 1e9}, "0.001 to 1000"),
        ({"delay_cost": 2}, "delay_cost"),
        ({"discount": 0}, "discount"),
        ({"risk": 1e6}, "0.001 to 1000"),  # the max_exponent limit (scenario/limits.py) is checked first
        ({"risk": 500}, "at most 100"),
    ],
)
def test_strategy_parameters_are_checked(params, needle):
    sc = one_issue({"A": (0, params), "B": (100, {})}, rounds=5)
    with pytest.raises((ParameterError, ScenarioError), match="actors.A.params") as err:
        AgentsModel().run(sc, 0)
    assert needle in str(err.value)


def test_monte_carlo_reports_coalitions_and_failure_causes():
    sc = two_issues()
    arrays = to_arrays(sc)
    draws = 40
    jitter = np.random.default_rng(0).uniform(-10, 10, (draws,) + arrays.position.shape)
    many = arrays.with_values(
        capability=np.broadcast_to(arrays.capability, (draws, 3)),
        position=np.clip(arrays.position + jitter, 0, 100),
        salience=np.broadcast_to(arrays.salience, (draws,) + arrays.salience.shape),
    )
    out = AgentsModel().run_batch(sc, many, np.random.default_rng(0))
    mc = MonteCarloResult(tuple(arrays.issues), out.forecast, out.extra, {})
    agreement = mc.to_json(sc)["agreement"]
    assert agreement["coalitions"] == {"A + B, without C": 1.0}
    assert agreement["failure_causes"] == {"spoiler": 1.0} and agreement["p_full_agreement"] == 0.0


def test_deu_cases_carry_the_council_rule_of_their_period():
    from conftest import SHARED

    from accord.scenario.deu import read_deu

    cases = read_deu(SHARED / "data" / "deu3" / "deu3-dev.tsv").cases
    kinds = {c.scenario.negotiation.rule.kind for c in cases}
    assert kinds == {"qualified_majority", "unanimity"}
    qmv = [c for c in cases if c.scenario.negotiation.rule.kind == "qualified_majority"]
    thresholds = {round(c.scenario.negotiation.rule.threshold, 4) for c in qmv}
    assert thresholds <= {
        round(62 / 87, 4),
        round(232 / 321, 4),
        round(255 / 345, 4),
        round(260 / 352, 4),
        0.65,
    }
    assert any(c.scenario.negotiation.rule.veto == ["ep"] for c in cases)  # co-decision: the Parliament


def test_deu_dev_split_within_one_point_of_the_weighted_mean():
    from conftest import SHARED

    from accord.analysis.backtest import outcomes, run_model, score
    from accord.scenario.deu import read_deu

    cases = read_deu(SHARED / "data" / "deu3" / "deu3-dev.tsv").cases
    forecast = run_model(AgentsModel(), cases, np.random.default_rng(0)).forecast
    assert score(forecast, outcomes(cases))["mae"] <= 23.5


def test_a_policy_takes_an_actors_seat():
    from accord.models.agents.policy import StrategyPolicy

    sc = one_issue(
        {
            "A": (0, {"strategy": "linear", "reservation": 0.2}),
            "B": (100, {"strategy": "linear", "reservation": 0.4}),
        },
        rounds=11,
    )
    model = AgentsModel()
    own = model.run(sc, 0)
    seated = model.play(sc, 0, {"A": StrategyPolicy(), "B": StrategyPolicy()})  # the built-in choices
    assert seated.info["outcome"] == own.info["outcome"]
    np.testing.assert_array_equal(
        seated.tables["offers"][["x", "value"]], own.tables["offers"][["x", "value"]]
    )

    class Stubborn(StrategyPolicy):  # proposes its ideal and accepts nothing
        def propose(self, view):
            return np.array([0.0])

        def respond(self, view):
            return set()

    out = model.play(sc, 0, {"A": Stubborn()}).info["outcome"]
    assert not out["agreement"] and "A" in out["reason"]

    class TakeAnything(StrategyPolicy):  # accepts whatever B offers in round 0 (B's ideal, 100)
        def respond(self, view):
            return set(view.received)

    out = model.play(sc, 0, {"A": TakeAnything()}).info["outcome"]
    assert out["round"] == 0 and out["terms"]["x"] == pytest.approx(100.0)
    with pytest.raises(ParameterError, match="unknown actor 'Z'"):
        model.play(sc, 0, {"Z": StrategyPolicy()})


def test_removing_an_actor_removes_it_from_rules_and_controls():
    from accord.analysis.edit import drop

    sc = two_issues(
        negotiation={
            "required": ["A", "B", "C"],
            "rule": {
                "kind": "all_of",
                "rules": [
                    {
                        "kind": "qualified_majority",
                        "voters": {"A": 2, "B": 1, "C": 1},
                        "threshold": 0.6,
                        "blocking_minority": 3,
                    },
                    {"kind": "unanimity", "voters": {"C": 1}},
                ],
            },
        }
    )
    left = drop(sc, actors=["C"])
    assert left.issues[0].controlled_by == [] and len(left.negotiation.rule.rules) == 1
    qmv = left.negotiation.rule.rules[0]
    assert qmv.voters == {"A": 2, "B": 1} and qmv.blocking_minority == 2
