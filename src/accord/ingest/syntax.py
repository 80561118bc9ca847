"""Reading a spaCy dependency parse for the event coder: phrases, clauses, subjects and objects,
negation, modality and conditions, and how sure a coded event is.

Split from coder.py (which decides what event a sentence codes) because these are questions about
the parse alone, each a small walk over the tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .dictionaries import Pattern
from .rules import (
    CARRIERS,
    CLOSING_VERBS,
    CONDITIONAL_MARKS,
    CONTINUING_VERBS,
    GOVERNORS,
    MODALS,
    NEGATORS,
    PROTEST_NOUNS,
    STAGING_VERBS,
    STATEMENT_PREFIX,
    STOPPING_VERBS,
    STRIKE_NOUNS,
    TALK_NOUNS,
    TIE_NOUNS,
    VENUE_NOUNS,
    VIOLENCE_NOUNS,
)

SUBJECTS = {"nsubj", "csubj"}
PASSIVE_SUBJECTS = {"nsubjpass", "csubjpass"}
COMPLEMENTS = {"xcomp", "ccomp"}
CUT_DEPS = {"relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis", "conj", "cc", "punct"}
CLAUSE_DEPS = {"ccomp", "xcomp", "advcl", "relcl", "conj", "parataxis", "pcomp", "acl"}
ABSORBING_PATH = {"xcomp", "ccomp", "pcomp"}


@dataclass
class _Candidate:
    token: Any
    cameo: str
    how: str  # pattern | verb | fallback | rule
    specificity: int


def _phrase(tok) -> list:
    """The noun phrase of a token, without the clauses hanging off it."""
    out = [tok]
    for child in tok.children:
        if (
            child.dep_ not in CUT_DEPS
            and child.dep_ not in ("prep",)
            or (child.dep_ == "prep" and child.lower_ == "of")
        ):
            out.extend(_phrase(child))
        elif child.dep_ == "conj" and tok.pos_ in ("PROPN", "NOUN", "ADJ"):
            out.extend(_phrase(child))
    return sorted(out, key=lambda t: t.i)


def _context(tok) -> tuple[set[str], set[str]]:
    """Words after and before a verb within its own clause (text and lemma), for pattern matching."""
    after: set[str] = set()
    before: set[str] = set()
    for t in _clause(tok):
        if t.i == tok.i:
            continue
        bag = after if t.i > tok.i else before
        bag.add(t.lower_)
        bag.add(t.lemma_.lower())
    subj = _subject(tok)
    if subj is not None:
        for t in subj.subtree:
            before.add(t.lower_)
            before.add(t.lemma_.lower())
    return after, before


def _clause(tok) -> list:
    """A verb's own clause: its subtree without the clauses it embeds."""
    out = [tok]
    for child in tok.children:
        if child.dep_ not in CLAUSE_DEPS:
            out.extend(child.subtree)
    return out


def _match(pat: Pattern, before: set[str], after: set[str]) -> int:
    """How many words a pattern matched (0 if any of its words is missing)."""
    if not pat.after and not pat.before:
        return 0
    for alts in pat.after:
        if not any(a in after for a in alts):
            return 0
    for alts in pat.before:
        if not any(a in before for a in alts):
            return 0
    return len(pat.after) + len(pat.before)


def _noun_object_rule(tok, lemma: str) -> str | None:
    """Readings from the verb's object noun: closing a venue, halting talks, (not) stopping attacks."""
    objects = [t.lemma_.lower() for t in _objects(tok, None)]
    objects += [
        g.lemma_.lower() for c in tok.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"
    ]
    particle = {c.lower_ for c in tok.children if c.dep_ == "prt"}
    obj = set(objects)
    if lemma in CLOSING_VERBS and obj & VENUE_NOUNS:
        return "160"
    if lemma in CLOSING_VERBS and obj & TALK_NOUNS:
        return "164"
    if lemma in CLOSING_VERBS and obj & TIE_NOUNS:
        return "161"
    if lemma in STAGING_VERBS and obj & STRIKE_NOUNS and not obj & VIOLENCE_NOUNS - {"strike"}:
        return "143"
    if lemma in STAGING_VERBS and obj & PROTEST_NOUNS:
        return "141"
    if obj & VIOLENCE_NOUNS:
        if lemma in STOPPING_VERBS and _negated(tok):
            return "190"
        if lemma in CONTINUING_VERBS:
            return "190"
        if lemma in STOPPING_VERBS and (particle or lemma != "let"):
            return "0871"
    return None


