"""Threat credibility is a belief about the threatener, updated when its threats are carried out or not.

The numbers are worked by hand from the rules in models/agents/threats.py: a Beta belief with mean the
stated credibility c and the weight w of observed threats, posterior mean (w c + H) / (w + H + M), and a
target's reservation lowered by credibility x its stake (its reservation less the utility of the no-deal
outcome with the issue at the consequence). The scenario is test_agents_mechanisms.talks: the Afghan
government AFG (troops: ideal 80, salience 80; role: ideal 25, salience 60; reservation 0.8) and a
no-deal outcome of troops 0, role 0, so AFG's utility of no deal is 1 - (80*80 + 60*25) / 14,000 = 61/140
and of role at 100 with troops at 0, 1 - (80*80 + 60*75) / 14,000 = 31/140.
"""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError
from test_agents_mechanisms import talks

from accord.errors import ScenarioError
from accord.models.agents import AgentsModel
from accord.models.agents.events import apply_event
from accord.models.agents.setup import prepare
from accord.scenario import to_arrays

NO_DEAL_U, ROLE_100_U, RES = 61 / 140, 31 / 140, 0.8
USA, AFG = 0, 1
T1 = {"id": "t1", "type": "threat", "actor": "USA", "target": "AFG", "issue": "troops", "consequence": 0}
T1 |= {"credibility": 0.5, "by_date": "2013-07-06", "round": 0}  # round 5
T2 = {"id": "t2", "type": "threat", "actor": "USA", "target": "AFG", "issue": "role", "consequence": 100}
T2 |= {"credibility": 0.3, "by_date": "2013-08-31", "round": 1}  # round 13


def engine(events, draws=2):
    sc = talks(events)
    arrays = to_arrays(sc)
    many = arrays.with_values(
        capability=np.broadcast_to(arrays.capability, (draws, arrays.n_actors)),
        position=np.broadcast_to(arrays.position, (draws,) + arrays.position.shape),
        salience=np.broadcast_to(arrays.salience, (draws,) + arrays.position.shape),
    )
    return prepare(sc, many, "boulware", 100)


def fire(setting, st, ev, mask):
    apply_event(st, setting, ev, np.asarray(mask), ev.round, 1.0)


def test_a_threat_carried_out_makes_the_threateners_other_threats_more_credible_one_let_lapse_less():
    setting, st, events = engine([T1, T2])
    kinds = [(ev.kind, ev.args.get("threat")) for ev in events]
    assert kinds == [
        ("threat", 0),
        ("threat_executed", 0),
        ("threat_withdrawn", 0),  # the lapse where it was not carried out
        ("threat", 1),
        ("threat_executed", 1),
        ("threat_withdrawn", 1),
    ]
    announce1, execute1, lapse1, announce2 = events[:4]
    assert execute1.probability == 0.5 and lapse1.probability == 1.0 and "lapses" in lapse1.description
    fire(setting, st, announce1, [True, True])
    stake1 = RES - NO_DEAL_U  # the consequence (troops 0) is the no-deal outcome already
    np.testing.assert_allclose(st.reservation(setting)[:, AFG], RES - 0.5 * stake1, atol=1e-12)
    fire(setting, st, announce2, [True, True])
    stake2 = (RES - 0.5 * stake1) - ROLE_100_U  # measured from what AFG now counts on
    np.testing.assert_allclose(st.threat_loss[:, 1, AFG], 0.3 * stake2, atol=1e-12)
    # By t1's date: carried out in draw 0 only; the lapse then acts on draw 1 alone.
    fire(setting, st, execute1, [True, False])
    fire(setting, st, lapse1, [True, True])
    np.testing.assert_array_equal(st.resolve[:, USA], [[1, 0], [0, 1]])
    believed = np.array([(2 * 0.3 + 1) / 3, (2 * 0.3) / 3])  # Beta(0.6, 1.4) after one success / failure
    np.testing.assert_allclose(st.threat_loss[:, 1, AFG], believed * stake2, atol=1e-12)
    np.testing.assert_array_equal(st.threat_loss[:, 0, AFG], [0, 0])  # t1 no longer weighs anywhere
    np.testing.assert_allclose(st.reservation(setting)[:, AFG], RES - believed * stake2, atol=1e-12)
    assert st.fixed[0, 0] and not st.fixed[1, 0]


def test_a_later_threat_starts_from_the_record_and_a_withdrawal_counts_against_it():
    later = dict(T2, id="t3", credibility=0.5, round=6, credibility_weight=4.0)
    off = {"type": "threat_withdrawn", "threat": "t1", "round": 2}
    setting, st, events = engine([T1, off, later])
    announce1, _, _, withdraw, announce3 = events[:5]
    fire(setting, st, announce1, [True, True])
    fire(setting, st, withdraw, [True, False])  # backed down in draw 0 only
    fire(setting, st, announce3, [True, True])
    stake3 = np.array([RES - ROLE_100_U, RES - 0.5 * (RES - NO_DEAL_U) - ROLE_100_U])
    believed = np.array([(4 * 0.5) / 5, 0.5])  # w = 4: one failure on record in draw 0, none in draw 1
    np.testing.assert_allclose(st.threat_loss[:, 1, AFG], believed * stake3, atol=1e-12)


def test_an_executed_threat_is_not_also_let_lapse_and_a_run_records_the_lapse():
    sure = dict(T1, credibility=1.0)
    setting, st, events = engine([sure])
    for ev in events:
        fire(setting, st, ev, [True, True])
    np.testing.assert_array_equal(st.resolve[:, USA], [[1, 0], [1, 0]])
    bluff = dict(T1, credibility=0.0)
    rows = AgentsModel().run(talks([bluff]), 0).tables["events"]
    lapse = rows[rows["type"] == "threat_withdrawn"]
    assert len(lapse) == 1 and "not carried out" in lapse["description"].item()
    assert rows.loc[rows["type"] == "threat_executed"].empty


def test_credibility_weight_must_be_positive():
    with pytest.raises(ValidationError, match="credibility_weight"):
        talks([dict(T1, credibility_weight=0)])


def test_an_outcome_after_the_threats_own_date_is_refused_naming_the_dates():
    late = {"type": "threat_executed", "threat": "t1", "round": 8}
    with pytest.raises(
        ScenarioError, match=r"events.1: threat_executed falls on or after the threat's by_date"
    ):
        AgentsModel().run(talks([T1, late]), 0)
    early = dict(late, round=3)
    rows = AgentsModel().run(talks([T1, early]), 0).tables["events"]
    assert (rows["type"] == "threat_executed").sum() == 1 and (rows["type"] == "threat_withdrawn").sum() == 0
