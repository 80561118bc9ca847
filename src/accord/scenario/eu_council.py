"""Who weighs what in EU legislation: names and Council voting weights by treaty period.

Three regimes cover DEU III (1996-2019). Before 1 November 2004 the weighted votes of the 1995
enlargement (EU-15, 87 votes, TEC art. 205); from 1 November 2004 the Treaty of Nice weights
(345 votes at EU-27, 352 with Croatia from 1 July 2013); from 1 November 2014 the Lisbon double
majority (TEU art. 16(4)), approximated here by each state's share of the EU population (Eurostat,
1 January 2015, millions, rounded), since the member-state half of the double majority counts
every state equally and does not change relative weights much. Codes follow the DEU files:
``bu`` is Bulgaria, ``cr`` Croatia, ``el`` Greece, ``uk`` the United Kingdom.
"""

from __future__ import annotations

import datetime as dt

# How the DEU reader may weigh actors (here, not in deu.py, so that the CLI can name the options
# in its help without loading the scenario schema).
CAPABILITIES = ("equal", "gdp", "votes")
NAMES = {
    "com": "European Commission",
    "ep": "European Parliament",
    "at": "Austria",
    "be": "Belgium",
    "bu": "Bulgaria",
    "cr": "Croatia",
    "cy": "Cyprus",
    "cz": "Czechia",
    "dk": "Denmark",
    "ee": "Estonia",
    "fi": "Finland",
    "fr": "France",
    "de": "Germany",
    "el": "Greece",
    "hu": "Hungary",
    "ie": "Ireland",
    "it": "Italy",
    "lv": "Latvia",
    "lt": "Lithuania",
    "lu": "Luxembourg",
    "mt": "Malta",
    "nl": "Netherlands",
    "pl": "Poland",
    "pt": "Portugal",
    "ro": "Romania",
    "si": "Slovenia",
    "sk": "Slovakia",
    "es": "Spain",
    "se": "Sweden",
    "uk": "United Kingdom",
}
INSTITUTIONS = ("com", "ep")

PRE_NICE: dict[str, float] = {
    "de": 10,
    "fr": 10,
    "it": 10,
    "uk": 10,
    "es": 8,
    "be": 5,
    "el": 5,
    "nl": 5,
    "pt": 5,
    "at": 4,
    "se": 4,
    "dk": 3,
    "ie": 3,
    "fi": 3,
    "lu": 2,
}
NICE: dict[str, float] = {
    "de": 29,
    "fr": 29,
    "it": 29,
    "uk": 29,
    "es": 27,
    "pl": 27,
    "ro": 14,
    "nl": 13,
    "be": 12,
    "cz": 12,
    "el": 12,
    "hu": 12,
    "pt": 12,
    "at": 10,
    "bu": 10,
    "se": 10,
    "dk": 7,
    "ie": 7,
    "lt": 7,
    "sk": 7,
    "fi": 7,
    "cr": 7,
    "cy": 4,
    "ee": 4,
    "lv": 4,
    "lu": 4,
    "si": 4,
    "mt": 3,
}
POPULATION_2015 = {
    "de": 81.20,
    "fr": 66.42,
    "uk": 64.88,
    "it": 60.80,
    "es": 46.45,
    "pl": 38.01,
    "ro": 19.87,
    "nl": 16.90,
    "be": 11.26,
    "el": 10.86,
    "cz": 10.54,
    "pt": 10.37,
    "hu": 9.86,
    "se": 9.75,
    "at": 8.58,
    "bu": 7.20,
    "dk": 5.66,
    "fi": 5.47,
    "sk": 5.42,
    "ie": 4.63,
    "cr": 4.23,
    "lt": 2.92,
    "si": 2.06,
    "lv": 1.99,
    "ee": 1.31,
    "cy": 0.85,
    "lu": 0.56,
    "mt": 0.43,
}
_TOTAL_POPULATION = sum(POPULATION_2015.values())
LISBON = {k: round(100 * v / _TOTAL_POPULATION, 3) for k, v in POPULATION_2015.items()}

