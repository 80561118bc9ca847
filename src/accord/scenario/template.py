"""`accord new NAME`: a commented scenario to start from.

The template is a complete, valid scenario (two actors, one issue, a deadline, one event) whose
comments say what each field means and point to docs/reference/scenario.md for the rest; a test
loads it, so it stays valid as the schema changes.
"""

from __future__ import annotations

TEMPLATE = """\
# A scenario for accord: a negotiation frozen at its start date.
# Every field is described in docs/reference/scenario.md (or run `accord schema`).
# Every number may carry a `source`: where it comes from, or why you chose it.
# Check the file with `accord validate {name}.yaml`; forecast with `accord forecast {name}.yaml`.

name: {name}                     # the id runs and reports are filed under
title: {title}
note: These numbers are an analyst's estimates as of the start date.
start: 2025-01-06                # calendar date of round 0 (needed for dated events)
round_days: 7                    # length of one round in days
deadline: {{date: 2025-12-31}}     # a date and/or a number of rounds: {{rounds: 50}}

actors:                          # capability: relative power (only ratios matter)
  - {{id: A, name: Party A, capability: 60, source: why this weight}}
  - {{id: B, name: Party B, capability: 40}}
  # params: per-actor settings of the agents model, e.g. {{strategy: boulware, reservation: 0.5}}

issues:                          # each issue is a numeric scale with labelled ends
  - id: price
    name: Price agreed
    min: 0
    max: 100
    min_label: the buyer's opening offer
    max_label: the seller's asking price
    status_quo: 0                # where it stands today (the Nash and status-quo models need one)
    unit: {{name: EUR per tonne, per_point: 5, offset: 400}}   # optional: 0 = 400, 100 = 900 EUR per tonne
    # or labelled levels: unit: {{levels: {{0: no deal, 50: split the difference}}}}

stances:                         # stances[actor][issue]: position on the scale, salience 0-100
  A: {{price: {{position: 20, salience: 80, source: "A's stated ceiling"}}}}
  B: {{price: {{position: 90, salience: 60}}}}

relations:                       # undirected pairs; a pair not listed talks directly, alignment 0
  - {{actors: [A, B], alignment: 0.2, channel: true}}

channels: []                     # venues/mediators: {{id: talks, members: [A, B], host: A, open: true}}

negotiation:                     # what counts as an agreement (read by the agents model)
  required: [A, B]               # parties every agreement needs
  allow_subset: false            # whether a deal among fewer counts
  no_deal: {{price: 0}}            # the outcome without a deal

events:                          # timed events: a `date` or a `round`, a `type` and its fields
  - {{id: b-hardens, type: position_shift, actor: B, issue: price, by: 5, date: 2025-03-03,
     description: B's board demands more}}
  # types: channel_open, channel_close, position_shift, salience_shift, relation_change, threat,
  # threat_executed, threat_withdrawn, actor_leaves, actor_returns, reservation_shift, shock

models: {{}}                       # per-model settings carried with the scenario
"""


def template(name: str, title: str | None = None) -> str:
    """The commented template for a scenario called ``name``."""
    return TEMPLATE.format(name=name, title=title or name.replace("-", " ").replace("_", " ").capitalize())
