"""Scenario events as data the engine can apply to many draws at once.

``compile_events`` checks each event against what the agents model needs (ScenarioError naming the
event and the allowed values) and resolves ids to indices; ``sample_schedule`` decides, with the one
random generator, in which rounds each event fires in each draw; ``apply_event`` changes the state
of the draws where it fires. What each type does is its handler's (handlers.py, one per type name,
registered with ``@handles``); this module only runs them. An event dated on the deadline fires in
the last round; one after it is refused.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...errors import ScenarioError
from ...scenario.schema import Scenario
from . import handlers, threats  # noqa: F401  (register every event type's handler)
from .handling import HANDLERS, At, Book, Compiled, is_random
from .state import Setting, State

__all__ = [
    "Compiled",
    "apply_event",
    "compile_events",
    "is_random",
    "sample_hazard",
    "sample_private",
    "sample_schedule",
]


def _round(scenario: Scenario, ev: Any) -> int:
    return ev.round if ev.round is not None else scenario.round_of(ev.date)


def compile_events(scenario: Scenario, rounds: int) -> tuple[list[Compiled], int]:
    """The events as Compiled records (threat executions at their deadlines added), and the threat count."""
    book = Book(
        scenario,
        rounds,
        actor={a: k for k, a in enumerate(scenario.actor_ids)},
        issue={i: k for k, i in enumerate(scenario.issue_ids)},
        venue={c.id: k for k, c in enumerate(scenario.channels)},
    )
    out: list[Compiled] = []
    for k, ev in enumerate(scenario.events):
        where = f"events.{k}" + (f" ({ev.id})" if ev.id else "")
        r = _round(scenario, ev)
        if r > rounds:
            raise ScenarioError(
                "the event falls after the deadline, when the talks are over",
                location=where,
                value=ev.id or str(ev.date or ev.round),
                allowed=f"round {rounds} (the deadline"
                f"{', ' + str(scenario.date_of(rounds)) if scenario.start else ''})"
                " or earlier",
            )
        at = At(book, where, k, min(r, rounds - 1), ev.description or ev.type)  # on the deadline: last round
        out.extend(HANDLERS[ev.type].compile(ev, at))
    return out, len(book.threats)


def sample_schedule(events: list[Compiled], rounds: int, draws: int, rng: np.random.Generator) -> np.ndarray:
    """fire[d, e, t]: whether event e fires in round t of draw d; random draws in event order."""
    fire = np.zeros((draws, len(events), rounds), bool)
    for e, ev in enumerate(events):
        if ev.round >= rounds:
            continue
        if ev.recurring:
            fire[:, e, ev.round :] = rng.random((draws, rounds - ev.round)) < ev.probability
        elif ev.probability < 1:
            fire[:, e, ev.round] = rng.random(draws) < ev.probability
        else:
            fire[:, e, ev.round] = True
    return fire


def sample_hazard(
    setting: Setting, events: list[Compiled], draws: int, rng: np.random.Generator
) -> np.ndarray | None:
    """Uniform draws (draws, rounds) against which each round's breakdown risk is tested, or None when no
    breakdown can happen (then nothing is drawn, so seeds keep their event schedules)."""
    if setting.breakdown <= 0 and not any(HANDLERS[ev.kind].raises_breakdown(ev) for ev in events):
        return None
    return rng.random((draws, setting.rounds))


def sample_private(setting: Setting, st: State, rng: np.random.Generator) -> None:
    """Draw each actor's private reservation: its public value plus a uniform error of half-width
    ``negotiation.private_width`` (Fearon 1995: private information), per draw. Nothing is drawn when the
    width is 0, so seeds keep their schedules."""
    if setting.private_width > 0:
        st.offset += rng.uniform(-setting.private_width, setting.private_width, st.offset.shape)


def apply_event(
    st: State, setting: Setting, ev: Compiled, mask: np.ndarray, t: int, shock_scale: float
) -> np.ndarray:
    """Change the draws in ``mask`` (S,) in place; return where the event had an effect (S,)."""
    return HANDLERS[ev.kind].apply(st, setting, ev, mask, t, shock_scale)
