"""Concession strategies: how much utility an agent still demands at each point in time.

Each strategy maps normalised time ``tau = t / (rounds - 1)`` in [0, 1] and the agent's reservation
value ``r`` to a target utility (its aspiration); the agent then offers the point that gives it that
utility (utility.offer_toward). The time-dependent family is Faratin, Sierra & Jennings (1998):
``target = 1 - (1 - r) * tau ** (1 / e)``, where e < 1 concedes late (Boulware), e = 1 evenly
(linear) and e > 1 early (Conceder). A hard-liner follows the same curve but only ever gives up a
fraction ``concession`` of the way to its reservation; tit-for-tat concedes each round as much
utility as the others' offers gained for it the round before (relative imitation); a spoiler
prefers no deal: it demands its ideal and accepts nothing.

Strategies are data (a code, tags and parameter defaults) so the protocol can evaluate all agents
at once with vectorised ``np.where`` instead of calling one object per agent.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from ...errors import ParameterError
from ...scenario.limits import Limits, check_exponent, current

TIME_BASED, HARDLINER, TIT_FOR_TAT, SPOILER, STATIONARY, BARON_FEREJOHN = 0, 1, 2, 3, 4, 5


@dataclass(frozen=True)
class Strategy:
    """A concession strategy as data: its code, tags and parameter defaults and checks."""

    name: str
    code: int
    tags: frozenset[str]
    defaults: Mapping[str, float] = field(default_factory=dict)
    exponent_ok: Callable[[float], bool] = lambda e: e > 0
    exponent_rule: str = "greater than 0"


STRATEGIES: dict[str, Strategy] = {}


def register_strategy(strategy: Strategy) -> Strategy:
    """Add a strategy to the table the engine and the validator read."""
    STRATEGIES[strategy.name] = strategy
    return strategy


register_strategy(
    Strategy(
        "boulware",
        TIME_BASED,
        frozenset({"time-based", "tough"}),
        {"exponent": 0.2},
        lambda e: 0 < e < 1,
        "between 0 and 1 (exclusive)",
    )
)
register_strategy(
    Strategy(
        "linear", TIME_BASED, frozenset({"time-based"}), {"exponent": 1.0}, lambda e: e == 1, "exactly 1"
    )
)
register_strategy(
    Strategy(
        "conceder",
        TIME_BASED,
        frozenset({"time-based", "soft"}),
        {"exponent": 5.0},
        lambda e: e > 1,
        "greater than 1",
    )
)
register_strategy(
    Strategy("hardliner", HARDLINER, frozenset({"time-based", "tough"}), {"exponent": 0.2, "concession": 0.3})
)
register_strategy(Strategy("tit-for-tat", TIT_FOR_TAT, frozenset({"behaviour-based", "reactive"})))
register_strategy(Strategy("spoiler", SPOILER, frozenset({"tough", "prefers-no-deal"})))
register_strategy(Strategy("rubinstein", STATIONARY, frozenset({"equilibrium", "patience-based"})))
register_strategy(Strategy("baron-ferejohn", BARON_FEREJOHN, frozenset({"equilibrium", "proposal-power"})))


def get_strategy(name: Any, where: str = "strategy") -> Strategy:
    """The strategy of that name, or a ParameterError listing the known ones."""
    if not isinstance(name, str) or name not in STRATEGIES:
        raise ParameterError(f"{where}: unknown strategy {name!r}; allowed: {', '.join(STRATEGIES)}")
    return STRATEGIES[name]


@dataclass(frozen=True)
class AgentParams:
    """Per-agent strategy parameters as arrays over agents (what the protocol computes with)."""

    code: np.ndarray  # (agents,) int
    exponent: np.ndarray  # (agents,)
    concession: np.ndarray  # (agents,)
    risk: np.ndarray  # (agents,)
    reservation: np.ndarray  # (agents,) NaN = the utility of the no-deal outcome
    delay_cost: np.ndarray  # (agents,) utility lost per round without a deal (Rubinstein's fixed cost)
    discount: np.ndarray  # (agents,) per-round discount factor in (0, 1] (Rubinstein's delta)
    share: np.ndarray  # (agents,) how much of the time-based curve each follows (see target_utility)

    def __post_init__(self) -> None:
        for f in fields(self):  # shared by every run of a scenario (agent_params caches them): read-only
            getattr(self, f.name).setflags(write=False)

    @cached_property
    def codes(self) -> frozenset[int]:
        """The strategy codes some agent plays: the engine skips the rules of strategies nobody plays."""
        return frozenset(self.code.tolist())

    @cached_property
    def tit_for_tat(self) -> np.ndarray:
        """(agents,) bool: who imitates the others' concessions."""
        return self.code == TIT_FOR_TAT

    @cached_property
    def stationary(self) -> np.ndarray:
        """(agents,) bool: who never moves from its opening offer."""
        return self.code == STATIONARY

    @cached_property
    def baron_ferejohn(self) -> np.ndarray:
        """(agents,) bool: who plays Baron & Ferejohn's stationary equilibrium (recognition.py)."""
        return self.code == BARON_FEREJOHN

    @cached_property
    def spoiler(self) -> np.ndarray:
        """(agents,) bool: who prefers no deal and accepts nothing."""
        return self.code == SPOILER

    @cached_property
    def curved(self) -> np.ndarray | None:
        """The risk attitudes, or None when every agent is risk-neutral (utilities stay linear)."""
        return None if (self.risk == 1.0).all() else self.risk


