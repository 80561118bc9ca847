"""Random recognition of proposers, and Baron & Ferejohn's (1989) stationary equilibrium on a pie.

Under ``negotiation.protocol: recognition`` one party, drawn at random each round with the
``negotiation.recognition`` probabilities p (default: equal among the required parties), proposes to
all; the decision rule decides. Parties that play strategy ``baron-ferejohn`` on a ``negotiation.pie``
play the stationary subgame-perfect equilibrium of Baron & Ferejohn's closed-rule game (Eraslan 2002
for unequal p and discount factors): each party i has a continuation value v_i (its expected share of
the pie before the proposer is drawn); recognised, a proposer buys the cheapest coalition that passes
the rule, offering each partner j its discounted continuation value d_j v_j and nothing to the
others, and keeps the rest; a responder accepts an offer worth at least d_j v_j. The values solve

    v_i = p_i (1 - cost_i) + sum_{k != i} p_k P(i in k's coalition) d_i v_i,   cost_k = min over winning C of
          sum_{j in C, j != k} d_j v_j,

with proposers mixing over equally cheap coalitions (in the symmetric game every minimal winning
coalition is equally likely: a proposer keeps 1 - d (q - 1) / n under a q-of-n rule, 1 - d (n - 1) / n
under unanimity, and every v_i = 1 / n; under unanimity v_i = p_i whatever p is, for a common d).
``stationary`` finds the values by fictitious play over the coalition choices and then solves the
equilibrium equations on the coalitions it found to machine precision (scipy.optimize.least_squares,
mixture weights bounded at 0), and checks that no proposer's mixture uses a coalition dearer than its
cheapest; where that check fails (1 of 40 random weighted games, none of 60 random quota games with
unequal p and d in our trials) the game is refused, saying so. Monte Carlo noise on positions moves
the parties' ideals off the pie's total, so their utilities are then no longer exactly their shares.
In equilibrium the first proposal passes, so the deadline does not bind (these are the strategies of
the infinite game).
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import numpy as np

from ...errors import ScenarioError
from ...scenario.schema import Scenario
from .rules import Rule
from .state import Plan, Setting, State
from .strategies import BARON_FEREJOHN

MAX_PARTIES = 8  # 2^n coalitions are enumerated and the equations grow with them
TIE = 1e-12  # coalition costs this close count as equally cheap
FICTITIOUS_ROUNDS = 2000
POLISH_STEPS = 200  # least-squares evaluations allowed (a found equilibrium takes a few dozen)
NEAR = 1e-3  # how close to the cheapest a coalition's cost is after fictitious play, at most


def winning_coalitions(rule: Rule, n: int) -> np.ndarray:
    """(C, n) bool: every set of parties whose acceptance passes ``rule``."""
    sets = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(bool)
    return sets[rule.passes(sets)]


def stationary(
    discount: tuple[float, ...], probability: tuple[float, ...], winning: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(values (n,), choice (n, C)) of the stationary equilibrium (module docstring); cached by input."""
    return _stationary(discount, probability, winning.tobytes(), winning.shape)


