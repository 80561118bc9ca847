"""The KTAB Spatial Model of Politics: KAPSARC's reference run, hand-worked pieces, parameters."""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import KTAB

from accord.errors import ParameterError
from accord.models import get_model, make_model
from accord.models.smp import SMP
from accord.models.smp.core import KtabRules, interpolate, pce, victory_probs
from accord.scenario import load
from accord.testing import check_model

REFERENCE = KTAB / "20170530_ref-dummyData_3Dim.txt"


def parse_reference(path):
    """Position history, winning probabilities, stop ratios and state count from a KTAB log."""
    lines = path.read_text().splitlines()
    start = lines.index("History of actor positions over time: ")
    probs_at = lines.index("History of actors' winning probabilities: ")
    positions = {}
    for line in lines[start + 1 : probs_at]:
        head, values = line.split(":", 1)
        actor, dim = (s.strip() for s in head.split(","))
        positions[(actor, dim)] = values.split()
    probs = {}
    for line in lines[probs_at + 1 :]:
        if ", prob :" not in line:
            break
        actor, values = line.split(", prob :")
        probs[actor.strip()] = values.split()
    ratios = re.findall(r"Fractional change compared to first step: ([0-9.]+)", path.read_text())
    states = int(re.search(r"There were (\d+) states", path.read_text()).group(1))
    return positions, probs, ratios, states


@pytest.fixture(scope="module")
def reference_run():
    return SMP().run(load(KTAB / "dummyData_3Dim.csv"))


def test_reproduces_kapsarc_position_history(reference_run):
    positions, _, _, states = parse_reference(REFERENCE)
    hist = reference_run.history
    assert hist["round"].max() + 1 == states == 11
    assert reference_run.info["turns"] == states - 1
    assert len(positions) == 21
    for (actor, dim), expected in positions.items():
        rows = hist[(hist["actor"] == actor) & (hist["issue"] == dim)].sort_values("round")
        assert ["%5.1f" % x for x in rows["position"]] == ["%5.1f" % float(v) for v in expected], (actor, dim)  # noqa: UP031  (KAPSARC's log format)


def test_reproduces_kapsarc_winning_probabilities(reference_run):
    _, probs, _, _ = parse_reference(REFERENCE)
    table = reference_run.tables["win_probabilities"]
    assert len(probs) == 7
    for actor, expected in probs.items():
        got = table[table["actor"] == actor].sort_values("round")["probability"]
        assert ["%.4f" % p for p in got] == expected, actor  # noqa: UP031


def test_reproduces_kapsarc_stopping_ratios(reference_run):
    _, _, ratios, _ = parse_reference(REFERENCE)
    assert ["%.4f" % r for r in reference_run.info["stop_ratio"]] == ratios  # noqa: UP031
    assert float(ratios[-1]) < 0.02 <= min(float(r) for r in ratios[:-1])


def test_victory_probability_models_match_documented_odds():
    # a 2:1 coalition advantage gives 2/3, 4/5, 16/17, 256/257 (docs/models.md §1.4 step 5)
    c = np.array([[1e-8, 1.0], [2.0, 1e-8]])
    for model, expected in (("linear", 2 / 3), ("square", 4 / 5), ("quartic", 16 / 17), ("octic", 256 / 257)):
        p = victory_probs(model, c)
        assert p[1, 0] == pytest.approx(expected, rel=1e-12)
        assert p[0, 1] == pytest.approx(1 - expected, rel=1e-12)
        assert p[0, 0] == p[1, 1] == 0.5
    assert victory_probs("binary", c)[1, 0] == pytest.approx(1 / (1 + 1e-6), rel=1e-12)


def test_conditional_pce_by_hand():
    # two voters of weight 1; utilities of options (a, b): voter 0 (1, 0.5), voter 1 (0.6, 0.8)
    u = np.array([[1.0, 0.5], [0.6, 0.8]])
    p = pce(KtabRules(), np.array([1.0, 1.0]), u)
    c_ab, c_ba = 1e-8 + 0.5, 1e-8 + 0.2  # proportional votes: +0.5 for a, 0.2 for b
    p_ab = c_ab / (c_ab + c_ba)
    raw = np.array([0.5 * p_ab, 0.5 * (1 - p_ab)])
    np.testing.assert_allclose(p, raw / raw.sum(), rtol=1e-12)


def test_s2p2_bargain_is_rounded_to_four_decimals():
    # W_i = 0.5² 0.6² = 0.09, W_j = 0.5² 0.4² = 0.04: (0.09+1e-6)*0.2 + 0.04*0.8 over 0.130001
    b_i, b_j = interpolate(
        "S2P2",
        np.array([[0.2]]),
        np.array([[0.5]]),
        np.array([0.6]),
        np.array([[0.8]]),
        np.array([[0.5]]),
        np.array([0.4]),
    )
    assert b_i[0, 0] == 0.3846 and b_j[0, 0] == 0.3846  # (0.018+0.032)/0.13 = 0.384615...


