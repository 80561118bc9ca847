"""Weekly signals: per directed actor pair and ISO week, event counts and a cooperation-conflict score.

The score is the mean of the events' type weights (dictionaries.COOPERATION_SCORE, -1 = armed
assault, +1 = material help), each weighted by its confidence; hypothetical and negated events count
at half weight since they report intent or absence rather than acts.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .coder import CodedEvent
from .dictionaries import COOPERATION_SCORE, COOPERATIVE

SIGNAL_COLUMNS = ["week", "source", "target", "events", "cooperative", "conflictual", "score"]


def _who(actor: str | None, code: str | None, text: str) -> str:
    return actor or code or (text or "?")


def weekly_signals(events: Iterable[CodedEvent]) -> pd.DataFrame:
    """One row per (ISO week, source, target); undated events fall in week 'undated'."""
    rows = []
    for ev in events:
        weight = ev.confidence * (0.5 if ev.hypothetical or ev.negated else 1.0)
        if ev.date is not None:
            year, week, _ = ev.date.isocalendar()
            label = f"{year}-W{week:02d}"
        else:
            label = "undated"
        rows.append(
            (
                label,
                _who(ev.source, ev.source_code, ev.source_text),
                _who(ev.target, ev.target_code, ev.target_text),
                COOPERATION_SCORE[ev.type] * weight,
                weight,
                ev.type in COOPERATIVE,
            )
        )
    if not rows:
        return pd.DataFrame(columns=SIGNAL_COLUMNS)
    df = pd.DataFrame(rows, columns=["week", "source", "target", "value", "weight", "coop"])
    grouped = df.groupby(["week", "source", "target"], sort=True)
    out = grouped.agg(
        events=("value", "size"),
        cooperative=("coop", "sum"),
        value=("value", "sum"),
        weight=("weight", "sum"),
    )
    out["conflictual"] = out["events"] - out["cooperative"]
    out["score"] = np.round(out["value"] / out["weight"].where(out["weight"] > 0), 3)
    return out.reset_index()[SIGNAL_COLUMNS]
