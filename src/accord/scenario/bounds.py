"""The :class:`~accord.scenario.limits.Limits` a validated scenario must respect.

Checked by the schema once the fields are typed (so every scenario, from a file or built in
Python, passes here), before any model starts: counts of actors, issues and events; rounds of the
deadline and of events; the length of a round; and the magnitude of every number on an issue
scale or of a capability, so that sums and products inside the models stay finite.
"""

from __future__ import annotations

import math
from typing import Any

from .event_kinds import unbounded_values
from .limits import LimitError, Limits, check_count


def check_scenario(sc: Any, limits: Limits) -> None:
    """Refuse a validated scenario whose sizes or numbers exceed ``limits``, before any model works on it."""
    check_count("max_actors", len(sc.actors), "the number of actors", location="actors", limits=limits)
    check_count("max_issues", len(sc.issues), "the number of issues", location="issues", limits=limits)
    check_count("max_events", len(sc.events), "the number of events", location="events", limits=limits)
    if sc.round_days > limits.max_round_days:
        raise LimitError(
            "max_round_days", sc.round_days, "the days per round", location="round_days", limits=limits
        )
    for k, iss in enumerate(sc.issues):
        for end in ("min", "max"):
            _magnitude(getattr(iss, end), f"issues.{k}.{end}", limits)
    for k, actor in enumerate(sc.actors):
        _magnitude(actor.capability, f"actors.{k}.capability", limits)
        _settings(actor.params, f"actors.{k}.params", limits)
    for name, settings in sc.models.items():
        _settings(settings, f"models.{name}", limits)
    if sc.deadline is not None:
        rounds = sc.deadline_round()
        if rounds is not None and rounds > limits.max_rounds:
            raise LimitError(
                "max_rounds", rounds, "the rounds to the deadline", location="deadline", limits=limits
            )
    for k, ev in enumerate(sc.events):
        if ev.round is not None and ev.round > limits.max_rounds:
            raise LimitError(
                "max_rounds", ev.round, "an event's round", location=f"events.{k}.round", limits=limits
            )
        for field, value in unbounded_values(ev):  # numbers declared without bounds or a scale
            _magnitude(value, f"events.{k}.{field}", limits)


def _magnitude(value: float, where: str, limits: Limits) -> None:
    if abs(value) > limits.max_magnitude:
        raise LimitError("max_magnitude", value, "the size of a number", location=where, limits=limits)


def _settings(value: Any, where: str, limits: Limits) -> None:
    """Numbers in free-form settings (actor params, model settings) are bounded like the rest."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise LimitError("max_magnitude", value, "the size of a number", location=where, limits=limits)
        _magnitude(value, where, limits)
    elif isinstance(value, dict):
        for key, item in value.items():
            _settings(item, f"{where}.{key}", limits)
    elif isinstance(value, (list, tuple)):
        for n, item in enumerate(value):
            _settings(item, f"{where}.{n}", limits)
