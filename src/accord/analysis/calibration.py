"""How far to trust a forecast: a backtest record read back as the report's calibration section.

A forecast of one negotiation cannot be scored until it is over, so the only evidence of how much
a model's numbers deserve is its record on decisions whose outcome is known. accord's record is the
backtest on the DEU III development split (``accord backtest ... --out``); the record of that run
ships with accord (``data/backtest-deu3-dev.json``, built by ``scripts/build_backtest_record.py``),
and a user may pass their own. This module reads such a record, checks it, and picks what an analyst
needs: each model's point and distribution scores, the observed coverage of its 50/80/95% central
intervals against the nominal levels (a calibration plot), its PIT histogram (Gneiting, Balabdaoui
& Raftery 2007: uniform when calibrated), and the paired bootstrap interval of its difference to the
compromise model (accord.analysis.evaluation).

Coverage intervals use Wilson's score interval (Wilson 1927) with the number of proposals, not of
issues, as the sample size: the issues of one proposal are decided together and are not independent
draws, so the issue count would overstate how much the record shows.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ScenarioError
from .ensemble_fit import CONFORMAL

SHIPPED = Path(__file__).with_name("data") / "backtest-deu3-dev.json"
LEVELS = (0.5, 0.8, 0.95)
COVERAGE_KEYS = tuple(f"coverage{round(level * 100)}" for level in LEVELS)  # the record's field names
Z95 = 1.959963984540054  # the standard normal's 97.5% quantile
REFERENCE_ROWS = (CONFORMAL, "ensemble", "always-50")  # always shown: the yardsticks
CAVEAT = (
    "EU legislation is not a peace process: these scores say how the models do on bargaining among "
    "governments with known positions and a fixed procedure, which is the closest scored record there is, "
    "not how they do on talks between armed parties."
)


@dataclass(frozen=True)
class Coverage:
    """The share of outcomes inside a model's central interval at one nominal level, with its interval."""

    level: float
    observed: float
    lo: float
    hi: float


@dataclass(frozen=True)
class ScoreRow:
    """One model's scores in the record (distribution fields are None for point-only predictors)."""

    model: str
    kind: str
    n: int
    mae: float | None
    medae: float | None
    within10: float | None
    crps: float | None
    coverage: tuple[Coverage, ...]
    pit: tuple[float, ...] | None
    vs_reference: dict[str, dict[str, float]] | None
    skip_reason: str | None = None


@dataclass(frozen=True)
class Trust:
    """What the calibration section shows: where the record comes from and the rows it picked."""

    source: str
    shipped: bool
    rows: list[ScoreRow]
    detectable: dict[str, float]
    groups: int | None
    notes: list[str] = field(default_factory=list)
    caveat: str = CAVEAT