REGIMES: dict[str, dict[str, float]] = {"pre-nice": PRE_NICE, "nice": NICE, "lisbon": LISBON}
NICE_START = dt.date(2004, 11, 1)
LISBON_START = dt.date(2014, 11, 1)
ALIASES = {"bg": "bu", "hr": "cr", "gr": "el", "gb": "uk", "cs": "cz", "eu": "com", "pe": "ep"}


def canonical(code: str) -> str:
    """A member-state code as the weight tables spell it (lower case; variants such as gb, gr, bg mapped)."""
    code = code.strip().lower()
    return ALIASES.get(code, code)


def regime_of(introduced: dt.date | None, members: set[str]) -> str:
    """The voting regime of a proposal: by its introduction date, at least Nice if a 2004/2007 entrant
    took part (the decision then came after enlargement), by membership alone when the date is unknown."""
    enlarged = any(m not in PRE_NICE and m not in INSTITUTIONS for m in map(canonical, members))
    if introduced is not None and introduced >= LISBON_START:
        return "lisbon"
    if enlarged or (introduced is not None and introduced >= NICE_START):
        return "nice"
    return "pre-nice"


def council_weight(code: str, regime: str) -> float | None:
    """The Council weight of an actor in a regime; the Commission and the Parliament each weigh as
    much as the largest member state (the convention of the DEU files' own GDP row); None if unknown."""
    table = REGIMES[regime]
    code = canonical(code)
    if code in INSTITUTIONS:
        return float(max(table.values()))
    value = table.get(code)
    return None if value is None else float(value)


# ---- the Council's voting rule by period ---------------------------------------------------------
# Quotas as shares of the weighted votes: pre-Nice 62 of 87 (TEC art. 205(2)); Nice 232 of 321 (EU-25),
# 255 of 345 (EU-27, from 1 January 2007), 260 of 352 (EU-28, from 1 July 2013), each with a majority of
# the member states (Nice protocol on enlargement, art. 3); Lisbon 55% of the members holding 65% of the
# population, a blocking minority needing at least four members (TEU art. 16(4)).
QUOTAS = {
    "pre-nice": 62 / 87,
    "nice-25": 232 / 321,
    "nice-27": 255 / 345,
    "nice-28": 260 / 352,
    "lisbon": 0.65,
}


def council_rule(regime: str, members: list[str], procedure: str = "", voting: str = "QMV") -> dict:
    """The decision rule (as ``negotiation.rule`` data) of a DEU proposal: the Council's qualified
    majority of its period over the member states that take part (unanimity where the file says the
    Council decides unanimously), with the Parliament as a veto player under co-decision (COD).

    Members without a recorded position are left out of the count: the DEU codes them as taking no
    part in the issue, and they are taken to go with the majority."""
    states = [
        m for m in members if canonical(m) not in INSTITUTIONS and council_weight(m, regime) is not None
    ]
    veto = [m for m in members if canonical(m) == "ep"] if procedure.strip().upper() == "COD" else []
    source = f"Council voting rule, {regime} regime (accord.scenario.eu_council)"
    if len(states) < 2 or voting.strip().lower().startswith("un"):
        voters = {m: 1.0 for m in states} if len(states) >= 2 else {m: 1.0 for m in members}
        return {"kind": "unanimity", "voters": voters, "veto": veto, "source": source}
    weights = {m: w for m in states if (w := council_weight(m, regime)) is not None}
    if regime == "lisbon":
        return {
            "kind": "qualified_majority",
            "voters": weights,
            "threshold": QUOTAS["lisbon"],
            "second_threshold": 0.55,
            "blocking_minority": min(4, len(states)),
            "veto": veto,
            "source": source,
        }
    codes = set(map(canonical, members))
    if regime == "nice":
        regime = "nice-28" if "cr" in codes else "nice-27" if codes & {"bu", "ro"} else "nice-25"
    majority = (len(states) // 2 + 1) / len(states) if regime != "pre-nice" else None
    return {
        "kind": "qualified_majority",
        "voters": weights,
        "threshold": QUOTAS[regime],
        "second_threshold": majority,
        "veto": veto,
        "source": source,
    }
