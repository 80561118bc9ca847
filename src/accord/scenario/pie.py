"""Divide-the-pie negotiations and random recognition of proposers (``negotiation.pie``, ``recognition``).

Baron & Ferejohn (1989) model a legislature dividing a dollar: each round one member, recognised at
random, proposes a division and the others vote under the decision rule; without a deal the dollar
shrinks by everyone's discount factor. A scenario expresses the dollar as a **pie**: one share issue
per party (its payoff is its share, so it holds the position ``total`` on its own share issue and no
stance on the others') and the proposals divide ``total`` among them. ``negotiation.protocol:
recognition`` draws the proposer of each round with the probabilities in ``negotiation.recognition``
(default: equal among the required parties). The agents model plays it (models/agents/recognition.py).
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import Field

from .event_kinds import known_id as _known
from .fields import Id, _Strict


class Pie(_Strict):
    """A divisible surplus: each party's payoff is its own share issue; proposals divide ``total``."""

    total: float = Field(default=100.0, gt=0, allow_inf_nan=False, description="The size of the pie.")
    shares: dict[Id, Id] = Field(
        min_length=2, description="Party -> the issue that holds its share (scale 0 to `total`)."
    )


def check_pie(negotiation: Any, actors: set[str], issues: dict[str, Any]) -> None:
    """The pie's and the recognition probabilities' references and ranges (the scenario's own check)."""
    pie: Pie | None = negotiation.pie
    if pie is not None:
        seen: dict[str, str] = {}
        for a, i in pie.shares.items():
            _known(a, actors, "negotiation.pie.shares")
            _known(i, set(issues), f"negotiation.pie.shares.{a}")
            if i in seen:
                raise ValueError(
                    f"negotiation.pie.shares.{a}: issue {i!r} already holds the share of {seen[i]}; "
                    "allowed: one share issue per party"
                )
            seen[i] = a
            if issues[i].min != 0 or issues[i].max != pie.total:
                raise ValueError(
                    f"negotiation.pie.shares.{a}: issue {i!r} runs {issues[i].min:g} to {issues[i].max:g}; "
                    f"allowed: a share runs 0 to the pie's total {pie.total:g}"
                )
    given = negotiation.recognition
    if given and negotiation.protocol != "recognition":
        raise ValueError(
            f"negotiation.recognition: given under protocol {negotiation.protocol!r}; "
            "allowed: protocol recognition, or leave it out"
        )
    for a, p in given.items():
        _known(a, actors, "negotiation.recognition")
        if not 0 <= p <= 1:
            raise ValueError(f"negotiation.recognition.{a}: {p!r}; allowed: a probability, 0 to 1")
    if given and not math.isclose(sum(given.values()), 1.0, rel_tol=0, abs_tol=1e-9):
        raise ValueError(
            f"negotiation.recognition: the probabilities sum to {sum(given.values()):g}; allowed: a sum of 1"
        )