def agent_params(
    params_by_actor: Mapping[str, Mapping[str, Any]], actors: list[str], default: str
) -> AgentParams:
    """Read each actor's ``params`` (strategy, exponent, concession, risk, reservation) and check them.

    A Monte Carlo or a backtest sets up the same actors thousands of times, so the parameters are
    cached by what they are read from (the values of the known keys, the default strategy and the
    limits in force); parameters that fail a check are never cached, so they fail every time."""
    limits = current()  # read once: a backtest builds agents for every actor of thousands of runs
    key = _key(params_by_actor, actors)
    if key is None:  # a value of a type the key does not tell apart: read, not cached
        return _read(params_by_actor, actors, default, limits)
    return _cached(key, default, limits)


PARAM_KEYS = ("strategy", "exponent", "concession", "risk", "reservation", "delay_cost", "discount")
_PLAIN = (str, int, bool, type(None))
Key = tuple[tuple[str, tuple[tuple[str, type, Any], ...]], ...]


def _key(params_by_actor: Mapping[str, Mapping[str, Any]], actors: list[str]) -> Key | None:
    """What ``agent_params`` reads, per actor in order, as a key that tells apart every input it reads
    differently: values by type (True is not 1), floats by their bits (-0.0 is not 0.0, as hex); None
    for values of other types."""
    rows = []
    for a in actors:
        params = params_by_actor.get(a, {})
        read = []
        for name in PARAM_KEYS:
            if name in params:
                value = params[name]
                kind = type(value)
                if kind is float:
                    value = value.hex()
                elif kind not in _PLAIN:
                    return None
                read.append((name, kind, value))
        rows.append((a, tuple(read)))
    return tuple(rows)


# the distinct parameter sets kept; an exception (a failed check) is never cached
@lru_cache(maxsize=64)
def _cached(key: Key, default: str, limits: Limits) -> AgentParams:
    """The parameters read back from their key: it holds every value ``_one`` reads, exactly."""
    params = {
        a: {name: float.fromhex(v) if kind is float else v for name, kind, v in read} for a, read in key
    }
    return _read(params, [a for a, _ in key], default, limits)


def _read(
    params_by_actor: Mapping[str, Mapping[str, Any]], actors: list[str], default: str, limits: Limits
) -> AgentParams:
    rows = [_one(params_by_actor.get(a, {}), f"actors.{a}.params", default, limits) for a in actors]
    share = [1.0 if row[0] == TIME_BASED else row[2] if row[0] == HARDLINER else 0.0 for row in rows]
    code, exponent, concession, risk, reservation, cost, discount, share = np.array(
        [row + (s,) for row, s in zip(rows, share, strict=True)]
    ).T
    return AgentParams(code.astype(int), exponent, concession, risk, reservation, cost, discount, share)


