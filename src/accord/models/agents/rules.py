"""The decision rule compiled to arrays: which sets of acceptances make a proposal pass.

A rule is a conjunction of clauses (``all_of`` flattens into its parts). A clause passes when
- the accepting voters' weight reaches its quota, or the voters who refuse are fewer than the
  blocking minority (Lisbon, TEU art. 16(4): a blocking minority needs at least four members);
- the number of accepting voters reaches the second quota (Nice: a majority of member states);
- every veto player accepts.
Unanimity is the clause whose quota is the whole weight of its voters (each weighing 1).

Weight sums are compared with a tolerance of 1e-9 times the voters' total weight (a quota met up to
rounding counts as met: the documented tie rule, so no decision rests on a last float bit).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from ...errors import ScenarioError
from ...scenario.rules import DecisionRule
from .utility import total

RELATIVE = 1e-9


@dataclass(frozen=True)
class Clause:
    """One clause of a decision rule as arrays (weights, quotas, vetoes) over actors."""

    weight: np.ndarray  # (n,) voting weight, 0 for non-voters
    quota: float  # weight the acceptances must reach
    voter: np.ndarray  # (n,) bool
    count_quota: int  # accepting voters needed (0: none)
    block_min: int  # refusals below this many voters cannot block (0: any refusal counts)
    veto: np.ndarray  # (n,) bool
    unanimous: bool = False  # a unanimity clause: every voter (weight 1 each) and veto player must accept

    def __post_init__(self) -> None:
        for array in (self.weight, self.voter, self.veto):  # compiled rules are shared (compile_rule)
            array.setflags(write=False)

    @cached_property
    def must(self) -> list[int]:
        """Who must accept for a unanimity clause to pass: its voters and veto players."""
        return np.flatnonzero(self.voter | self.veto).tolist()

    def passes(self, agree: np.ndarray) -> np.ndarray:
        """(...,) bool for acceptances ``agree`` (..., n) bool.

        Unanimity (voters weighing 1 each, so the weight quota is met exactly when all of them accept)
        is the AND of the few columns that must accept: every round of every run asks it, and on a
        short last axis that is several times faster than a weighted sum."""
        if self.unanimous and len(self.must) <= 8:
            out = np.ones(agree.shape[:-1], bool)
            for k in self.must:
                out &= agree[..., k]
            return out
        out = np.ones(agree.shape[:-1], bool)
        if self.quota > 0:
            scale = float(self.weight.sum())
            yes = total(np.where(agree, self.weight, 0.0))
            met = yes >= self.quota - RELATIVE * scale
            if self.block_min > 0:
                met |= total(self.voter & ~agree) < self.block_min
            out &= met
        if self.count_quota > 0:
            out &= total(agree & self.voter) >= self.count_quota
        if self.veto.any():
            out &= (agree | ~self.veto).all(axis=-1)
        return out


@dataclass(frozen=True)
class Rule:
    """A compiled decision rule: every clause must pass (``all_of`` has several)."""

    clauses: tuple[Clause, ...]
    source: DecisionRule
    actors: tuple[str, ...]
    required: np.ndarray

    @property
    def text(self) -> str:
        """How the rule reads in explanations."""
        return describe(self.source, list(self.actors), self.required)

    def passes(self, agree: np.ndarray) -> np.ndarray:
        """(...,) bool: whether the acceptances ``agree`` (..., n) meet every clause."""
        out = self.clauses[0].passes(agree)
        for clause in self.clauses[1:]:
            out &= clause.passes(agree)
        return out

    @property
    def veto(self) -> np.ndarray:
        """(n,) who can block alone: veto players and the voters of unanimity clauses."""
        out = np.zeros_like(self.clauses[0].veto)
        for c in self.clauses:
            out |= c.veto | (c.voter if c.quota >= float(c.weight.sum()) and c.block_min == 0 else False)
        return out


def compile_rule(rule: DecisionRule | None, actors: list[str], required: np.ndarray) -> Rule:
    """The scenario's rule (None: unanimity of the required parties) as clauses over ``actors``.

    The default rule is compiled once per set of actors and required parties: every run of a
    scenario without a rule of its own asks for it (thousands of times in a Monte Carlo)."""
    if rule is None:
        return _default_rule(tuple(actors), tuple(map(bool, required.tolist())))
    return _compile(rule, actors, required)


@lru_cache(maxsize=64)
def _default_rule(actors: tuple[str, ...], required: tuple[bool, ...]) -> Rule:
    mask = np.array(required, bool)
    mask.setflags(write=False)  # shared by every run that asks for this rule
    return _compile(DecisionRule(), list(actors), mask)


def _compile(rule: DecisionRule, actors: list[str], required: np.ndarray) -> Rule:
    index = {a: k for k, a in enumerate(actors)}
    clauses = tuple(_clauses(rule, index, len(actors), required, "negotiation.rule"))
    return Rule(clauses, rule, tuple(actors), required)


def _clauses(
    rule: DecisionRule, index: dict[str, int], n: int, required: np.ndarray, where: str
) -> list[Clause]:
    if rule.kind == "all_of":
        return [
            c
            for k, sub in enumerate(rule.rules)
            for c in _clauses(sub, index, n, required, f"{where}.rules.{k}")
        ]
    voter = np.zeros(n, bool)
    weight = np.zeros(n)
    if rule.voters:
        for a, w in rule.voters.items():
            voter[index[a]] = True
            weight[index[a]] = w if rule.kind == "qualified_majority" else 1.0
    else:
        voter, weight = required.copy(), required.astype(float)
    veto = np.zeros(n, bool)
    veto[[index[a] for a in rule.veto]] = True
    if rule.kind == "unanimity":
        return [Clause(weight, float(weight.sum()), voter, 0, 0, veto, unanimous=True)]
    count = int(np.ceil(rule.second_threshold * voter.sum() - 1e-9)) if rule.second_threshold else 0
    block = rule.blocking_minority or 0
    if block > voter.sum():
        raise ScenarioError(
            "the blocking minority is larger than the number of voters",
            location=f"{where}.blocking_minority",
            value=block,
            allowed=f"1 to {int(voter.sum())}",
        )
    return [Clause(weight, float(rule.threshold * weight.sum()), voter, count, block, veto)]


def describe(rule: DecisionRule, actors: list[str], required: np.ndarray) -> str:
    """The rule in words for reports and explanations (voters default to the required parties)."""
    if rule.kind == "all_of":
        return "all of: " + "; ".join(describe(r, actors, required) for r in rule.rules)
    voters = list(rule.voters) or [a for a, r in zip(actors, required, strict=True) if r]
    veto = f", veto: {', '.join(rule.veto)}" if rule.veto else ""
    if rule.kind == "unanimity":
        return f"unanimity of {', '.join(voters)}{veto}"
    extra = f" and {rule.second_threshold:.0%} of them by number" if rule.second_threshold else ""
    block = f", a block needs {rule.blocking_minority}" if rule.blocking_minority else ""
    return (
        f"qualified majority of {rule.threshold:.1%} of the weight of {len(voters)} voters"
        f"{extra}{block}{veto}"
    )
