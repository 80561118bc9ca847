"""The negotiation state: everything events can change, as arrays with a leading draw axis.

One negotiation is a state with one draw (S = 1); the batch engine runs S draws side by side. The
engine owns its state and updates it in place round by round (events, side deals, tit-for-tat
memory); the rules that read it are the pure functions in protocol.py, utility.py and
strategies.py.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields
from functools import cached_property

import numpy as np

from .rules import Rule
from .strategies import AgentParams
from .utility import unit_weights, utility


@dataclass(frozen=True)
class Plan:
    """What every Baron-Ferejohn player knows: the values, the coalitions and each proposer's mixture."""

    values: np.ndarray  # (n,) continuation values v (expected shares of the pie)
    coalitions: np.ndarray  # (C, n) bool: the sets of acceptances that pass the rule
    choice: np.ndarray  # (n, C) how often proposer k buys coalition c (rows sum to 1)
    share_issue: np.ndarray  # (n,) the issue index of each party's share
    total: float  # the size of the pie


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
    stance: np.ndarray  # (agents, issues) bool: the agent takes a stance on the issue (in every draw)
    rule: Rule  # how a proposal passes (rules.py)
    private_width: float  # half-width of the others' beliefs about each reservation (0: public)
    breakdown: float  # per-round probability that talks collapse (negotiation.breakdown_risk)
    order: tuple[int, ...]  # alternating protocol: who proposes in round t is order[t % len]; () = everyone
    single_text: bool  # every proposal is the chair's compromise text (negotiation.protocol single_text)
    control: np.ndarray  # (issues, agents) bool: who must sign for a deal to settle the issue (none: anyone)
    recognition: np.ndarray | None = None  # (agents,) recognition probabilities (protocol recognition)
    plan: Plan | None = None  # the Baron-Ferejohn equilibrium its players play (recognition.py)

    @property
    def pair(self) -> tuple[int, int]:
        """The two bargainers of the alternating-offers game (the first two in the proposing order)."""
        return (self.order[0], self.order[1]) if len(self.order) >= 2 else (0, 1)

    @cached_property
    def span(self) -> np.ndarray:
        """(issues,) width of each issue's scale."""
        return self.hi - self.lo

    @cached_property
    def n_required(self) -> int:
        """Number of parties whose consent a deal needs."""
        return int(self.required.sum())

    @cached_property
    def every_stance(self) -> bool:
        """Every agent takes a stance on every issue (most scenarios): no position needs filling in."""
        return bool(self.stance.all())

    def stance_or(self, ideal: np.ndarray, elsewhere: np.ndarray | float) -> np.ndarray:
        """(S, n, m): ``ideal`` where the agent takes a stance, else ``elsewhere``; ``ideal`` itself (not a
        copy, so never to be written to) when every agent takes a stance, as the engine asks several times
        a round."""
        return ideal if self.every_stance else np.where(self.stance, ideal, elsewhere)

    @cached_property
    def not_self(self) -> np.ndarray:
        """(agents, agents) bool: off the diagonal (nobody sends offers to itself)."""
        return _off_diagonal(len(self.actors))


@functools.lru_cache(maxsize=16)
def _off_diagonal(n: int) -> np.ndarray:
    """Built once per number of agents (every run asks for it); read-only, as it is shared."""
    out = ~np.eye(n, dtype=bool)
    out.setflags(write=False)
    return out


