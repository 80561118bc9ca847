"""Every input number of a scenario beside its stated rationale, as one tidy table.

A forecast is only as good as its inputs, so the report lists each of them with the ``source``
note the analyst gave (or says that none was given) rather than hiding them in a YAML file.
"""

from __future__ import annotations

import pandas as pd

from ..scenario.event_kinds import EventBase
from ..scenario.schema import Scenario

COLUMNS = ["group", "item", "input", "value", "source"]


def event_numbers(event: EventBase) -> dict[str, float]:
    """The numbers an event carries that the scenario gave or that differ from their defaults, read
    from its type's declared fields (so a new event type's numbers are listed without an edit here)."""
    fields = type(event).model_fields
    out = {}
    for name, info in fields.items():
        value = getattr(event, name)
        if name == "round" or isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if name in event.model_fields_set or value != info.default:
            out[name] = float(value)
    return out


def assumptions_table(scenario: Scenario) -> pd.DataFrame:
    """Every input value the forecast rests on (actor, issue, event), with its source, for the report."""
    rows: list[tuple] = []
    for a in scenario.actors:
        rows.append(("actor", a.name or a.id, "capability", a.capability, a.source))
        for key, value in a.params.items():
            rows.append(("actor", a.name or a.id, f"param {key}", value, a.source))
    for i in scenario.issues:
        rows.append(("issue", i.name or i.id, "range", f"{i.min:g} to {i.max:g}", i.source))
        if i.status_quo is not None:
            rows.append(("issue", i.name or i.id, "status quo", i.status_quo, i.source))
        if i.unit is not None:
            rows.append(("issue", i.name or i.id, "unit", i.unit.scale_note(), i.unit.source or i.source))
    for actor, row in scenario.stances.items():
        for issue, st in row.items():
            item = f"{actor} on {issue}"
            rows.append(("stance", item, "position", st.position, st.source))
            rows.append(("stance", item, "salience", st.salience, st.source))
    for r in scenario.relations:
        rows.append(("relation", " - ".join(r.actors), "alignment", r.alignment, r.source))
        rows.append(("relation", " - ".join(r.actors), "direct channel", r.channel, r.source))
    for c in scenario.channels:
        rows.append(("channel", c.name or c.id, "members", ", ".join(c.members), c.source))
        rows.append(("channel", c.name or c.id, "open", c.open, c.source))
    if scenario.deadline is not None:
        d = scenario.deadline
        when = ", ".join(str(v) for v in (d.date, f"{d.rounds} rounds" if d.rounds else None) if v)
        rows.append(("deadline", "deadline", "date / rounds", when, d.source))
    if scenario.negotiation is not None:
        n = scenario.negotiation
        rows.append(("negotiation", "agreement", "required parties", ", ".join(n.required), n.source))
        for issue, value in n.no_deal.items():
            rows.append(("negotiation", issue, "no-deal outcome", value, n.source))
    for k, ev in enumerate(scenario.events):
        when = ev.date.isoformat() if ev.date is not None else f"round {ev.round}"
        value = ", ".join(f"{f}={v:g}" for f, v in event_numbers(ev).items()) or ev.description
        rows.append(("event", ev.id or f"events.{k}", f"{ev.type} ({when})", value, ev.source))
    for model, settings in scenario.models.items():
        for key, value in settings.items():
            rows.append(("model setting", model, key, value, None))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["source"] = frame["source"].fillna("")
    return frame
