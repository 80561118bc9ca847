"""The negotiation state: everything events can change, as arrays with a leading draw axis.

One negotiation is a state with one draw (S = 1); the batch engine runs S draws side by side. The
engine owns its state and updates it in place round by round (events, side deals, tit-for-tat
memory); the rules that read it are the pure functions in protocol.py, utility.py and
strategies.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .strategies import AgentParams
from .utility import utility


@dataclass(frozen=True)
class Setting:
    """What no event changes: scales, who is required, venue membership, strategies."""

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    lo: np.ndarray  # (issues,)
    hi: np.ndarray  # (issues,)
    required: np.ndarray  # (agents,) bool
    allow_subset: bool
    venue_ids: tuple[str, ...]
    venue_members: np.ndarray  # (venues, agents) bool
    agents: AgentParams
    rounds: int

    @property
    def span(self) -> np.ndarray:
        return self.hi - self.lo


@dataclass
class State:
    ideal: np.ndarray  # (S, n, m) NaN where no stance
    salience: np.ndarray  # (S, n, m) 0..100
    capability: np.ndarray  # (S, n)
    direct: np.ndarray  # (S, n, n) bool, symmetric
    alignment: np.ndarray  # (S, n, n) in [-1, 1], symmetric
    venue_open: np.ndarray  # (S, V) bool
    present: np.ndarray  # (S, n) bool: at the table
    left_round: np.ndarray  # (S, n) round of the last walk-out, NaN when at the table
    no_deal: np.ndarray  # (S, m) the outcome without agreement
    offset: np.ndarray  # (S, n) reservation minus the utility of the no-deal outcome
    threat_loss: np.ndarray  # (S, K, n) utility each threat takes off each target's reservation
    threat_live: np.ndarray  # (S, K) bool: announced, neither executed nor withdrawn
    exponent: np.ndarray  # (S, n) concession exponent (side deals harden it)
    reactive: np.ndarray  # (S, n) tit-for-tat agents' running target
    last_gain: np.ndarray  # (S, n, n) utility to receiver of each proposer's last offer (NaN none)
    side_deal: np.ndarray  # (S,) bool
    side_terms: np.ndarray  # (S, m)
    side_parties: np.ndarray  # (S, n) bool
    side_round: np.ndarray  # (S,) float, NaN when none

    @property
    def weight(self) -> np.ndarray:
        """Saliences as shares per agent (the utility weights), zero where no stance."""
        total = self.salience.sum(axis=-1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, self.salience / total, 0.0)

    def no_deal_utility(self, setting: Setting, no_deal: np.ndarray | None = None) -> np.ndarray:
        """Each agent's utility of the no-deal outcome, shape (S, n)."""
        point = self.no_deal if no_deal is None else no_deal
        return utility(self.ideal, self.weight, setting.span, setting.agents.risk, point[:, None, :])

    def reservation(self, setting: Setting) -> np.ndarray:
        """The reservation value: utility of no deal, the analyst's offset, minus believed threats."""
        value = self.no_deal_utility(setting) + self.offset - self.threat_loss.sum(axis=1)
        return np.clip(value, 0.0, 1.0)


def initial_state(
    setting: Setting,
    ideal: np.ndarray,
    salience: np.ndarray,
    capability: np.ndarray,
    direct: np.ndarray,
    alignment: np.ndarray,
    venue_open: np.ndarray,
    no_deal: np.ndarray,
    n_threats: int,
) -> State:
    """A fresh state for S draws; every argument already carries the leading draw axis."""
    s, n, m = ideal.shape
    st = State(
        ideal=ideal.copy(), salience=salience.copy(), capability=capability.copy(), direct=direct.copy(),
        alignment=alignment.copy(), venue_open=venue_open.copy(), present=np.ones((s, n), bool),
        left_round=np.full((s, n), np.nan), no_deal=no_deal.copy(), offset=np.zeros((s, n)),
        threat_loss=np.zeros((s, n_threats, n)), threat_live=np.zeros((s, n_threats), bool),
        exponent=np.broadcast_to(setting.agents.exponent, (s, n)).copy(), reactive=np.ones((s, n)),
        last_gain=np.full((s, n, n), np.nan), side_deal=np.zeros(s, bool), side_terms=np.full((s, m), np.nan),
        side_parties=np.zeros((s, n), bool), side_round=np.full(s, np.nan),
    )
    wanted = setting.agents.reservation
    st.offset = np.where(np.isnan(wanted), 0.0, wanted - st.no_deal_utility(setting))
    return st
