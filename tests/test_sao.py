"""The ``sao`` protocol: NegMAS 0.16's stacked alternating offers with its time-based negotiators.

Hand-worked traces follow the published rules: the aspiration ``1 - t ** (1 / e)`` of Faratin,
Sierra & Jennings (1998) with NegMAS's time ``t = (k + 1) / (n_steps + 1)``, scaled onto the
party's utility range less NegMAS's 0.001 tolerance; the offer is the worst outcome at or above
it. The stored table tests/data/negmas_sao_games.csv holds NegMAS's own results on the 1,000
seeded benchmark games (made by benchmarks/bench_protocol.py with negmas installed; the suite
does not need negmas).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from accord.errors import ParameterError
from accord.models.agents import AgentsModel, sao, sao_run
from accord.scenario import Scenario, UnsupportedScenario, to_arrays

TABLE = Path(__file__).parent / "data" / "negmas_sao_games.csv"
BOULWARE, CONCEDER = 0.25, 4.0  # accord exponents of NegMAS's "boulware" (t**4) and "conceder" (t**0.25)


def one_issue(
    values_a: list[float],
    values_b: list[float],
    steps: int,
    exponents=(BOULWARE, CONCEDER),
    reserved=(0.0, 0.0),
) -> sao.Played:
    util = np.array([[values_a, values_b]], float)
    return sao.play(util, np.array([exponents]), np.array([reserved]), steps)


def test_aspiration_is_faratin_with_negmas_time():
    # t = 1/4, 2/4, 3/4 with three steps; Boulware e = 1/4 concedes t**4, Conceder e = 4 t**(1/4)
    asp = sao.aspiration(3, np.array([BOULWARE, CONCEDER]))
    t = np.array([0.25, 0.5, 0.75])
    np.testing.assert_allclose(asp[0], 1 - t**4, rtol=0, atol=1e-15)
    np.testing.assert_allclose(asp[1], 1 - t**0.25, rtol=0, atol=1e-15)


def test_hand_worked_bilateral_trace():
    """One issue valued 0..4; A (Boulware) values v/4, B (Conceder) 1 - v/4; four steps.

    t = .2 .4 .6 .8. A's thresholds 1 - t^4 - .001 = .9974 .9734 .8694 .5894: it offers 4, 4, 4, 3.
    B's 1 - t^.25 - .001 = .3303 .2037 .1189 .0533: it offers 2, 3, 3, 3. Step 0: A offers 4, B
    (0 < .3303) counters 2. Step 1: A (.5 < .9734) offers 4; B counters 3. Step 2: A (.75 < .8694)
    offers 4; B counters 3. Step 3: A accepts B's 3 (.75 >= .5894): agreement on 3 after 4 steps.
    """
    v = np.arange(5) / 4
    out = one_issue(list(v), list(1 - v), 4)
    assert out.offers[0, 0].tolist() == [4, 4, 4, 3]
    assert out.offers[0, 1].tolist() == [2, 3, 3, 3]
    assert (out.steps[0], out.agreed[0], out.outcome[0]) == (4, True, 3)


def test_hand_worked_no_agreement():
    """Three values and three steps: A keeps offering its best (its threshold stays above .68)
    and B never accepts 0; A never accepts B's middle value (.5 below .68): the deadline passes."""
    out = one_issue([0, 0.5, 1], [1, 0.5, 0], 3)
    assert (out.steps[0], out.agreed[0], out.outcome[0]) == (3, False, -1)
    assert out.offers[0, 0].tolist() == [2, 2, 2] and out.offers[0, 1].tolist() == [1, 1, 1]


def test_offer_just_below_threshold_when_nearer():
    """One step: t = 1/2, A's threshold 1 - 1/16 - .001 = .9365. An outcome 5e-7 below it is
    nearer than the next one above and within NegMAS's 1e-6 band, so it is offered; 2e-6 below is not."""
    lo = 1 - 0.5**4 - 0.001
    near = one_issue([0.0, lo - 5e-7, 1.0], [1.0, 0.5, 0.0], 1)
    far = one_issue([0.0, lo - 2e-6, 1.0], [1.0, 0.5, 0.0], 1)
    assert near.offers[0, 0, 0] == 1 and far.offers[0, 0, 0] == 2


def test_reservation_raises_the_floor():
    """B's reservation .6 puts its lowest threshold at .6, so it never offers or accepts the
    outcome it values .5; with a reservation of 0 the same game ends in agreement."""
    v = np.arange(5) / 4
    assert one_issue(list(v), list(1 - v), 4).agreed[0]
    out = one_issue(list(v), list(1 - v), 4, reserved=(0.0, 0.6))
    assert set(out.offers[0, 1].tolist()) <= {0, 1}
    assert not out.agreed[0]


