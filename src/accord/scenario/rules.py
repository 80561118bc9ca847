"""Decision rules as data: how a proposal passes (``negotiation.rule``), and who can deliver an issue.

A rule is one of
- ``unanimity`` (the default): every voter accepts; the voters are the required parties unless listed;
- ``qualified_majority``: the accepting voters' weights reach ``threshold`` (a share of all voters'
  weight), optionally their number reaches ``second_threshold`` (a share of the voters' count: the
  EU's "majority of member states"), and a ``blocking_minority`` says how many voters a block needs
  at least (Lisbon: four; a refusal by fewer cannot stop a measure); ``veto`` players must accept;
- ``all_of``: every rule in ``rules`` passes (the EU's co-decision: a Council majority and the
  Parliament).
The agents simulator compiles it (models/agents/rules.py); the scenario only checks its form here.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from .fields import Id, Source, _Strict

RULE_KINDS = ("unanimity", "qualified_majority", "all_of")


class DecisionRule(_Strict):
    """How a proposal passes: unanimity, a weighted qualified majority, or all of several rules."""

    kind: Literal["unanimity", "qualified_majority", "all_of"] = "unanimity"
    voters: dict[Id, float] = Field(
        default_factory=dict, description="Voter -> voting weight (unanimity: the weights are not used)."
    )
    threshold: float | None = Field(
        default=None, gt=0, le=1, description="Share of the voters' total weight."
    )
    second_threshold: float | None = Field(
        default=None, gt=0, le=1, description="Share of the voters by number."
    )
    blocking_minority: int | None = Field(default=None, ge=1, description="Fewest voters a block needs.")
    veto: list[Id] = Field(
        default_factory=list, description="Parties whose acceptance is needed in any case."
    )
    rules: list[DecisionRule] = Field(
        default_factory=list, description="For all_of: the rules that must all pass."
    )
    source: Source = None

    @model_validator(mode="after")
    def _form(self) -> DecisionRule:
        if self.kind == "qualified_majority" and (not self.voters or self.threshold is None):
            raise ValueError(
                "a qualified_majority rule needs `voters` (id: weight) and a `threshold` (0 to 1)"
            )
        if self.kind == "all_of" and not self.rules:
            raise ValueError("an all_of rule needs the `rules` that must all pass")
        if self.kind != "all_of" and self.rules:
            raise ValueError(f"`rules` belongs to an all_of rule, not to {self.kind}")
        if self.kind != "qualified_majority" and (
            self.threshold is not None
            or self.second_threshold is not None
            or self.blocking_minority is not None
        ):
            raise ValueError(
                "threshold, second_threshold and blocking_minority belong to a qualified_majority rule"
            )
        for voter, weight in self.voters.items():
            if not weight >= 0 or weight == float("inf"):
                raise ValueError(f"voters.{voter}: weight {weight!r}; allowed: a finite number >= 0")
        if self.voters and not sum(self.voters.values()) > 0:
            raise ValueError("voters: the weights sum to 0; allowed: at least one positive weight")
        return self


def check_rule(rule: DecisionRule, actors: set[str], where: str = "negotiation.rule") -> None:
    """Every id a rule names is an actor (called by the scenario's reference check)."""
    for a in rule.voters:
        _known(a, actors, f"{where}.voters")
    for a in rule.veto:
        _known(a, actors, f"{where}.veto")
    for k, sub in enumerate(rule.rules):
        check_rule(sub, actors, f"{where}.rules.{k}")


def check_control(issues: list[Any], actors: set[str]) -> None:
    """``controlled_by`` names actors."""
    for iss in issues:
        for a in getattr(iss, "controlled_by", []) or []:
            _known(a, actors, f"issues.{iss.id}.controlled_by")


def _known(value: str, known: set[str], where: str) -> None:
    if value not in known:
        raise ValueError(f"{where}: unknown id {value!r}; allowed: {', '.join(sorted(known))}")