@dataclass
class State:
    """What changes as the talks go on, per draw (leading axis S): stances, relations, channels."""

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
    threat_live: np.ndarray  # (S, K) bool: announced, neither executed nor withdrawn (nor lapsed)
    threat_stake: np.ndarray  # (S, K, n) what each target would lose if the threat were carried out for sure
    threat_prior: np.ndarray  # (S, K) the stated credibility (the mean of the prior belief; threats.py)
    threat_weight: np.ndarray  # (S, K) how many observed threats that prior counts as
    threat_by: np.ndarray  # (S, K) int: the threatener (-1 before the announcement)
    resolve: np.ndarray  # (S, n, 2) each actor's threats carried out / withdrawn or lapsed so far
    exponent: np.ndarray  # (S, n) concession exponent (side deals harden it)
    reactive: np.ndarray  # (S, n) tit-for-tat agents' running target
    last_gain: np.ndarray  # (S, n, n) utility to receiver of each proposer's last offer (NaN none)
    side_deal: np.ndarray  # (S,) bool
    side_terms: np.ndarray  # (S, m)
    side_parties: np.ndarray  # (S, n) bool
    side_round: np.ndarray  # (S,) float, NaN when none
    side_settled: np.ndarray  # (S, m) bool: the issues the side deal settles (its controllers signed)
    fixed: np.ndarray  # (S, m) bool: settled by an executed threat, out of bargaining
    no_deal_final: np.ndarray  # (S, m) the no-deal outcome foreseen at the deadline (scheduled shifts)
    delay_cost: np.ndarray  # (S, n) utility each round without a deal costs each party
    discount: np.ndarray  # (S, n) per-round discount factor
    breakdown: np.ndarray  # (S,) per-round probability that talks collapse
    broken: np.ndarray  # (S,) bool: the talks collapsed
    belief_lo: np.ndarray  # (S, proposer, receiver) what each believes the receiver needs at least
    belief_hi: np.ndarray  # (S, proposer, receiver) ... and at most
    recognised: np.ndarray  # (S, rounds) int: who proposes in each round (protocol recognition; else -1)
    coin: np.ndarray  # (S, rounds) uniform draws for the recognised proposer's choice of coalition

    def unit(self, setting: Setting) -> np.ndarray:
        """Utility weight per unit of each issue's scale (utility.unit_weights), shape (S, n, m)."""
        return unit_weights(self.salience, setting.span)

    def no_deal_utility(
        self, setting: Setting, no_deal: np.ndarray | None = None, unit: np.ndarray | None = None
    ) -> np.ndarray:
        """Each agent's utility of the no-deal outcome, shape (S, n); no-stance issues weigh nothing."""
        point = self.no_deal if no_deal is None else no_deal
        unit = self.unit(setting) if unit is None else unit
        ideal = setting.stance_or(self.ideal, 0.0)
        return utility(ideal, unit, setting.agents.curved, point[:, None, :])

    def draws(self, part: slice) -> State:
        """The state of the draws ``part`` as views (what happens to them happens to this state)."""
        return State(**{f.name: getattr(self, f.name)[part] for f in fields(self)})

    def update(self, part: slice, other: State) -> None:
        """Copy ``other`` (the state of the draws ``part``, played apart) back into this state."""
        for f in fields(self):
            getattr(self, f.name)[part] = getattr(other, f.name)

    def reservation(
        self, setting: Setting, unit: np.ndarray | None = None, t: np.ndarray | None = None
    ) -> np.ndarray:
        """The reservation value: what holding out for no deal is worth now, (S, n), or (B, S, n) for
        rounds ``t`` (B,).

        The static part is the utility of no deal plus the analyst's offset minus believed threats; with time
        it becomes the expected value of no deal from round t on (docs/explanation/agents.md, "Time"): talks
        end by breakdown (per-round hazard p) or at the deadline T, whichever comes first, after K rounds,
        ``E[delta^K] u(no deal) - c E[K]`` with the no-deal outcome in force now for a breakdown and the one
        foreseen at the deadline (scheduled shifts) for the deadline (Rubinstein 1982: discounting and fixed
        costs of delay; Fearon 1995: power that shifts on a schedule)."""
        now = self.no_deal_utility(setting, unit=unit) + self.offset
        if self.threat_loss.shape[1]:
            now = now - self.threat_loss.sum(axis=1)
        now = np.minimum(np.maximum(now, 0.0), 1.0)
        if t is None:
            return now
        final = now
        if (self.no_deal_final != self.no_deal).any():  # NaN differs, as in np.array_equal
            final = self.no_deal_utility(setting, self.no_deal_final, unit) + self.offset
            if self.threat_loss.shape[1]:
                final = final - self.threat_loss.sum(axis=1)
            final = np.minimum(np.maximum(final, 0.0), 1.0)
        if not ((self.discount < 1).any() or (self.delay_cost > 0).any() or (self.breakdown > 0).any()):
            return np.repeat(final[None], len(t), axis=0)  # a copy, but one call (broadcast_to is three)
        left = np.maximum(setting.rounds - t, 1).astype(float)[:, None, None]  # rounds until the deadline
        q = (1.0 - self.breakdown)[:, None]
        d = self.discount
        qd = q * d
        reach_end = q ** (left - 1)  # P(no breakdown before the deadline)
        geometric = np.where(
            np.abs(1 - qd) > 1e-12, (1 - qd ** (left - 1)) / np.where(qd == 1, 1, 1 - qd), left - 1
        )
        early = (1 - q) * d * geometric  # E[delta^K; breakdown before the deadline]
        late = reach_end * d**left
        waited = np.where(q < 1, (1 - q**left) / np.where(q < 1, 1 - q, 1), left)  # E[K]
        value = early * now + late * final - self.delay_cost * waited
        return np.minimum(np.maximum(value, 0.0), 1.0)


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
    draws: int,
) -> State:
    """A fresh state for ``draws`` draws; arguments with or without the leading draw axis are
    copied into it (the state owns its arrays and events change them in place)."""
    n, m = len(setting.actors), len(setting.issues)
    blank = _blank(draws, n, m, n_threats, setting.rounds)
    st = State(
        ideal=_own(draws, ideal, n, m),
        salience=_own(draws, salience, n, m),
        capability=_own(draws, capability, n),
        direct=_own(draws, direct, n, n, dtype=bool),
        alignment=_own(draws, alignment, n, n),
        venue_open=_own(draws, venue_open, len(setting.venue_ids), dtype=bool),
        no_deal=_own(draws, no_deal, m),
        exponent=_own(draws, setting.agents.exponent, n),
        no_deal_final=_own(draws, no_deal, m),
        delay_cost=_own(draws, setting.agents.delay_cost, n),
        discount=_own(draws, setting.agents.discount, n),
        breakdown=_own(draws, setting.breakdown),
        **{name: value.copy() for name, value in blank.items()},
    )
    wanted = setting.agents.reservation
    if not np.isnan(wanted).all():
        st.offset = np.where(np.isnan(wanted), 0.0, wanted - st.no_deal_utility(setting))
    return st