def test_hand_worked_three_parties():
    """Linear parties (e = 1), two steps: thresholds 2/3 - .001 then 1/3 - .001. Step 0: P0 offers
    its best (outcome 0); P1 (worth 0) counters with its best, 2; P2 (worth 0) counters with its
    best, 1. Step 1: P0 accepts 1 (.5) and so does P1 (.5): every party has accepted."""
    util = np.array([[[1, 0.5, 0], [0, 0.5, 1], [0.5, 1, 0]]], float)
    out = sao.play(util, np.ones((1, 3)), np.zeros((1, 3)), 2)
    assert out.offers[0, :, 0].tolist() == [0, 2, 1]
    assert (out.steps[0], out.outcome[0]) == (2, 1)


def test_utilities_sum_issue_by_issue():
    values = [np.array([[[0.0, 0.5, 1.0]]]), np.array([[[1.0, 0.0]]])]
    util = sao.additive_utilities(values, np.array([[[0.25, 0.75]]]))
    assert util.shape == (1, 1, 6)  # outcomes (0,0) (0,1) (1,0) (1,1) (2,0) (2,1): last issue fastest
    np.testing.assert_array_equal(util[0, 0], [0.75, 0.0, 0.875, 0.125, 1.0, 0.25])


def read_table() -> list[dict[str, str]]:
    rows = [line for line in TABLE.read_text().splitlines() if not line.startswith("#")]
    return list(csv.DictReader(rows))


def game_scenario(row: dict[str, str]) -> Scenario:
    """The benchmark game of one stored row, as an accord scenario."""
    exponent = {"boulware": BOULWARE, "conceder": CONCEDER}
    return Scenario.model_validate(
        {
            "name": f"game-{row['seed']}",
            "deadline": {"rounds": 100},
            "actors": [
                {
                    "id": p,
                    "capability": 1,
                    "params": {
                        "strategy": row[f"{p}_type"],
                        "exponent": exponent[row[f"{p}_type"]],
                        "reservation": float(row[f"{p}_reservation"]),
                    },
                }
                for p in "AB"
            ],
            "issues": [{"id": f"i{k}", "min": 0, "max": 9} for k in range(3)],
            "stances": {
                p: {
                    f"i{k}": {
                        "position": float(row[f"{p}_ideal"].split()[k]),
                        "salience": float(row[f"{p}_salience"].split()[k]),
                    }
                    for k in range(3)
                }
                for p in "AB"
            },
        }
    )


def test_negmas_table_reproduced_game_by_game():
    """Every stored NegMAS game: the same number of steps and the same agreement (or none)."""
    rows = read_table()
    assert len(rows) == 1000
    scenarios = [game_scenario(r) for r in rows]
    arrays = to_arrays(scenarios[0]).with_values(
        position=np.stack([to_arrays(s).position for s in scenarios]),
        salience=np.stack([to_arrays(s).salience for s in scenarios]),
        capability=np.ones((len(rows), 2)),
    )
    exponent = np.array([[a.params["exponent"] for a in s.actors] for s in scenarios])
    reserved = np.array([[a.params["reservation"] for a in s.actors] for s in scenarios])
    space = sao_run.outcome_space(scenarios[0], 11)
    util = sao_run.game(scenarios[0], arrays, space)
    out = sao.play(util, exponent, reserved, 100)
    agreement = [" ".join(str(int(x)) for x in space.points(o)) if o >= 0 else "" for o in out.outcome]
    mismatched = [
        (r["seed"], r["steps"], r["agreement"], int(s), a)
        for r, s, a in zip(rows, out.steps, agreement, strict=False)
        if (int(r["steps"]), r["agreement"]) != (s, a)
    ]
    assert mismatched == []
    assert 0 < sum(r["agreement"] == "" for r in rows) < len(rows)  # the table covers deals and deadlines