def _one(params: Mapping[str, Any], where: str, default: str, limits: Limits) -> tuple[float, ...]:
    strategy = get_strategy(params.get("strategy", default), f"{where}.strategy")
    exponent = _number(params, "exponent", strategy.defaults.get("exponent", 1.0), where)
    check_exponent(exponent, "exponent", limits, location=f"{where}.exponent")  # the limit, then the rule
    if "exponent" in strategy.defaults and not strategy.exponent_ok(exponent):
        raise ParameterError(
            f"{where}.exponent: {exponent:g} does not fit strategy {strategy.name!r}; allowed: "
            f"{strategy.exponent_rule}"
        )
    concession = _number(params, "concession", strategy.defaults.get("concession", 1.0), where)
    if (
        strategy.code in (TIT_FOR_TAT, STATIONARY, BARON_FEREJOHN)
        and "exponent" in params
        and exponent != 1.0
    ):
        raise ParameterError(
            f"{where}.exponent: {exponent:g} has no meaning for strategy {strategy.name!r} "
            "(it "
            "follows no concession curve); allowed: leave it out, or 1"
        )
    if not 0 <= concession <= 1:
        raise ParameterError(f"{where}.concession: {concession:g} is out of range; allowed: 0 to 1")
    risk = _number(params, "risk", 1.0, where)
    check_exponent(risk, "risk", limits, location=f"{where}.risk")
    if not risk <= 100:
        raise ParameterError(f"{where}.risk: {risk:g} is out of range; allowed: greater than 0, at most 100")
    reservation = _number(params, "reservation", np.nan, where)
    if not math.isnan(reservation) and not 0 <= reservation <= 1:
        raise ParameterError(f"{where}.reservation: {reservation:g} is out of range; allowed: 0 to 1")
    cost = _number(params, "delay_cost", 0.0, where)
    if not 0 <= cost <= 1:
        raise ParameterError(
            f"{where}.delay_cost: {cost:g} is out of range; allowed: 0 to 1 (utility per round)"
        )
    discount = _number(params, "discount", 1.0, where)
    if not 0 < discount <= 1:
        raise ParameterError(
            f"{where}.discount: {discount:g} is out of range; allowed: greater than 0, at most 1"
        )
    return strategy.code, exponent, concession, risk, reservation, cost, discount


def _number(params: Mapping[str, Any], key: str, default: float, where: str) -> float:
    value = params.get(key, default)
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or (key != "reservation" and math.isnan(value))
    ):
        raise ParameterError(f"{where}.{key}: {value!r} is not a number; allowed: a number")
    return float(value)


def stationary_shares(discount: np.ndarray, pair: tuple[int, int]) -> np.ndarray:
    """(S, n): each of the two bargainers' share of the surplus when it proposes, in the stationary
    subgame-perfect equilibrium of Rubinstein's (1982) alternating-offers game: ``(1 - d_j) / (1 - d_i d_j)``
    (1/2 each in the limit of two perfectly patient parties). Other parties get 0."""
    i, j = pair
    out = np.zeros_like(discount)
    di, dj = discount[:, i], discount[:, j]
    both = 1.0 - di * dj
    tiny = both < 1e-12
    safe = np.where(tiny, 1.0, both)
    out[:, i] = np.where(tiny, 0.5, (1.0 - dj) / safe)
    out[:, j] = np.where(tiny, 0.5, (1.0 - di) / safe)
    return out


def target_utility(
    agents: AgentParams, exponent: np.ndarray, reservation: np.ndarray, tau: np.ndarray, reactive: np.ndarray
) -> np.ndarray:
    """The utility each agent demands now, shape (..., agents).

    ``exponent`` and ``reservation`` are the current values (events harden strategies and move
    reservations); ``tau`` broadcasts against them with any leading axes (a block of rounds);
    ``reactive`` is the tit-for-tat agents' running target from the protocol state. Time-based
    agents: ``1 - (1 - r) tau^(1/e)``; hard-liners the same scaled by ``concession``; spoilers 1.
    """
    target = 1.0 - agents.share * ((1.0 - reservation) * tau ** (1.0 / exponent))  # spoilers: share 0
    if TIT_FOR_TAT in agents.codes:
        target = np.where(agents.tit_for_tat, np.maximum(reactive, reservation), target)
    return target