def _objects(tok, passive) -> list:
    found = [c for c in tok.children if c.dep_ in ("dobj", "dative", "attr", "oprd")]
    for c in tok.children:
        if c.dep_ == "prt":
            found += [g for g in c.children if g.dep_ == "dobj"]
        if c.dep_ == "prep" and c.lower_ in (
            "to",
            "with",
            "against",
            "on",
            "at",
            "from",
            "for",
            "of",
            "into",
            "in",
            "over",
        ):
            found += [g for g in c.children if g.dep_ == "pobj"]
    if passive is not None:
        found.insert(0, passive)
    for c in tok.children:
        if c.dep_ in COMPLEMENTS:
            found += [g for g in c.children if g.dep_ in SUBJECTS | {"dobj"}]
    return found


def _subject(tok):
    """The subject, inherited through conjoined and controlled verbs ("agreed to X", "A and B")."""
    seen = 0
    while tok is not None and seen < 6:
        subj = next((c for c in tok.children if c.dep_ in SUBJECTS), None)
        if subj is not None:
            if subj.pos_ == "PRON" and tok.dep_ == "ccomp":
                outer = _subject(tok.head)
                if outer is not None and outer.pos_ != "PRON":
                    return outer
            return subj
        if tok.dep_ in ("conj", "xcomp", "advcl") and tok.head is not tok:
            tok = tok.head
            seen += 1
            continue
        if tok.dep_ == "ccomp" and tok.head is not tok:
            tok = tok.head
            seen += 1
            continue
        return None
    return None


def _absorbed(tok, cands) -> bool:
    """Whether a governing verb above ("threatened to", "accused X of") takes this clause in."""
    node, through = tok, False
    for _ in range(5):
        if node.head is node:
            return False
        through = through or node.dep_ in ABSORBING_PATH
        node = node.head
        cand = cands.get(node.i)
        if cand is not None:
            return through and _governs(cand)
        if node.dep_ not in ABSORBING_PATH | {"prep", "conj", "pobj"}:
            return False
    return False


def _governor(tok):
    return tok.head if tok.head is not tok else None


def _governs(cand: _Candidate) -> bool:
    lemma = cand.token.lemma_.lower()
    return lemma in GOVERNORS or (
        cand.how in ("pattern", "verb")
        and not cand.cameo.startswith(STATEMENT_PREFIX)
        and lemma not in CARRIERS
    )


def _negated(tok) -> bool:
    return any(
        c.dep_ == "neg" or (c.lower_ in NEGATORS and c.dep_ in ("advmod", "det")) for c in tok.children
    )


def _modal(tok) -> set[str]:
    mods = {c.lower_ for c in tok.children if c.dep_ == "aux" and c.tag_ == "MD"}
    if (
        tok.dep_ == "xcomp"
        and tok.head.lemma_.lower() == "go"
        and any(c.lower_ == "to" for c in tok.children)
    ):
        mods.add("will")
    return mods & MODALS


def _unless(tok) -> bool:
    return any(
        c.dep_ == "advcl" and any(m.lower_ in ("unless", "if") and m.dep_ == "mark" for m in c.children)
        for c in tok.children
    )


def _conditional(tok) -> bool:
    node = tok
    for _ in range(4):
        if any(c.dep_ == "mark" and c.lower_ in CONDITIONAL_MARKS for c in node.children):
            return True
        if node.head is node:
            return False
        node = node.head
    return False


def _span(tok) -> str:
    keep = [tok] + [c for c in tok.children if c.dep_ in ("neg", "aux", "prt", "dobj", "auxpass")]
    keep = sorted(keep, key=lambda t: t.i)
    return " ".join(t.text for t in keep)


def _confidence(cand: _Candidate, tok, governor, src, tgt) -> float:
    base = {"pattern": 0.7, "rule": 0.75, "verb": 0.6, "fallback": 0.55}.get(cand.how, 0.5)
    base += min(cand.specificity, 3) * 0.04
    depth = 0
    node = tok
    while node.head is not node and depth < 5:
        if node.dep_ not in COMPLEMENTS and node.dep_ != "conj":
            depth += 1
        node = node.head
    base -= 0.08 * depth
    if tok.dep_ == "ROOT":
        base += 0.08
    if any(c.dep_ == "mark" and c.lower_ in CONDITIONAL_MARKS for c in tok.children):
        base -= 0.15
    if src is not None and (src.actor or src.code):
        base += 0.08
    if tgt is not None:
        base += 0.03
    return max(0.05, min(0.99, base))
