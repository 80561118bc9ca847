"""The expected form of each scenario object, as a one-line YAML example.

Shared by the error messages (a value of the wrong shape is answered with the shape expected, e.g.
``deadline: 2020-07-15`` with ``{date: 2020-07-15}``) and the generated scenario reference
(docs/reference/scenario.md), so the two cannot disagree.
"""

FORMS: dict[str, str] = {
    "Scenario": "{name: my-talks, actors: [...], issues: [...], stances: {...}}",
    "Actor": "{id: USA, name: United States, capability: 100}",
    "Issue": "{id: troops, name: US troops after 2014, min: 0, max: 100, status_quo: 0}",
    "Unit": "{name: US troops, per_point: 200} or {levels: {0: no office, 30: talks-only office}}",
    "Stance": "{position: 45, salience: 70, source: why this number}",
    "Relation": "{actors: [USA, AFG], alignment: 0.5, channel: true}",
    "Channel": "{id: doha-office, members: [USA, TAL, QAT], host: QAT, open: false}",
    "Deadline": "{date: 2014-12-31} or {rounds: 80} or both",
    "Negotiation": "{required: [USA, AFG, TAL], allow_subset: false, no_deal: {troops: 0}}",
}

# One example per event type (each validates; tests/test_reference.py checks it).
EVENT_EXAMPLES: dict[str, str] = {
    "channel_open": "{id: office-opens, type: channel_open, channel: doha-office, date: 2013-06-18}",
    "channel_close": "{id: bsa-suspended, type: channel_close, between: [USA, AFG], date: 2013-06-19}",
    "position_shift": "{id: sign-removed, type: position_shift, actor: QAT, issue: office, to: 30, "
    "date: 2013-06-19}",
    "salience_shift": "{id: us-loses-interest, type: salience_shift, actor: USA, issue: talks, by: -20, "
    "round: 30}",
    "relation_change": "{id: separate-peace-charge, type: relation_change, between: [USA, AFG], by: -0.3, "
    "date: 2013-06-19}",
    "threat": "{id: zero-option, type: threat, actor: USA, target: AFG, issue: troops, consequence: 0, "
    "by_date: 2014-12-31, credibility: 0.5, date: 2013-07-08}",
    "threat_executed": "{id: zero-option-done, type: threat_executed, threat: zero-option, date: 2014-06-01}",
    "threat_withdrawn": "{id: zero-option-off, type: threat_withdrawn, threat: zero-option, "
    "date: 2014-01-15}",
    "actor_leaves": "{id: taliban-walk-out, type: actor_leaves, actor: TAL, condition: office closed, "
    "return_probability: 0.05, date: 2013-07-09}",
    "actor_returns": "{id: taliban-back, type: actor_returns, actor: TAL, date: 2013-09-01}",
    "reservation_shift": "{id: end-2014-withdrawal, type: reservation_shift, issue: troops, to: 0, "
    "date: 2014-12-31}",
    "shock": "{id: ramadan-attacks, type: shock, actor: TAL, issue: violence, size: 2, probability: 0.6, "
    "date: 2013-07-10}",
}
