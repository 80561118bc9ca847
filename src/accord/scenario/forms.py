"""The expected form of each scenario object, as a one-line YAML example.

Shared by the error messages (a value of the wrong shape is answered with the shape expected, e.g.
``deadline: 2020-07-15`` with ``{date: 2020-07-15}``) and the generated scenario reference
(docs/reference/scenario.md), so the two cannot disagree.
"""

from .events import EVENT_CLASSES

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
    "DecisionRule": "{kind: qualified_majority, voters: {DE: 29, FR: 29, MT: 3}, threshold: 0.7, veto: [EP]}",
    "Pie": "{total: 100, shares: {A: share_A, B: share_B, C: share_C}}",
}

# One example per event type, declared on its class (each validates; tests/test_reference.py checks it).
EVENT_EXAMPLES: dict[str, str] = {name: line for cls in EVENT_CLASSES for name, line in cls.examples.items()}
