"""Reader for the DEU (Decision-making in the European Union) layout: one issue, one scenario.

A DEU file is tab-separated: a header row, an optional second row without a proposal number that
holds each actor's GDP under its position column, then one row per controversial issue. An actor
is any code ``X`` with both a ``pX`` (position) and an ``sX`` (salience) column, so files with more,
fewer or other actors read the same way; ``prnrnmc`` (proposal), ``isnr`` (issue id, else
``isnrnmc``), ``rp`` (reference point = status quo) and ``out`` (outcome) are required. An actor with
a position takes part; a position without a salience counts with salience 0 (it stays in the
scenario but carries no weight), a salience without a position is ignored. Rows with no outcome,
or whose participants have no salience at all, cannot be scored and are skipped and counted.
The outcome stays outside the scenario, so no model can see it.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ScenarioError
from .eu_council import CAPABILITIES, NAMES, REGIMES, council_rule, council_weight, regime_of
from .schema import Actor, Issue, Negotiation, Scenario, Stance

ADOPTED = (
    "; params.reservation 0: DEU III codes adopted acts only, so failing to legislate was not an outcome "
    "any party held out for (Achen 2006's condition for the compromise model: a costly disagreement)"
)
DEU_NEGOTIATION = (
    "Council voting rule of the period (accord.scenario.eu_council), the Parliament a veto player under "
    "co-decision; the Presidency's single compromise text is what is put to the vote (Tallberg 2004)"
)
REQUIRED = ("prnrnmc", "rp", "out")
NUMBER = "a number from 0 to 100, or empty"


@dataclass(frozen=True)
class DeuCase:
    """One scored issue: the scenario the models see, and what they are scored against."""

    scenario: Scenario
    outcome: float
    proposal: str
    issue: str


@dataclass(frozen=True)
class DeuData:
    """The cases read from a DEU file, with the rows skipped (by reason) and the voting regimes met."""

    file: str
    capability: str
    cases: list[DeuCase]
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> rows
    regimes: dict[str, int] = field(default_factory=dict)  # voting regime -> cases (capability "votes")


def read_deu(path: str | Path, capability: str = "equal") -> DeuData:
    """Every scorable issue of a DEU-layout file as a one-issue scenario with its outcome."""
    if capability not in CAPABILITIES:
        raise ScenarioError(
            "unknown capability option",
            location="--capability",
            value=capability,
            allowed=", ".join(CAPABILITIES),
        )
    file = str(path)
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    if not rows:
        raise ScenarioError("empty file", file=file, allowed="a header row and one row per issue")
    header = [c.strip() for c in rows[0]]
    col = {name: k for k, name in enumerate(header)}
    missing = [c for c in REQUIRED if c not in col]
    if missing:
        raise ScenarioError(
            "missing column(s) " + ", ".join(missing),
            file=file,
            location="row 1",
            allowed="a DEU header with " + ", ".join(REQUIRED) + " and p<actor>/s<actor> pairs",
        )
    actors = [name[1:] for name in header if name.startswith("p") and "s" + name[1:] in col]
    if not actors:
        raise ScenarioError(
            "no actor columns",
            file=file,
            location="row 1",
            allowed="pairs of p<actor> (position) and s<actor> (salience) columns",
        )
    body = [(r, row) for r, row in enumerate(rows[1:], start=2) if any(c.strip() for c in row)]
    gdp: dict[str, str] = {}
    if body and not _cell(body[0][1], col["prnrnmc"]):
        gdp = {a: _cell(body[0][1], col["p" + a]) for a in actors}
        body = body[1:]
    reader = _Rows(file, col, actors, capability, gdp)
    cases: list[DeuCase] = []
    skipped = {"no outcome": 0, "no salience": 0}
    regimes: dict[str, int] = {}
    for r, row in body:
        built = reader.case(r, row)
        if isinstance(built, str):
            skipped[built] += 1
            continue
        case, regime = built
        cases.append(case)
        if regime:
            regimes[regime] = regimes.get(regime, 0) + 1
    return DeuData(file=file, capability=capability, cases=cases, skipped=skipped, regimes=regimes)


def _cell(row: list[str], k: int) -> str:
    return row[k].strip() if k < len(row) else ""


@dataclass(frozen=True)
class _Rows:
    file: str
    col: dict[str, int]
    actors: list[str]
    capability: str
    gdp: dict[str, str]

    def number(
        self, row: list[str], r: int, name: str, lo: float = 0.0, hi: float = 100.0, allowed: str = NUMBER
    ) -> float | None:
        text = _cell(row, self.col[name])
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not lo <= value <= hi:
            raise ScenarioError(
                "bad value", file=self.file, location=f"row {r}, column {name}", value=text, allowed=allowed
            )
        return value

    def case(self, r: int, row: list[str]) -> tuple[DeuCase, str | None] | str:
        outcome = self.number(row, r, "out")
        status_quo = self.number(row, r, "rp")
        stances: dict[str, Stance] = {}
        for a in self.actors:
            position = self.number(row, r, "p" + a)
            salience = self.number(row, r, "s" + a)
            if position is not None:
                stances[a] = Stance(position=position, salience=salience or 0.0)
        if outcome is None:
            return "no outcome"
        if sum(s.salience for s in stances.values()) <= 0:
            return "no salience"
        proposal = _cell(row, self.col["prnrnmc"])
        issue = self.issue_id(row, r, proposal)
        regime = self.regime(row, set(stances)) if self.capability == "votes" else None
        rule = council_rule(
            regime or self.regime(row, set(stances)),
            list(stances),
            _cell(row, self.col["proc"]) if "proc" in self.col else "",
            _cell(row, self.col["counvte"]) if "counvte" in self.col else "QMV",
        )
        scenario = Scenario(
            name=issue,
            title=f"{_cell(row, self.col['prname'])} ({issue})" if "prname" in self.col else issue,
            note="DEU III issue; positions and saliences from expert interviews (Arregui & Perarnaud 2021).",
            actors=[
                Actor(
                    id=a,
                    name=NAMES.get(a, a),
                    capability=self.weight(a, r, regime),
                    params={"reservation": 0.0},
                    source=self.source(regime) + ADOPTED,
                )
                for a in stances
            ],
            issues=[Issue(id=issue, status_quo=status_quo, source="DEU reference point (rp)")],
            stances={a: {issue: st} for a, st in stances.items()},
            models=self.features(row),
            # the rule is data (a mapping) that validation turns into a DecisionRule
            negotiation=Negotiation.model_validate(
                {"rule": rule, "protocol": "single_text", "source": DEU_NEGOTIATION}
            ),
        )
        return DeuCase(scenario=scenario, outcome=outcome, proposal=proposal, issue=issue), regime

    def features(self, row: list[str]) -> dict[str, dict[str, dict[str, str]]]:
        """Procedure (``proc``: COD/CNS) and Council voting rule (``counvte``: QMV/Unan), known before
        the decision, for the distributional ensemble (accord.analysis.ensemble) to read."""
        known = {
            key: _cell(row, self.col[name])
            for key, name in (("procedure", "proc"), ("voting_rule", "counvte"))
            if name in self.col and _cell(row, self.col[name])
        }
        return {"ensemble": {"features": known}} if known else {}

    def issue_id(self, row: list[str], r: int, proposal: str) -> str:
        for name in ("isnr", "isnrnmc"):
            if name in self.col and _cell(row, self.col[name]):
                text = _cell(row, self.col[name])
                return text if name == "isnr" else f"{proposal}-{text}"
        return f"row{r}"

    def regime(self, row: list[str], members: set[str]) -> str:
        return regime_of(_date(_cell(row, self.col["intro"])) if "intro" in self.col else None, members)

    def weight(self, actor: str, r: int, regime: str | None) -> float:
        if self.capability == "equal":
            return 1.0
        if self.capability == "gdp":
            text = self.gdp.get(actor, "")
            try:
                value = float(text)
            except ValueError:
                value = -1.0
            if not value >= 0:
                raise ScenarioError(
                    "no GDP for an actor taking part",
                    file=self.file,
                    location=f"row 2, column p{actor}",
                    value=text or None,
                    allowed="a GDP row (row 2, no proposal number) with a number >= 0 per actor",
                )
            return value
        weight = council_weight(actor, regime or "nice")
        if weight is None:
            raise ScenarioError(
                "no Council voting weight for this actor",
                file=self.file,
                location=f"row {r}, column p{actor}",
                value=actor,
                allowed=", ".join(sorted(set(NAMES) & (set(REGIMES[regime or "nice"]) | {"com", "ep"}))),
            )
        return weight

    def source(self, regime: str | None) -> str:
        if self.capability == "gdp":
            return "GDP, trillion USD (row 2 of the DEU file)"
        if self.capability == "votes":
            return f"Council voting weight, {regime} regime (accord.scenario.eu_council)"
        return "equal capability"


_DATE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{2}|\d{4})$")


def _date(text: str) -> dt.date | None:
    """DEU dates are dd-mm-yy or dd-mm-yyyy; anything else is treated as unknown."""
    m = _DATE.match(text)
    if not m:
        return None
    day, month, year = (int(g) for g in m.groups())
    if year < 100:
        year += 1900 if year >= 50 else 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