def wilson(p: float, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval for a proportion ``p`` observed on ``n`` independent cases."""
    if n <= 0:
        return 0.0, 1.0
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def verdict(row: ScoreRow, level: float = 0.8) -> str | None:
    """One sentence on a model's ``level`` interval: too narrow, too wide, or consistent with calibration
    (the nominal level inside the Wilson interval of the observed share)."""
    cover = next((c for c in row.coverage if c.level == level), None)
    if cover is None:
        return None
    held = f"{row.model}: its {level:.0%} intervals held {cover.observed:.0%} of the outcomes"
    if cover.hi < level:
        return f"{held}, so they are too narrow: read its ranges as wider than drawn"
    if cover.lo > level:
        return f"{held}, so they are wider than they need to be"
    return f"{held}, consistent with {level:.0%} (Wilson interval {cover.lo:.0%}-{cover.hi:.0%})"


def read_record(path: str | Path) -> dict[str, Any]:
    """A backtest record (``accord backtest --out``) from a file, checked field by field."""
    where = str(path)
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScenarioError(f"cannot read the backtest record ({exc.strerror or exc})", file=where) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ScenarioError(
            f"not a JSON backtest record ({exc})",
            file=where,
            allowed="the file `accord backtest --out` writes",
        ) from None
    check_record(record, where)
    return record


def check_record(record: Any, where: str) -> None:
    """Raise ScenarioError naming the field when ``record`` is not a backtest record."""
    if not isinstance(record, dict) or record.get("kind") != "backtest":
        value = record.get("kind") if isinstance(record, dict) else type(record).__name__
        raise ScenarioError(
            "not a backtest record", file=where, location="kind", value=value, allowed="'backtest'"
        )
    scores = record.get("scores")
    if not isinstance(scores, list) or not scores:
        raise ScenarioError(
            "a backtest record needs its scores", file=where, location="scores", allowed="a non-empty list"
        )
    for i, row in enumerate(scores):
        if not isinstance(row, dict) or not isinstance(row.get("model"), str):
            raise ScenarioError(
                "each score row needs a model name", file=where, location=f"scores[{i}].model", allowed="text"
            )
        for key in (
            "n",
            "mae",
            "medae",
            "within10",
            "crps",
            *(f"coverage{round(lv * 100)}" for lv in LEVELS),
        ):
            value = row.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise ScenarioError(
                    "a score must be a number", file=where, location=f"scores[{i}].{key}", value=value
                )
            if value is not None and not math.isfinite(value):
                raise ScenarioError(
                    "a score must be finite", file=where, location=f"scores[{i}].{key}", value=value
                )


def shipped_record() -> dict[str, Any]:
    """The record shipped with accord: every model on the DEU III development split."""
    return read_record(SHIPPED)


def _groups(record: dict[str, Any]) -> int | None:
    """The number of proposals the bootstrap resampled (the record's effective sample size)."""
    for row in record["scores"]:
        for diff in (row.get("vs_reference") or {}).values():
            if isinstance(diff, dict) and isinstance(diff.get("groups"), int):
                return int(diff["groups"])
    return None


def score_row(row: dict[str, Any], groups: int | None) -> ScoreRow:
    """One record row as a ScoreRow, with Wilson intervals on the proposals for each coverage."""
    n = int(row.get("n") or 0)
    cover = []
    for level, key in zip(LEVELS, COVERAGE_KEYS, strict=True):
        observed = row.get(key)
        if observed is not None:
            lo, hi = wilson(float(observed), groups or n)
            cover.append(Coverage(level, float(observed), lo, hi))
    pit = row.get("pit")
    return ScoreRow(
        model=row["model"],
        kind=str(row.get("kind", "")),
        n=n,
        mae=row.get("mae"),
        medae=row.get("medae"),
        within10=row.get("within10"),
        crps=row.get("crps"),
        coverage=tuple(cover),
        pit=tuple(float(v) for v in pit) if isinstance(pit, list) else None,
        vs_reference=row.get("vs_reference"),
        skip_reason=row.get("skip_reason"),
    )


def trust(record: dict[str, Any], models: Sequence[str], shipped: bool = False) -> Trust:
    """The rows of ``models`` (the report's chosen and negotiation models) and the yardsticks.

    A model the record did not score, or scored on no issue, is named in ``notes`` rather than left
    out silently.
    """
    by = {row["model"]: row for row in record["scores"]}
    groups = _groups(record)
    rows, notes = [], []
    for name in dict.fromkeys([*models, *REFERENCE_ROWS]):
        row = by.get(name)
        if row is None:
            if name not in REFERENCE_ROWS:
                notes.append(f"{name}: not scored in this backtest record")
            continue
        picked = score_row(row, groups)
        if picked.n == 0:
            notes.append(f"{name}: scored on no issue ({picked.skip_reason or 'no reason recorded'})")
            continue
        rows.append(picked)
    source = str(record.get("source") or record.get("file") or "a backtest record")
    detectable = {
        k: float(v) for k, v in (record.get("detectable_difference") or {}).items() if v is not None
    }
    return Trust(source, shipped, rows, detectable, groups, notes)
