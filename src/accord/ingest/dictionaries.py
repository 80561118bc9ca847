"""The shipped event dictionaries and the CAMEO -> PLOVER 2021 correspondence.

The verb, actor and agent tables are compiled from the MIT PETRARCH2 / Phoenix dictionaries by
``scripts/build_ingest_dictionaries.py`` (see data/ATTRIBUTION.md). The CAMEO -> PLOVER table below
is written out here as rules on CAMEO's hierarchy (a root maps to one type; a few sub-codes move), so
the package carries no copy of the CC BY-SA mapping file; tests check it against that file.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

PLOVER_TYPES = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "COOPERATE",
    "AID",
    "CONCEDE",
    "RETREAT",
    "ACCUSE",
    "REQUEST",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "MOBILIZE",
    "SANCTION",
    "COERCE",
    "ASSAULT",
)
# Older PLOVER 0.5 names found in gold files -> PLOVER 2021.
LEGACY_TYPES = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "FIGHT": "ASSAULT", "INVESTIGATE": "ACCUSE"}

COOPERATIVE = frozenset({"AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT"})
# Goldstein-like weights on a -1 (conflict) .. +1 (cooperation) scale, for the weekly signal.
COOPERATION_SCORE = {
    "AGREE": 0.4,
    "CONSULT": 0.3,
    "SUPPORT": 0.4,
    "COOPERATE": 0.6,
    "AID": 0.7,
    "CONCEDE": 0.5,
    "RETREAT": 0.5,
    "ACCUSE": -0.3,
    "REQUEST": -0.1,
    "REJECT": -0.4,
    "THREATEN": -0.6,
    "PROTEST": -0.5,
    "MOBILIZE": -0.6,
    "SANCTION": -0.6,
    "COERCE": -0.7,
    "ASSAULT": -1.0,
}

_ROOTS = {
    "03": "AGREE",
    "04": "CONSULT",
    "05": "SUPPORT",
    "06": "COOPERATE",
    "07": "AID",
    "08": "CONCEDE",
    "09": "ACCUSE",
    "10": "REQUEST",
    "11": "ACCUSE",
    "12": "REJECT",
    "13": "THREATEN",
    "14": "PROTEST",
    "15": "MOBILIZE",
    "16": "SANCTION",
    "17": "COERCE",
    "18": "ASSAULT",
    "19": "ASSAULT",
    "20": "ASSAULT",
    # PLOVER folds CAMEO's appeals into requests; CAMEO 01 (public statements) is no event.
    "02": "REQUEST",
}
# Sub-codes whose type differs from their root's, longest prefix first.
_EXCEPTIONS = {
    "084": "RETREAT",
    "085": "RETREAT",
    "086": "RETREAT",
    "087": "RETREAT",
    "0813": "RETREAT",
    "0814": "RETREAT",
    "163": "COERCE",
    "1712": "ASSAULT",
    "175": "ASSAULT",
    "191": "COERCE",
    "192": "COERCE",
    "201": "ASSAULT",
}
_MODES = {
    "041": "phone",
    "042": "visit",
    "043": "visit",
    "044": "third-party",
    "0841": "release",
    "0842": "return",
    "0871": "ceasefire",
    "0872": "withdraw",
    "161": "withdraw",
    "164": "withdraw",
    "165": "withdraw",
    "166": "expel",
    "173": "arrest",
    "174": "deport",
    "181": "abduct",
    "183": "suicide-attack",
    "1831": "suicide-attack",
    "186": "assassinate",
    "193": "firearms",
    "194": "heavy-weapons",
    "195": "heavy-weapons",
    "141": "demo",
    "143": "boycott",
    "145": "riot",
    "1311": "relations",
    "1313": "relations",
    "134": "relations",
    "138": "violence",
    "1384": "violence",
    "162": "discontinue",
    "112": "disapprove",
    "111": "disapprove",
    "110": "disapprove",
    "1121": "allege",
    "1122": "allege",
    "1123": "allege",
    "114": "allege",
    "115": "allege",
}


def plover_type(cameo: str) -> str | None:
    """The PLOVER 2021 event type of a CAMEO code, or None for codes PLOVER does not code (01x)."""
    for n in (4, 3):
        if cameo[:n] in _EXCEPTIONS:
            return _EXCEPTIONS[cameo[:n]]
    return _ROOTS.get(cameo[:2])


def plover_mode(cameo: str) -> str:
    """The PLOVER mode of a CAMEO code (the most specific 4- or 3-digit prefix listed), or "" if none."""
    for n in (4, 3):
        if cameo[:n] in _MODES:
            return _MODES[cameo[:n]]
    return ""


def normalise_type(name: str) -> str:
    """A gold-file event name as a PLOVER 2021 type (upper case, legacy names mapped)."""
    name = name.strip().upper()
    return LEGACY_TYPES.get(name, name)


Words = list[list[str]]  # each position: alternatives


@dataclass(frozen=True)
class Pattern:
    """A verb pattern: the words required before and after the verb (alternatives per slot) and its code."""

    before: tuple[tuple[str, ...], ...]
    after: tuple[tuple[str, ...], ...]
    code: str


@dataclass(frozen=True)
class VerbEntry:
    """What a verb lemma codes to on its own, and the patterns that can code it more specifically."""

    code: str  # the verb's own code or its block's; '' when only patterns code it
    patterns: tuple[Pattern, ...]


@dataclass(frozen=True)
class Dictionaries:
    """The compiled verb, actor and agent tables; ``longest_actor`` bounds the phrase length to look up."""

    verbs: dict[str, tuple[VerbEntry, ...]]
    actors: dict[str, str]
    agents: dict[str, str]
    longest_actor: int


@lru_cache(maxsize=1)
def load_dictionaries() -> Dictionaries:
    """Read the compiled dictionaries shipped as package data (once per process)."""
    blob = resources.files(__package__).joinpath("data").joinpath("dictionaries.json.gz").read_bytes()
    raw = json.loads(gzip.decompress(blob))
    blocks = [
        (
            b["code"],
            tuple(
                Pattern(tuple(map(tuple, pre)), tuple(map(tuple, post)), code)
                for pre, post, code in b["patterns"]
            ),
        )
        for b in raw["verbs"]["blocks"]
    ]
    verbs = {
        lemma: tuple(VerbEntry(own or blocks[b][0], blocks[b][1]) for b, own in entries)
        for lemma, entries in raw["verbs"]["verbs"].items()
    }
    actors = raw["actors"]
    longest = max(len(k.split()) for k in actors)
    return Dictionaries(verbs, actors, raw["agents"], longest)
