"""The engine plays stretches of rounds at once: cutting them differently must not change any draw.

The reference is the engine forced to go round by round (one round per stretch), which is the
protocol as written in docs/explanation/agents.md; the hand-worked paths in test_agents.py pin that down.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_agents_mechanisms import talks

from accord.models.agents import AgentsModel, batch
from accord.models.agents.utility import distance, offer_toward, total, unit_weights, utility
from accord.scenario import to_arrays

DRAWS = 120


def jittered(scenario, seed=3):
    arrays = to_arrays(scenario)
    jitter = np.random.default_rng(seed).uniform(-20, 20, (DRAWS,) + arrays.position.shape)
    position = np.clip(arrays.position + jitter, 0, 100)
    return arrays.with_values(
        capability=np.broadcast_to(arrays.capability, (DRAWS, arrays.n_actors)),
        position=position,
        salience=np.broadcast_to(arrays.salience, position.shape),
    )


SCENARIOS = {
    "plain": talks(),
    "events": talks(
        [
            {"type": "channel_close", "channel": "doha", "round": 9},
            {"type": "channel_open", "channel": "doha", "round": 14},
            {
                "type": "threat",
                "actor": "USA",
                "target": "AFG",
                "issue": "troops",
                "consequence": 0,
                "credibility": 0.7,
                "round": 4,
                "by_date": "2013-08-15",
            },
            {"type": "shock", "issue": "role", "size": 3, "probability": 0.2, "round": 20},
        ]
    ),
    "side deals": talks(
        negotiation={
            "required": ["USA", "AFG", "TAL"],
            "allow_subset": True,
            "no_deal": {"troops": 0, "role": 0},
        }
    ),
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_stretches_give_the_round_by_round_outcome(name, monkeypatch):
    scenario, model = SCENARIOS[name], AgentsModel()
    many = jittered(scenario)
    fast = model.run_batch(scenario, many, np.random.default_rng(11))
    monkeypatch.setattr(batch, "BLOCK", 0)  # one round per stretch
    slow = model.run_batch(scenario, many, np.random.default_rng(11))
    np.testing.assert_array_equal(fast.extra["agreement"], slow.extra["agreement"])
    np.testing.assert_array_equal(fast.extra["agreement_round"], slow.extra["agreement_round"])
    np.testing.assert_allclose(fast.forecast, slow.forecast, rtol=0, atol=1e-12)
    assert len(np.unique(fast.extra["agreement_round"])) > 3  # the draws end at different rounds


def test_large_batches_played_in_chunks_of_draws_give_the_same_outcome(monkeypatch):
    scenario, model = SCENARIOS["events"], AgentsModel()
    many = jittered(scenario)
    whole = model.run_batch(scenario, many, np.random.default_rng(5))
    monkeypatch.setattr(
        batch, "BLOCK", batch.STRETCH * 3 * 3 * 2 * 50
    )  # chunks of 50 draws (3 actors, 2 issues)
    chunked = model.run_batch(scenario, many, np.random.default_rng(5))
    np.testing.assert_array_equal(whole.extra["agreement_round"], chunked.extra["agreement_round"])
    np.testing.assert_allclose(whole.forecast, chunked.forecast, rtol=0, atol=1e-12)


def test_a_batch_is_its_draws_played_one_by_one():
    scenario, model = SCENARIOS["side deals"], AgentsModel()
    many = jittered(scenario)
    together = model.run_batch(scenario, many, np.random.default_rng(0))
    for d in range(0, DRAWS, 7):
        one = many.with_values(
            capability=many.capability[d : d + 1],
            position=many.position[d : d + 1],
            salience=many.salience[d : d + 1],
        )
        alone = model.run_batch(scenario, one, np.random.default_rng(0))
        assert alone.extra["agreement"][0] == together.extra["agreement"][d]
        np.testing.assert_allclose(alone.forecast[0], together.forecast[d], rtol=0, atol=1e-12)


def test_utilities_and_offers_by_hand():
    # Two issues on 0-10 and 0-20; saliences 30 and 10 -> weights 0.75, 0.25 -> per unit 0.075, 0.0125.
    unit = unit_weights(np.array([[30.0, 10.0]]), np.array([10.0, 20.0]))
    np.testing.assert_allclose(unit, [[0.075, 0.0125]])
    ideal = np.array([[2.0, 5.0]])
    # Point (6, 13): D = 0.075 * 4 + 0.0125 * 8 = 0.4; risk-neutral utility 0.6, risk 2 gives 1 - 0.16.
    point = np.array([[6.0, 13.0]])
    assert distance(ideal, unit, point)[0] == pytest.approx(0.4)
    assert utility(ideal, unit, None, point)[0] == pytest.approx(0.6)
    assert utility(ideal, unit, np.array([2.0]), point)[0] == pytest.approx(0.84)
    # Toward (6, 13) with target 0.8: lambda = 0.2 / 0.4 = 0.5 -> (4, 9); a target of 0.5 stops at the reference.
    offers = offer_toward(ideal[None], point[None], unit[None], None, np.array([[[0.8]], [[0.5]]]))
    np.testing.assert_allclose(offers[:, 0, 0], [[4.0, 9.0], [6.0, 13.0]])
    # A salience-free agent weighs nothing; counts of booleans over a short axis.
    np.testing.assert_array_equal(unit_weights(np.zeros((1, 2)), np.array([10.0, 20.0])), [[0.0, 0.0]])
    np.testing.assert_array_equal(total(np.array([[True, False, True], [False, False, False]])), [2, 0])
