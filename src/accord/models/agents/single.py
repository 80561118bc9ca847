"""The single-run engine: one negotiation with every offer and event recorded for the tables.

It is the batch engine (batch.py) with one draw and a ``Record``: the same stretches of rounds,
the same pure protocol functions, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .batch import BatchOutcome, Rules, play_batch
from .events import Compiled
from .policy import Paused, Seats
from .protocol import Round
from .state import Setting, State


@dataclass
class Record:
    """What a run leaves behind for the tables (draw 0 of the engine's state)."""

    # (first round, kept, block, present)
    blocks: list[tuple[int, int, Round, np.ndarray]] = field(default_factory=list)
    events: list[tuple[int, Compiled]] = field(default_factory=list)
    side: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    # (round, terms, parties, settled issues) for the side deals and the agreement
    agreement: tuple[int, np.ndarray, np.ndarray, np.ndarray] | None = None
    broken: int | None = None  # the round after which the talks collapsed
    last_round: int = 0

    def block(self, t: int, rnd: Round, kept: int, present: np.ndarray) -> None:
        """Keep the first ``kept`` rounds of a stretch starting at round ``t`` (the rest were not played)."""
        self.blocks.append((t, kept, rnd, present.copy()))
        self.last_round = t + kept - 1

    def proposals(self) -> np.ndarray:
        """(rounds played, n, m): each party's proposal, NaN for parties away from the table."""
        return np.concatenate(
            [
                np.where(present[:, None], rnd.offers[:kept, 0], np.nan)
                for _, kept, rnd, present in self.blocks
            ]
        )


def play_one(
    setting: Setting,
    st: State,
    events: list[Compiled],
    fire: np.ndarray,
    rules: Rules,
    hazard: np.ndarray | None = None,
    seats: Seats | None = None,
) -> tuple[Record, BatchOutcome]:
    """Play one negotiation (state with S = 1) under the schedule ``fire`` (1, events, rounds); ``seats``
    puts policies (policy.py) in the place of some actors' strategies; a policy that raises ``Paused``
    stops the game, and the record so far travels with the pause (game/ replays from the seed)."""
    rec = Record()
    try:
        out = play_batch(setting, st, events, fire, rules, rec, hazard, seats)
    except Paused as pause:  # a seat waits for a decision: the rounds played so far go with the pause
        pause.record = rec
        raise
    return rec, out
