"""Terms as a person types them: in the issue's own units (scenario/units.py), read back to the scale.

An issue with a linear unit takes an amount in that unit ("9000" or "9,000" US troops); a value
followed by ``pt`` is a position on the scale ("45pt"). An issue with labelled levels takes a label
(any unambiguous part of it, case-insensitive: "talks-only") or a scale position. An issue without a
unit takes a scale position. Anything outside the issue's range is refused with the range in units.
"""

from __future__ import annotations

import math
import re
from typing import Any

from ..scenario.schema import Issue, Scenario
from .core import GameError

_NUMBER = re.compile(r"^[+-]?(\d[\d,_]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_term(issue: Issue, text: str) -> float:
    """The scale position that ``text`` names on ``issue`` (GameError naming the issue and range)."""
    raw = text.strip()
    if not raw:
        raise GameError(f"{issue.id}: no value; allowed: {allowed(issue)}")
    unit = issue.unit
    points = raw.lower().endswith("pt")
    number = _number(raw[:-2].strip() if points else raw)
    if number is not None:
        if not points and unit is not None and unit.per_point is not None:
            position = (number - unit.offset) / unit.per_point
        else:
            position = number
        if not issue.min - 1e-9 <= position <= issue.max + 1e-9:
            raise GameError(f"{issue.id}: {raw} is out of range; allowed: {allowed(issue)}")
        return min(max(position, issue.min), issue.max)
    if unit is not None and unit.levels:
        word = raw.lower()
        hits = [(at, label) for at, label in unit.levels.items() if word in label.lower()]
        exact = [h for h in hits if h[1].lower() == word]
        if len(exact) == 1 or len(hits) == 1:
            return float((exact or hits)[0][0])
        if len(hits) > 1:
            raise GameError(
                f"{issue.id}: {raw!r} matches several levels ({', '.join(h[1] for h in hits)}); "
                f"allowed: {allowed(issue)}"
            )
    raise GameError(f"{issue.id}: {raw!r} is not a value; allowed: {allowed(issue)}")


def threat_from_text(
    scenario: Scenario, actor: str, issue: str, value: str, target: str | None, credibility: str
) -> dict[str, Any]:
    """A player's threat from what was typed: its issue (id, any case), its consequence in the issue's
    units, its target (another actor, any case; none: every other party) and credibility (0 to 1)."""
    issues = {i.id.lower(): i for i in scenario.issues}
    if issue.lower() not in issues:
        raise GameError(f"threat: unknown issue {issue!r}; allowed: {', '.join(scenario.issue_ids)}")
    found = issues[issue.lower()]
    out: dict[str, Any] = {"type": "threat", "issue": found.id, "consequence": parse_term(found, value)}
    cred = _number(str(credibility).strip())
    if cred is None or not 0 <= cred <= 1:
        raise GameError(f"threat: credibility {credibility!r}; allowed: a number from 0 to 1")
    out["credibility"] = cred
    if target:
        others = {a.lower(): a for a in scenario.actor_ids if a != actor}
        if target.lower() not in others:
            raise GameError(f"threat target: {target!r}; allowed: {', '.join(others.values())}")
        out["target"] = others[target.lower()]
    return out


def _number(text: str) -> float | None:
    if not _NUMBER.match(text):
        return None
    value = float(text.replace(",", "").replace("_", ""))
    return value if math.isfinite(value) else None


def allowed(issue: Issue) -> str:
    """What an issue's prompt takes, in its units."""
    unit = issue.unit
    scale = f"{issue.min:g} to {issue.max:g} on the scale"
    if unit is not None and unit.per_point is not None:
        ends = f"{unit.amount(issue.min)} to {unit.amount(issue.max)} {unit.name}"
        return f"{ends} (or {scale} with pt, e.g. 45pt)"
    if unit is not None and unit.levels:
        levels = ", ".join(f"{label} ({at:g})" for at, label in sorted(unit.levels.items()))
        return f"a level ({levels}) or a number {scale}"
    return f"a number {scale}"


def show_term(issue: Issue, position: float) -> str:
    """'45.0 (9,000 US troops)': the position with its meaning, where the issue declares units."""
    return issue.with_units(float(position))