def _own(draws: int, value: np.ndarray | float, *shape: int, dtype: type = float) -> np.ndarray:
    """A new (draws, *shape) array filled with ``value`` (broadcast)."""
    out: np.ndarray = np.empty((draws,) + shape, dtype)
    out[...] = value
    return out


@functools.lru_cache(maxsize=16)
def _blank(draws: int, n: int, m: int, n_threats: int, rounds: int) -> dict[str, np.ndarray]:
    """The fields every fresh state starts with the same values in, built once per shape (read-only:
    ``initial_state`` copies them, which is several times faster than filling new arrays one by one)."""
    out = {
        "present": _own(draws, True, n, dtype=bool),
        "left_round": _own(draws, np.nan, n),
        "offset": _own(draws, 0.0, n),
        "threat_loss": _own(draws, 0.0, n_threats, n),
        "threat_live": _own(draws, False, n_threats, dtype=bool),
        "threat_stake": _own(draws, 0.0, n_threats, n),
        "threat_prior": _own(draws, 0.0, n_threats),
        "threat_weight": _own(draws, 1.0, n_threats),
        "threat_by": _own(draws, -1, n_threats, dtype=int),
        "resolve": _own(draws, 0.0, n, 2),
        "reactive": _own(draws, 1.0, n),
        "last_gain": _own(draws, np.nan, n, n),
        "side_deal": _own(draws, False, dtype=bool),
        "side_terms": _own(draws, np.nan, m),
        "side_parties": _own(draws, False, n, dtype=bool),
        "side_round": _own(draws, np.nan),
        "side_settled": _own(draws, False, m, dtype=bool),
        "fixed": _own(draws, False, m, dtype=bool),
        "broken": _own(draws, False, dtype=bool),
        "belief_lo": _own(draws, 0.0, n, n),
        "belief_hi": _own(draws, 1.0, n, n),
        "recognised": _own(draws, -1, rounds, dtype=int),
        "coin": _own(draws, 0.0, rounds),
    }
    for value in out.values():
        value.setflags(write=False)
    return out