@pytest.mark.parametrize("k", [0, 1, 2, 3, 4, 5])
def test_model_run_and_batch_agree_with_the_table(k):
    row = next(r for r in read_table() if int(r["seed"]) % 167 == k)
    sc = game_scenario(row)
    model = AgentsModel(protocol="sao")
    res = model.run(sc, 0)
    outcome = res.info["outcome"]
    assert (outcome["round"] + 1 if outcome["agreement"] else 100) == int(row["steps"])
    terms = " ".join(str(int(outcome["terms"][f"i{j}"])) for j in range(3)) if outcome["agreement"] else ""
    assert terms == row["agreement"]
    offers = res.tables["offers"]
    assert offers["response"].iloc[-1] == ("accept" if outcome["agreement"] else "counter")
    assert offers["round"].max() == int(row["steps"]) - 1
    many = to_arrays(sc).with_values(
        position=np.stack([to_arrays(sc).position] * 3), salience=np.stack([to_arrays(sc).salience] * 3)
    )
    batch = model.run_batch(sc, many, np.random.default_rng(0))
    assert batch.extra["agreement"].tolist() == [outcome["agreement"]] * 3
    if outcome["agreement"]:
        np.testing.assert_array_equal(batch.forecast[0], [outcome["terms"][f"i{j}"] for j in range(3)])


def test_sao_refuses_what_it_cannot_play():
    sc = game_scenario(read_table()[0])
    data = sc.model_dump(mode="json", exclude_none=True)
    data["actors"][0]["params"] = {"strategy": "tit-for-tat"}
    with pytest.raises(UnsupportedScenario, match="time-based"):
        AgentsModel(protocol="sao").run(Scenario.model_validate(data), 0)
    data["actors"][0]["params"] = {"strategy": "linear", "risk": 2.0}
    with pytest.raises(UnsupportedScenario, match="risk"):
        AgentsModel(protocol="sao").run(Scenario.model_validate(data), 0)
    with pytest.raises(ParameterError, match="protocol"):
        AgentsModel(protocol="alternating")
    with pytest.raises(UnsupportedScenario, match="enumerates"):
        AgentsModel(protocol="sao", sao_levels=200).run(_continuous(), 0)


def _continuous() -> Scenario:
    return Scenario.model_validate(
        {
            "name": "wide",
            "actors": [{"id": a, "capability": 1} for a in "AB"],
            "issues": [{"id": f"i{k}", "min": 0, "max": 1.5} for k in range(3)],
            "stances": {
                a: {f"i{k}": {"position": 1.5 * (a == "A"), "salience": 10} for k in range(3)} for a in "AB"
            },
        }
    )


def reference(util: np.ndarray, exponent: np.ndarray, reserved: np.ndarray, steps: int) -> tuple[int, int]:
    """The rules of the module docstring walked turn by turn in plain Python, one game."""
    n, N = util.shape
    umax, umin = util.max(axis=1), np.maximum(util.min(axis=1), reserved)

    def lo(i: int, k: int) -> float:
        t = (k + 1) / (steps + 1)
        return min(
            max((umax[i] - umin[i]) * (1 - t ** (1 / exponent[i])) + umin[i] - 0.001, umin[i]), umax[i]
        )

    def offer(i: int, k: int) -> int:
        order = sorted(range(N), key=lambda o: (util[i, o], o))
        p = next(j for j, o in enumerate(order) if util[i, o] >= lo(i, k))
        below, above = util[i, order[p - 1]], util[i, order[p]]
        near = p > 0 and below >= lo(i, k) - 1e-6 and lo(i, k) - below < above - lo(i, k)
        return order[p - 1] if near else order[p]

    current, accepts = offer(0, 0), 1
    for k in range(steps):
        for i in range(n):
            if k == 0 and i == 0:
                continue
            if util[i, current] >= lo(i, k):
                accepts += 1
                if accepts == n:
                    return k + 1, current
            else:
                current, accepts = offer(i, k), 1
    return steps, -1


@pytest.mark.parametrize("parties", [2, 3, 4])
def test_engine_walks_the_rules_for_any_number_of_parties(parties):
    """Random utilities (no ties), exponents and reservation values: the vectorised engine and the
    plain walk of the rules agree game by game (the NegMAS table covers two parties)."""
    rng = np.random.default_rng(parties)
    games, outcomes, steps = 60, 40, 30
    util = rng.random((games, parties, outcomes))
    exponent = rng.choice([0.25, 0.5, 1.0, 2.0, 4.0, 0.3], size=(games, parties))
    reserved = np.where(rng.random((games, parties)) < 0.5, 0.0, rng.uniform(0, 0.5, (games, parties)))
    out = sao.play(util, exponent, reserved, steps)
    expected = [reference(util[g], exponent[g], reserved[g], steps) for g in range(games)]
    assert list(zip(out.steps.tolist(), out.outcome.tolist(), strict=False)) == expected
    assert len({e[0] for e in expected}) > 5  # games end at many different steps
