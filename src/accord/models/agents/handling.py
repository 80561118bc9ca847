"""How the engine gives each event type its effect: one handler per type name, registered with ``@handles``.

The scenario layer declares what an event is (accord/scenario/events.py) and may not import the
models, so the engine's side registers here, per type name: a ``Handler`` turns one scenario event into
``Compiled`` records (ids resolved to indices, the round fixed, what the agents model refuses refused
with a ScenarioError naming the event) and applies a compiled record to the draws where it fires.
tests/test_event_types.py checks that every type the schema defines has exactly one handler.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import numpy as np

from ...scenario.events import EventBase
from ...scenario.schema import Scenario
from .state import Setting, State

E = TypeVar("E", bound=EventBase)


@dataclass(frozen=True)
class Compiled:
    """One scenario event resolved to indices and a round, ready to fire in the engine."""

    kind: str
    round: int
    probability: float  # per-round probability from `round` on when recurring, else chance at `round`
    recurring: bool
    actors: tuple[str, ...]
    description: str
    args: dict[str, Any] = field(default_factory=dict)


def is_random(ev: Compiled) -> bool:
    """Whether the event needs a random draw (it recurs or may not happen at all)."""
    return ev.recurring or ev.probability < 1


@dataclass
class Book:
    """What compiling one scenario's events shares across them: the id-to-index maps, and the threats
    announced so far (an outcome may only name a threat listed before it)."""

    scenario: Scenario
    rounds: int
    actor: dict[str, int]
    issue: dict[str, int]
    venue: dict[str, int]
    threats: dict[str, int] = field(default_factory=dict)
    acts_on: list[tuple[int, float, int]] = field(default_factory=list)  # each threat's (issue, to, actor)
    due: dict[int, int] = field(default_factory=dict)  # threat index -> the round of its by_date


@dataclass(frozen=True)
class At:
    """The event being compiled: where it sits (for messages), its index, its round (an event on the
    deadline already moved into the last round) and its text (description, else type)."""

    book: Book
    where: str
    index: int
    round: int
    text: str

    def fire(
        self,
        kind: str,
        who: tuple[str, ...],
        args: dict[str, Any],
        probability: float = 1.0,
        recurring: bool = False,
    ) -> Compiled:
        """A record of ``kind`` in this event's round (the common case: certain, once)."""
        return Compiled(kind, self.round, probability, recurring, who, self.text, args)


class Handler(ABC, Generic[E]):
    """What an event type does in the engine: ``compile`` it once per scenario, ``apply`` it to the
    draws where it fires. Subclass with the event's class as ``E`` and register with ``@handles``."""

    @abstractmethod
    def compile(self, ev: E, at: At) -> list[Compiled]:
        """The records the event becomes (none, one, or several: a threat also schedules its execution)."""

    @abstractmethod
    def apply(
        self, st: State, setting: Setting, ev: Compiled, mask: np.ndarray, t: int, shock_scale: float
    ) -> np.ndarray:
        """Change the draws in ``mask`` (S,) in place in round ``t``; return where it had an effect (S,)."""

    def raises_breakdown(self, ev: Compiled) -> bool:
        """Whether the record may make the talks break down (then the engine draws breakdown hazards)."""
        return False

    def foresee(self, ev: Compiled, point: np.ndarray) -> None:
        """Move ``point`` (m,), the no-deal outcome every party foresees at the deadline, as far as the
        record is common knowledge in advance (by default it is not)."""


H = TypeVar("H", bound=type[Handler[Any]])


class Handlers:
    """Handlers by the type names they serve; a name served twice is an error at import."""

    def __init__(self) -> None:
        self._by_kind: dict[str, Handler[Any]] = {}

    def handles(self, *kinds: str) -> Callable[[H], H]:
        """Class decorator: the handler serves the event types ``kinds``."""

        def register(cls: H) -> H:
            for kind in kinds:
                if kind in self._by_kind:
                    taken = type(self._by_kind[kind]).__name__
                    raise TypeError(f"event type {kind!r} already has a handler: {taken}")
            self._by_kind.update(dict.fromkeys(kinds, cls()))
            return cls

        return register

    def __getitem__(self, kind: str) -> Handler[Any]:
        return self._by_kind[kind]

    def kinds(self) -> tuple[str, ...]:
        """Every type name that has a handler, in registration order."""
        return tuple(self._by_kind)

    def owner(self, kind: str) -> type[Handler[Any]]:
        """The handler class serving ``kind``."""
        return type(self._by_kind[kind])


HANDLERS = Handlers()
handles = HANDLERS.handles