def test_stochastic_runs_repeat_from_their_seed():
    sc = load(KTAB / "SOE-Pol-Comp.csv")
    model = SMP(transitions="stochastic")
    a, b = model.run(sc, 11), model.run(sc, 11)
    assert a.history.equals(b.history)
    assert a.tables["win_probabilities"].equals(b.tables["win_probabilities"])
    runs = {tuple(model.run(sc, s).history["position"].round(6)) for s in range(6)}
    assert len(runs) > 1  # the generator does drive the transitions


@pytest.mark.parametrize(
    "bad",
    [
        {"victory_prob_model": "cubic"},
        {"pce_model": "markov"},
        {"transitions": "random"},
        {"voting_rule": "Prop"},
        {"big_r_adjust": "third"},
        {"big_r_range": "wide"},
        {"third_party_commit": "semi_commit"},
        {"bargain_interp": "s2p2"},
        {"bargain_model": "both"},
        {"max_turns": 0},
        {"min_turns": 5, "max_turns": 3},
        {"min_delta_ratio": 1.5},
        {"accommodation": [[1.2, 0], [0, 1]]},
        {"accommodation": "identity"},
    ],
)
def test_bad_parameters_name_allowed_values(bad):
    with pytest.raises(ParameterError, match="allowed"):
        SMP(**bad)


def test_accommodation_rows_may_not_exceed_one():
    sc = load(KTAB / "dummyData_3Dim.csv")
    with pytest.raises(ParameterError, match="sum above 1"):
        SMP(accommodation=[["SActor-00", "SActor-01", 0.5]]).run(sc)
    with pytest.raises(ParameterError, match="unknown actor"):
        SMP(accommodation=[["Nobody", "SActor-01", 0.5]]).run(sc)


def test_accommodation_identity_equals_default_and_partial_memory_differs(reference_run):
    sc = load(KTAB / "dummyData_3Dim.csv")
    same = SMP(accommodation=np.eye(7).tolist()).run(sc)
    assert same.history.equals(reference_run.history)
    pairs = [["SActor-00", "SActor-00", 0.5]]  # actor 0 remembers half of its old ideal
    other = SMP(accommodation=pairs).run(sc)
    assert not other.history.equals(reference_run.history)


def test_settings_from_ktab_xml_names():
    params = SMP.params_from_settings(
        {
            "seed": 1,
            "VictoryProbModel": "Quartic",
            "PCEModel": "MarkovIncentive",
            "StateTransitions": "Stochastic",
            "VotingRule": "PropCbc",
            "BigRAdjust": "Half",
            "BigRRange": "Max",
            "ThirdPartyCommit": "FullCommit",
            "InterVecBrgn": "S1P1",
            "BargnModel": "PWCompInterp",
        }
    )
    assert params == {
        "victory_prob_model": "quartic",
        "pce_model": "markov_incentive",
        "transitions": "stochastic",
        "voting_rule": "prop_cubic",
        "big_r_adjust": "half",
        "big_r_range": "max",
        "third_party_commit": "full",
        "bargain_interp": "S1P1",
        "bargain_model": "pw_compromise",
    }
    assert SMP.from_settings({"VictoryProbModel": "Square"}).victory_prob_model == "square"
    with pytest.raises(ParameterError, match="allowed"):
        SMP.params_from_settings({"VotingRule": "Majority"})


@pytest.mark.parametrize(
    "option",
    [("victory_prob_model", v) for v in ("square", "quartic", "octic", "binary")]
    + [
        ("pce_model", "markov_uniform"),
        ("pce_model", "markov_incentive"),
        ("voting_rule", "binary"),
        ("voting_rule", "prop_bin"),
        ("voting_rule", "prop_cubic"),
        ("voting_rule", "cubic"),
        ("voting_rule", "asym_prospect"),
        ("big_r_adjust", "none"),
        ("big_r_adjust", "half"),
        ("big_r_adjust", "two_thirds"),
        ("big_r_adjust", "full"),
        ("big_r_range", "min"),
        ("big_r_range", "max"),
        ("third_party_commit", "none"),
        ("third_party_commit", "full"),
        ("bargain_interp", "S1P1"),
        ("bargain_interp", "S2PMax"),
        ("bargain_model", "init_rcvr"),
        ("bargain_model", "pw_compromise"),
    ],
)
def test_every_option_runs_and_stays_on_the_scale(option):
    sc = load(KTAB / "dummyData_3Dim.csv")
    res = SMP(**{option[0]: option[1]}, max_turns=8).run(sc, 0)
    assert res.history["position"].between(0, 100).all()
    wins = res.tables["win_probabilities"]
    assert wins["probability"].between(0, 1).all()
    assert 1 <= res.info["turns"] <= 8


