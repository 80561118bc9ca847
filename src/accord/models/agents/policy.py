"""One policy interface per actor: what an actor sees in a round, and how it proposes and answers.

The built-in strategies are vectorised over draws and rounds (strategies.py); a ``Policy`` is the
per-actor, per-round form of the same decision, so that another decision maker (a scripted player,
later a person at the keyboard) can take an actor's seat in a single run. Each round the engine
first computes every seat's built-in proposal, then asks each policy for its proposal (``propose``),
values all proposals, and asks each policy which of the proposals it receives it accepts
(``respond``). ``StrategyPolicy`` returns the built-in choices, so a game in which every seat is a
``StrategyPolicy`` is the model's own run (tests check this).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ...errors import ParameterError


@dataclass(frozen=True)
class View:
    """What the actor in a seat knows in one round (terms on the issues' own scales)."""

    round: int
    actor: str
    issues: tuple[str, ...]
    reservation: float  # its utility of holding out (no deal)
    target: float  # the utility its built-in strategy demands now
    proposal: np.ndarray  # (issues,) the built-in strategy's proposal
    received: dict[str, np.ndarray]  # proposer -> terms, for the offers that reach it this round
    value: dict[str, float]  # proposer -> its utility of that offer
    threshold: float  # the utility at which the built-in strategy accepts
    present: frozenset[str] = frozenset()  # the actors at the table this round (the seat's own included)


class Paused(Exception):  # noqa: N818 -- a pause, not an error: the game waits for a decision
    """Raised by a policy that has no decision yet (a person at the keyboard): the engine stops, and
    the view it asked with (and, from single.py, the record of the rounds so far) travel with it, so
    the caller can show the round, ask, and replay the game from its seed with the decision added."""

    def __init__(self, view: View) -> None:
        super().__init__(f"{view.actor}: waiting for a decision in round {view.round}")
        self.view = view
        self.record: Any = None  # single.Record, set by play_one


class Policy(Protocol):
    """A seat player: what it proposes and which offers it accepts, given what it can see."""

    def propose(self, view: View) -> np.ndarray:
        """The terms (issues,) this actor proposes this round."""

    def respond(self, view: View) -> set[str]:
        """The proposers whose offers this actor accepts this round."""


class StrategyPolicy:
    """The built-in strategy as a policy: its own proposal, and every offer worth its threshold."""

    def propose(self, view: View) -> np.ndarray:
        """The built-in strategy's own proposal, unchanged."""
        return view.proposal

    def respond(self, view: View) -> set[str]:
        """Every offer worth at least the strategy's threshold (1e-12 absorbs rounding)."""
        return {p for p, v in view.value.items() if v >= view.threshold - 1e-12}


@dataclass(frozen=True)
class Seats:
    """Policies by actor index, for a single run (one draw); the engine plays round by round with them."""

    policies: dict[int, Policy]
    actors: tuple[str, ...]
    issues: tuple[str, ...]
    lo: np.ndarray
    hi: np.ndarray

    def view(
        self,
        t: int,
        k: int,
        res: np.ndarray,
        target: np.ndarray,
        proposal: np.ndarray,
        offers: np.ndarray,
        value: np.ndarray | None,
        threshold: np.ndarray,
        can: np.ndarray,
        present: np.ndarray | None = None,
    ) -> View:
        """What actor ``k`` sees in round ``t``: only offers on channels it can hear."""
        heard = [j for j in range(len(self.actors)) if can[j, k]]
        return View(
            round=t,
            actor=self.actors[k],
            issues=self.issues,
            reservation=float(res[k]),
            target=float(target[k]),
            proposal=proposal[k].copy(),
            received={self.actors[j]: offers[j].copy() for j in heard},
            value={} if value is None else {self.actors[j]: float(value[k, j]) for j in heard},
            threshold=float(threshold[k]),
            present=frozenset(a for j, a in enumerate(self.actors) if present is None or present[j]),
        )

    def terms(self, k: int, proposed: np.ndarray) -> np.ndarray:
        """A policy's proposal checked against the scales (clipped: an out-of-range term means its end)."""
        terms = np.asarray(proposed, dtype=float).reshape(len(self.issues))
        if not np.isfinite(terms).all():
            raise ParameterError(f"{self.actors[k]}: a proposal needs a finite number for every issue")
        return np.clip(terms, self.lo, self.hi)
