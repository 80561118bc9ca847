"""Actor resolution: a noun phrase -> a scenario actor and/or a Phoenix (CAMEO actor) code.

The scenario comes first: its actor ids, names and `aliases` ("Kabul", "Karzai", "the insurgents")
are matched as whole-word phrases. What the scenario does not name is looked up in the Phoenix actor
dictionaries (countries, international bodies, armed groups) plus the agent dictionary for the
sector ("Afghan government" -> AFG + GOV). A phrase that only Phoenix knows still reaches a scenario
actor when that actor's own names carry the same Phoenix code ("the United States" -> USA -> the
actor aliased "Washington").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..scenario.schema import Scenario
from .dictionaries import Dictionaries, load_dictionaries

_DROP = {"the", "a", "an", "'s", "’s", "'", "’", "mr", "mr.", "mrs", "ms"}
_MAX_NGRAM = 6


def words_of(text: str) -> list[str]:
    """Lower-case words as the parser would split them, for matching names and aliases."""
    text = re.sub(r"(['’]s)\b", r" \1", text.lower())
    return [w for w in re.findall(r"[\w.\-'’]+", text) if w not in _DROP]


@dataclass(frozen=True)
class Resolved:
    """A noun phrase resolved to a scenario actor and/or an actor code (either may be None), with its text."""

    actor: str | None  # scenario actor id
    code: str | None  # Phoenix/CAMEO actor code (country or group + sector)
    text: str


class ActorResolver:
    """Resolve noun phrases; built once per scenario, pure lookups afterwards."""

    def __init__(self, scenario: Scenario | None = None, dictionaries: Dictionaries | None = None) -> None:
        self.dicts = dictionaries or load_dictionaries()
        self.phrases: dict[tuple[str, ...], str] = {}
        self.by_code: dict[str, str] = {}
        self.max_alias = 0
        if scenario is None:
            return
        codes: dict[str, set[str]] = {}
        for actor in scenario.actors:
            names = [actor.id, actor.id.replace("_", " ").replace("-", " "), actor.name, *actor.aliases]
            for name in names:
                w = tuple(words_of(name))
                if w:
                    self.phrases.setdefault(w, actor.id)
                    code = self._phoenix(list(w))
                    if code:
                        codes.setdefault(code, set()).add(actor.id)
        # A code claimed by exactly one actor identifies it; a bare country code is kept apart from
        # the same country's sectors only when no actor claims the full code.
        for code, ids in codes.items():
            if len(ids) == 1:
                self.by_code[code] = next(iter(ids))
        self.max_alias = max((len(p) for p in self.phrases), default=0)

    def resolve(self, words: Sequence[str], head: str | None = None, text: str = "") -> Resolved:
        """Resolve a phrase given as lower-case words (determiners and possessive 's removed)."""
        words = [w for w in words if w not in _DROP]
        actor = self._scenario(words)
        code = self._phoenix(words, head)
        if actor is None and code:
            actor = self.by_code.get(code)
        return Resolved(actor, code, text or " ".join(words))

    def _scenario(self, words: list[str]) -> str | None:
        if not self.phrases:
            return None
        for n in range(min(len(words), self.max_alias), 0, -1):
            for i in range(len(words) - n + 1):
                hit = self.phrases.get(tuple(words[i : i + n]))
                if hit:
                    return hit
        return None

    def _phoenix(self, words: list[str], head: str | None = None) -> str | None:
        actors, agents = self.dicts.actors, self.dicts.agents
        code = None
        used: tuple[int, int] | None = None
        for n in range(min(len(words), _MAX_NGRAM, self.dicts.longest_actor), 0, -1):
            for i in range(len(words) - n + 1):
                hit = actors.get(" ".join(words[i : i + n]))
                if hit:
                    code, used = hit, (i, i + n)
                    break
            if code:
                break
        agent = None
        for n in range(min(len(words), 3), 0, -1):
            for i in range(len(words) - n + 1):
                if used and used[0] <= i < used[1]:
                    continue
                hit = agents.get(" ".join(words[i : i + n]))
                if hit is None and n == 1 and words[i].endswith("s"):
                    hit = agents.get(words[i][:-1])
                if hit:
                    agent = hit
                    break
            if agent:
                break
        if code and agent and len(code) == 3:
            return code + agent
        return code or (agent if agent and head is not None else None)