@pytest.mark.parametrize(
    "name",
    [
        "SOE-Policy.csv",
        "SOE-Competitive.csv",
        "SOE-Pol-Comp.csv",
        "dummyData_6Dim.csv",
        "dummyData-a040.csv",
        "dummyData_3Dim-no-final-comma.csv",
        "dummyData_3Dim.xml",
    ],
)
def test_runs_on_every_ktab_sample(name):
    sc = load(KTAB / name)
    res = make_model("smp", **SMP.params_from_settings(sc.models.get("smp", {}))).run(sc, 0)
    n, m = len(sc.actors), len(sc.issues)
    assert len(res.history) == (res.info["turns"] + 1) * n * m
    assert 1 <= res.info["turns"] < 100
    assert res.info["stop_ratio"][-1] < 0.02
    assert res.forecast["forecast"].between(0, 100).all()


def test_runs_on_shipped_examples_and_rescales_saliences():
    sc = load("ec-emissions")
    res = SMP().run(sc, 0)
    positions = [row["emissions"].position for row in sc.stances.values()]
    # SMP moves positions between the actors' own: the forecast stays in their hull (4-10 years)
    assert min(positions) == 4 and max(positions) == 10
    assert res.forecast["forecast"].between(min(positions), max(positions)).all()
    # An actor rating each issue independently (saliences summing above 100) is rescaled to sum to 100:
    # the same shares at a total of 140 (every salience still <= 100) must give the run at a total of 100.
    from accord.scenario import Scenario

    base = load(KTAB / "SOE-Pol-Comp.csv").model_dump()

    def at_total(total: float) -> Scenario:
        data = {
            **base,
            "stances": {a: {i: dict(st) for i, st in row.items()} for a, row in base["stances"].items()},
        }
        for row in data["stances"].values():
            whole = sum(st["salience"] for st in row.values())
            for st in row.values():
                st["salience"] = st["salience"] / whole * total
        return Scenario.model_validate(data)

    hundred, above = at_total(100.0), at_total(140.0)
    assert max(st.salience for row in above.stances.values() for st in row.values()) <= 100
    a, b = SMP().run(hundred, 0), SMP().run(above, 0)
    assert a.info["turns"] == b.info["turns"] >= 1
    np.testing.assert_allclose(b.forecast["forecast"], a.forecast["forecast"], rtol=0, atol=1e-9)


def test_registered_and_passes_conformance():
    assert get_model("smp") is SMP
    check_model(SMP())


def test_a_cycling_deu_issue_replays_turns_equal_to_fresh_ones():
    """DEU d98325i2 falls into a two-state cycle at turn 5 and runs to the cap; the turns replayed
    from the recurring states equal a fresh computation from the same state."""
    from conftest import DEU

    from accord.models.smp import unit_inputs
    from accord.models.smp.dynamics import simulate
    from accord.scenario import to_arrays
    from accord.scenario.deu import read_deu

    (case,) = [c for c in read_deu(DEU / "deu3-dev.tsv").cases if c.issue == "d98325i2"]
    pos, sal, cap = unit_inputs(to_arrays(case.scenario))
    model = SMP()
    traj = simulate(model.rules(), pos, sal, cap, None, None)
    assert len(traj.positions) == 101  # to the 100-turn cap
    assert np.array_equal(traj.positions[7], traj.positions[5]) and not np.array_equal(
        traj.positions[6], traj.positions[5]
    )
    fresh = simulate(model.rules(), traj.positions[6], sal, cap, None, None, max_turns=2, min_turns=2)
    for k in range(2):  # turns 98, 99 of the long run are states 6, 7 replayed
        assert np.array_equal(fresh.positions[k], traj.positions[98 + k])
        assert np.array_equal(fresh.win_probs[k], traj.win_probs[98 + k])
        assert np.array_equal(fresh.risk[k], traj.risk[98 + k])
        (_, b_fresh, chosen_fresh), (turn, b_long, chosen_long) = fresh.bargains[k], traj.bargains[98 + k]
        assert turn == 99 + k and b_fresh.init.size > 0 and np.array_equal(chosen_fresh, chosen_long)
        for part in ("init", "rcvr", "pos_init", "pos_rcvr", "prob", "gain"):
            assert np.array_equal(getattr(b_fresh, part), getattr(b_long, part))
    assert np.array_equal(fresh.positions[2], traj.positions[100])
