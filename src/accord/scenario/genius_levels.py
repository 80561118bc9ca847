"""What the values of a GENIUS issue mean on accord's scale: the levels of a discrete issue, the ends
of a linear evaluator, and an evaluator's best level. Shared by the reader (genius.py), the writer
(genius_export.py) and the SAO protocol (models/agents/sao_run.py).
"""

from __future__ import annotations

import itertools
import math
from typing import Any


def linear_ends(issue: dict[str, Any], ev: dict[str, float]) -> tuple[float, float]:
    """A linear evaluator's utility at the issue's lower and upper bound."""
    if "utilityLowestValue" in ev:
        return ev["utilityLowestValue"], ev["utilityHighestValue"]
    slope, offset = (ev["slope"], ev["offset"]) if "slope" in ev else (ev["parameter1"], ev["parameter0"])
    return slope * issue["min"] + offset, slope * issue["max"] + offset


def numeric_levels(values: list[str]) -> list[float] | None:
    """A discrete issue's values as numbers when they all are finite numbers in increasing order."""
    try:
        levels = [float(v) for v in values]
    except ValueError:
        return None
    ok = all(math.isfinite(x) for x in levels) and all(b > a for a, b in itertools.pairwise(levels))
    return levels if ok else None


def levels_of(issue: dict[str, Any]) -> list[float]:
    """Where a discrete issue's values sit on accord's scale: their numbers, else 0 .. k-1."""
    return numeric_levels(issue["values"]) or [float(k) for k in range(len(issue["values"]))]


def best_level(issue: dict[str, Any], ev: Any) -> float:
    """The issue value a party likes best, on accord's scale (the first of equally good ones)."""
    if issue["type"] == "discrete":
        return levels_of(issue)[max(range(len(ev)), key=lambda j: (ev[j], -j))]
    lo, hi = linear_ends(issue, ev)
    return issue["max"] if hi > lo else issue["min"]