@lru_cache(maxsize=64)
def _stationary(
    discount: tuple[float, ...], probability: tuple[float, ...], raw: bytes, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    d, p = np.array(discount), np.array(probability)
    coalitions = np.frombuffer(raw, bool).reshape(shape)
    value, mix = p.copy(), np.zeros((len(p), len(coalitions)))
    for t in range(1, FICTITIOUS_ROUNDS + 1):
        own = _costs(d * value, coalitions)
        cheapest = own <= own.min(axis=1, keepdims=True) + TIE
        mix += (cheapest / cheapest.sum(axis=1, keepdims=True) - mix) / t
        value = _values(d, p, coalitions, value, mix)
    own = _costs(d * value, coalitions)
    near = own <= own.min(axis=1, keepdims=True) + NEAR  # cheapest up to what fictitious play settles
    # first the coalitions fictitious play still buys, then every nearly cheapest one
    for support in (mix > 1e-3, near & (mix > 1e-6)):
        v, m = _polish(d, p, coalitions, value, mix, support)
        if _is_equilibrium(d, p, coalitions, v, m):
            return v, m / m.sum(axis=1, keepdims=True)
    raise ScenarioError(
        "accord's solver found no stationary Baron-Ferejohn equilibrium for these recognition "
        "probabilities, discount factors and rule",
        location="negotiation.recognition",
        allowed="other probabilities, discount factors or rule",
    )


def _is_equilibrium(
    d: np.ndarray, p: np.ndarray, coalitions: np.ndarray, v: np.ndarray, m: np.ndarray
) -> bool:
    """Mixtures are distributions over coalitions no dearer than the cheapest, and the values follow."""
    own = _costs(d * v, coalitions)
    dear = (m > 1e-9) & (own > own.min(axis=1, keepdims=True) + 1e-9)
    sums = m.sum(axis=1)
    consistent = np.allclose(v, _values(d, p, coalitions, v, m), rtol=0, atol=1e-10)
    return bool(not dear.any() and (m >= 0).all() and np.allclose(sums, 1, atol=1e-10) and consistent)


def _costs(price: np.ndarray, coalitions: np.ndarray) -> np.ndarray:
    """(n, C): what proposer k pays for coalition c (its partners' prices; inf where k is not in c)."""
    cost = coalitions.astype(float) @ price
    return np.where(coalitions.T, cost[None, :] - price[:, None], np.inf)


def _values(
    d: np.ndarray, p: np.ndarray, coalitions: np.ndarray, value: np.ndarray, mix: np.ndarray
) -> np.ndarray:
    """Each party's expected share before the proposer is drawn, given the values and the mixtures."""
    n, price = len(p), d * value
    own = np.where(coalitions.T, _costs(price, coalitions), 0.0)
    pay = (mix @ coalitions.astype(float)) * price[None, :]
    pay[np.arange(n), np.arange(n)] = 1.0 - (mix * own).sum(axis=1)
    return p @ pay


def _polish(
    d: np.ndarray,
    p: np.ndarray,
    coalitions: np.ndarray,
    value: np.ndarray,
    mix: np.ndarray,
    support_mask: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Solve the equilibrium equations exactly on the coalitions of ``support_mask`` (n, C): the values
    are consistent, each proposer is indifferent among the coalitions it mixes over, its mixture is a
    distribution (weights bounded at 0: a mixture is not unique, and unbounded ones go negative)."""
    from scipy.optimize import least_squares  # only Baron-Ferejohn games need it

    n = len(p)
    support = [np.flatnonzero(row) for row in support_mask]

    def unpack(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        m, at = np.zeros_like(mix), n
        for k, s in enumerate(support):
            m[k, s], at = x[at : at + len(s)], at + len(s)
        return x[:n], m

    def residual(x: np.ndarray) -> np.ndarray:
        v, m = unpack(x)
        own = _costs(d * v, coalitions)
        parts = [_values(d, p, coalitions, v, m) - v]
        for k, s in enumerate(support):
            parts += [own[k, s[1:]] - own[k, s[0]], [m[k, s].sum() - 1.0]]
        return np.concatenate(parts)

    weights = [mix[k, s] / max(mix[k, s].sum(), 1e-12) for k, s in enumerate(support)]  # fictitious play's
    start = np.concatenate([value, *weights])
    lower = np.concatenate([np.full(n, -np.inf), np.zeros(len(start) - n)])
    fit = least_squares(
        residual, start, bounds=(lower, np.inf), xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=POLISH_STEPS
    )
    return unpack(fit.x)


def plan_for(
    rule: Rule, discount: np.ndarray, probability: np.ndarray, share_issue: np.ndarray, total: float
) -> Plan:
    """The equilibrium every Baron-Ferejohn player of this setting plays."""
    coalitions = winning_coalitions(rule, len(probability))
    values, choice = stationary(tuple(discount.tolist()), tuple(probability.tolist()), coalitions)
    return Plan(values, coalitions, choice, share_issue, total)


def equilibrium_terms(
    plan: Plan, coin: np.ndarray, rounds: np.ndarray, threshold: np.ndarray, offers: np.ndarray
) -> np.ndarray:
    """(B, S, n, m): each proposer's division of the pie in each round: every partner of the coalition it
    buys (drawn with ``coin`` from its mixture) gets what it accepts (``threshold``, a share of the pie),
    the others nothing, the proposer the rest; issues outside the pie keep ``offers``."""
    n = len(plan.values)
    cumulative = np.cumsum(plan.choice, axis=1)  # (n, C)
    u = coin[:, rounds].T[:, :, None, None]  # (B, S, 1, 1)
    picked = np.minimum((u >= cumulative).sum(axis=-1), len(plan.coalitions) - 1)  # (B, S, n)
    member = plan.coalitions[picked] & ~np.eye(n, dtype=bool)  # (B, S, proposer, party)
    share = np.where(member, threshold[:, :, None, :], 0.0)
    share[..., np.arange(n), np.arange(n)] = 1.0 - share.sum(axis=-1)
    out = np.array(offers, copy=True)
    out[..., plan.share_issue] = share * plan.total
    return out


def sample_recognition(setting: Setting, st: State, rng: np.random.Generator) -> None:
    """Draw each round's proposer and the coin its coalition choice uses, per draw; nothing is drawn
    unless the protocol is ``recognition``, so other seeds keep their schedules."""
    if setting.recognition is not None:
        n, (draws, rounds) = len(setting.actors), st.recognised.shape
        st.recognised[:] = rng.choice(n, size=(draws, rounds), p=setting.recognition)
        st.coin[:] = rng.random((draws, rounds))


def recognition_setting(scenario: Scenario, setting: Setting, no_deal: np.ndarray) -> Setting:
    """The setting with the recognition probabilities and, where parties play ``baron-ferejohn``, the
    equilibrium they play; a scenario the game does not fit is refused naming what does not fit."""
    neg = scenario.negotiation
    everyone = setting.agents.codes == {BARON_FEREJOHN}
    if neg is not None and neg.pie is not None and not everyone:
        raise ScenarioError(
            "a pie is divided by Baron-Ferejohn players: other strategies do not keep to its total",
            location="negotiation.pie",
            allowed="strategy baron-ferejohn for every party, or no pie",
        )
    if neg is None or neg.protocol != "recognition":
        if BARON_FEREJOHN in setting.agents.codes:
            raise ScenarioError(
                "strategy 'baron-ferejohn' plays the game of random recognition",
                location="negotiation.protocol",
                value=neg.protocol if neg else None,
                allowed="protocol: recognition",
            )
        return setting
    actors = list(setting.actors)
    if neg.recognition:
        p = np.array([neg.recognition.get(a, 0.0) for a in actors])
    else:
        p = setting.required / setting.required.sum()
    setting = replace(setting, recognition=p)
    if BARON_FEREJOHN not in setting.agents.codes:
        return setting
    return replace(setting, plan=_plan(scenario, setting, p, no_deal))


def _plan(scenario: Scenario, setting: Setting, p: np.ndarray, no_deal: np.ndarray) -> Plan:
    """The equilibrium, once the scenario is checked to be Baron & Ferejohn's game."""
    neg = scenario.negotiation
    assert neg is not None
    pie, actors = neg.pie, list(setting.actors)
    if (
        pie is None
        or sorted(pie.shares) != sorted(actors)
        or sorted(pie.shares.values()) != sorted(setting.issues)
    ):
        raise ScenarioError(
            "Baron-Ferejohn players divide a pie: every party needs a share issue and every issue is a share",
            location="negotiation.pie",
            value=None if pie is None else dict(pie.shares),
            allowed="shares: one issue per party, covering " + ", ".join(actors),
        )
    if len(actors) > MAX_PARTIES:
        raise ScenarioError(
            f"a Baron-Ferejohn game enumerates every coalition: {len(actors)} parties",
            location="actors",
            allowed=f"at most {MAX_PARTIES}",
        )
    ignored = {"breakdown_risk": setting.breakdown, "private_width": setting.private_width}
    for field_, value in ignored.items():
        if value > 0:  # the equilibrium values assume none of these
            raise ScenarioError(
                "Baron-Ferejohn's equilibrium has no breakdown risk or private reservations",
                location=f"negotiation.{field_}",
                value=value,
                allowed="0",
            )
    for a in actors:
        k = actors.index(a)
        if not np.isnan(setting.agents.reservation[k]) or setting.agents.delay_cost[k] > 0:
            raise ScenarioError(
                "a Baron-Ferejohn player's only cost of waiting is its discount factor",
                location=f"actors.{a}.params",
                allowed="discount; no reservation or delay_cost",
            )
        row = scenario.stances.get(a, {})
        own = pie.shares[a]
        if set(row) != {own} or row[own].position != pie.total or setting.agents.risk[actors.index(a)] != 1:
            raise ScenarioError(
                "a party's payoff is its share: a stance only on its own share issue, at the pie's "
                "total, risk 1",
                location=f"stances.{a}",
                value={i: s.position for i, s in row.items()},
                allowed=f"{own}: position {pie.total:g}",
            )
        if no_deal[setting.issues.index(own)] != 0:
            raise ScenarioError(
                "without a deal the pie is lost: every share's no-deal outcome is 0",
                location=f"negotiation.no_deal.{own}",
                allowed="0",
            )
    issue = np.array([setting.issues.index(pie.shares[a]) for a in actors])
    return plan_for(setting.rule, setting.agents.discount, p, issue, pie.total)
