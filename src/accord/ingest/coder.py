"""Code parsed sentences into PLOVER 2021 events: who did what to whom, how sure, and how real.

One pass over each sentence's dependency parse. Every verb is a candidate; its CAMEO code comes from
the most specific CAMEO 2.0 pattern whose words occur in the verb's phrase, else the verb's default
code, else accord's fallback table (rules.py). Clause structure then decides which verbs carry
events: a reporting verb ("said") hands over to its complement, a governing verb ("threatened to",
"refused to") keeps the event and absorbs its complement, and a future or modal complement of a
cooperative act becomes an expressed intent (AGREE), of a hostile act a threat. Negation, modality
and conditionals are flagged. The confidence ranks a sentence's events (the first is its main one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from .actors import ActorResolver, Resolved
from .dictionaries import COOPERATIVE, Dictionaries, load_dictionaries, plover_mode, plover_type
from .rules import (
    CARRIERS,
    FALLBACK,
    GOVERNORS,
    HYPOTHETICAL_GOVERNORS,
    STATEMENT_PREFIX,
    STOPPING_VERBS,
)
from .syntax import (
    COMPLEMENTS,
    PASSIVE_SUBJECTS,
    _absorbed,
    _Candidate,
    _conditional,
    _confidence,
    _context,
    _governor,
    _governs,
    _match,
    _modal,
    _negated,
    _noun_object_rule,
    _objects,
    _phrase,
    _span,
    _subject,
    _unless,
)

HOSTILE = {"ACCUSE", "REJECT", "THREATEN", "PROTEST", "MOBILIZE", "SANCTION", "COERCE", "ASSAULT"}


@dataclass
class CodedEvent:
    """One event coded from a sentence: PLOVER type and CAMEO code, who acted on whom, and the
    evidence (verb, span, rule, confidence) a reader needs to check it."""

    story: str
    sentence_index: int
    sentence: str
    type: str
    cameo: str
    mode: str
    source: str | None
    source_text: str
    source_code: str | None
    target: str | None
    target_text: str
    target_code: str | None
    negated: bool
    hypothetical: bool
    verb: str
    span: str
    confidence: float
    date: dt.date | None = None
    rule: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_row(self) -> dict[str, Any]:
        """The event as a flat table row (date as ISO text; the free-form ``extra`` left out)."""
        row = asdict(self)
        row.pop("extra")
        row["date"] = self.date.isoformat() if self.date else None
        return row


class EventCoder:
    """Codes sentences; holds the dictionaries and a resolver (one per scenario)."""

    def __init__(
        self, resolver: ActorResolver | None = None, dictionaries: Dictionaries | None = None
    ) -> None:
        self.dicts = dictionaries or load_dictionaries()
        self.resolver = resolver or ActorResolver(None, self.dicts)

    # ---- entry points -----------------------------------------------------------------------

    def code_doc(self, doc: Any, story: str = "", date: dt.date | None = None) -> Iterator[CodedEvent]:
        """Events of every sentence of a parsed document, sentence by sentence, best first."""
        last_source: Resolved | None = None
        for k, sent in enumerate(doc.sents):
            events = self.code_sentence(sent, story, k, date, last_source)
            for ev in events:
                if ev.source or ev.source_code:
                    last_source = Resolved(ev.source, ev.source_code, ev.source_text)
                    break
            yield from events

    def code_sentence(
        self,
        sent: Any,
        story: str = "",
        index: int = 0,
        date: dt.date | None = None,
        previous: Resolved | None = None,
    ) -> list[CodedEvent]:
        """Events of one parsed sentence, best first; ``previous``, the last sentence's source,
        resolves pronouns."""
        cands = {t.i: c for t in sent if (c := self._code_token(t)) is not None}
        events: list[CodedEvent] = []
        for cand in cands.values():
            ev = self._event(cand, cands, sent, story, index, date, previous)
            if ev is not None:
                events.append(ev)
        events.sort(key=lambda e: -e.confidence)
        return events

    # ---- per token ----------------------------------------------------------------------------

    def _code_token(self, tok: Any) -> _Candidate | None:
        if tok.pos_ not in ("VERB",) and not (tok.pos_ == "AUX" and tok.dep_ == "ROOT"):
            return None
        if tok.dep_ in ("amod", "compound"):
            return None  # "Vietnamese-led forces": a verb form used as an adjective
        lemma = tok.lemma_.lower()
        if lemma in CARRIERS and any(c.dep_ in COMPLEMENTS for c in tok.children):
            return _Candidate(tok, "010", "carrier", 0)
        rule = _noun_object_rule(tok, lemma)
        if rule:
            return _Candidate(tok, rule, "rule", 3)
        entries = self.dicts.verbs.get(lemma, ())
        if entries:
            after, before = _context(tok)
            best: tuple[int, str] | None = None
            for entry in entries:
                for pat in entry.patterns:
                    score = _match(pat, before, after)
                    if score and pat.code and (best is None or score > best[0]):
                        best = (score, pat.code)
            if lemma in GOVERNORS and (best is None or plover_type(best[1]) != plover_type(GOVERNORS[lemma])):
                return _Candidate(tok, GOVERNORS[lemma], "fallback", 1)
            if best:
                return _Candidate(tok, best[1], "pattern", best[0])
            codes = [e.code for e in entries if e.code]
            if lemma in FALLBACK and (not codes or lemma in GOVERNORS):
                return _Candidate(tok, FALLBACK[lemma], "fallback", 0)
            if codes:
                return _Candidate(tok, codes[0], "verb", 0)
        if lemma in FALLBACK:
            return _Candidate(tok, FALLBACK[lemma], "fallback", 0)
        if lemma in CARRIERS:
            return _Candidate(tok, "010", "carrier", 0)
        return None

    # ---- per candidate --------------------------------------------------------------------

    def _event(self, cand, cands, sent, story, index, date, previous) -> CodedEvent | None:
        tok = cand.token
        lemma = tok.lemma_.lower()
        cameo = cand.cameo
        kind = plover_type(cameo)
        comp = next((c for c in tok.children if c.dep_ in COMPLEMENTS and c.i in cands), None)
        governor = _governor(tok)
        gov_cand = cands.get(governor.i) if governor is not None else None
        # A reporting or uncoded verb carries no event of its own when it frames a coded clause.
        if kind is None or cameo.startswith(STATEMENT_PREFIX) or cand.how == "carrier":
            return None
        # A complement under a governing verb is absorbed by it ("threatened to end ...").
        if _absorbed(tok, cands):
            return None
        rule = cand.how
        negated = _negated(tok)
        modal = _modal(tok)
        hypothetical = bool(modal & {"would", "could", "might", "may", "should"}) or _conditional(tok)
        if (
            gov_cand is not None
            and tok.dep_ in COMPLEMENTS
            and governor.lemma_.lower() in HYPOTHETICAL_GOVERNORS
        ):
            hypothetical = True
        # "X must / should do Y": a demand on X (CAMEO's convention for reported obligations).
        if modal & {"must", "should"} and not negated and kind not in ("THREATEN", "ACCUSE"):
            kind, rule = "REQUEST", "obligation"
        # "will boycott unless ...": a conditional announcement is a threat.
        elif modal and _unless(tok) and kind not in ("REQUEST", "AGREE"):
            kind, rule = "THREATEN", "conditional"
        # Intent: a promised cooperative act is AGREE; a promised hostile act is a threat.
        elif (
            modal
            and not negated
            and cand.how != "rule"
            and kind not in ("THREATEN", "REQUEST", "ACCUSE", "REJECT")
        ):
            kind, rule = ("AGREE", "intent") if kind in COOPERATIVE else ("THREATEN", "intent")
        if comp is not None and _governs(cand):
            inner = plover_type(cands[comp.i].cameo)
            if lemma in ("agree", "promise", "pledge", "vow", "offer") and inner and inner not in COOPERATIVE:
                kind, rule = ("THREATEN" if lemma == "vow" else kind), "governs"
        if negated and cand.how == "rule" and lemma in STOPPING_VERBS:
            negated = False  # "hasn't let up on attacks": the negation is the reading itself
        if negated and kind in COOPERATIVE and cand.how != "rule":
            kind, rule = "REJECT", "negated-cooperation"
        src, tgt = self._participants(tok, sent, previous)
        conf = _confidence(cand, tok, governor, src, tgt)
        return CodedEvent(
            story=story,
            sentence_index=index,
            sentence=sent.text.strip(),
            type=kind,
            cameo=cameo,
            mode=plover_mode(cameo),
            source=src.actor if src else None,
            source_text=src.text if src else "",
            source_code=src.code if src else None,
            target=tgt.actor if tgt else None,
            target_text=tgt.text if tgt else "",
            target_code=tgt.code if tgt else None,
            negated=negated and rule != "negated-cooperation",
            hypothetical=hypothetical,
            verb=lemma,
            span=_span(tok),
            confidence=round(conf, 3),
            date=date,
            rule=rule,
        )

    def _participants(self, tok, sent, previous) -> tuple[Resolved | None, Resolved | None]:
        subj = _subject(tok)
        passive = next((c for c in tok.children if c.dep_ in PASSIVE_SUBJECTS), None)
        agent = next(
            (g for c in tok.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None
        )
        src_tok = agent if passive is not None and agent is not None else subj
        source = self._resolve(src_tok, previous) if src_tok is not None else None
        target = None
        for cand in _objects(tok, passive if agent is not None else None):
            target = self._resolve(cand, None)
            if target and (target.actor or target.code) and (source is None or target.text != source.text):
                if source is not None and target.actor and target.actor == source.actor:
                    target = Resolved(None, target.code, target.text)  # "Obama ... U.S. involvement"
                break
            target = None
        return source, target

    def _resolve(self, tok, previous: Resolved | None) -> Resolved | None:
        if tok.pos_ == "PRON":
            if tok.lower_ in ("they", "he", "she", "we", "who"):
                return previous
            return None
        words = [t.lower_ for t in _phrase(tok)]
        res = self.resolver.resolve(
            words, head=tok.lemma_.lower(), text=" ".join(t.text for t in _phrase(tok))
        )
        return res


# ---- parse helpers (pure functions of spaCy tokens) -------------------------------------------


def code_texts(
    texts: Iterable[str], coder: EventCoder | None = None, batch_size: int = 64
) -> list[list[CodedEvent]]:
    """Code single sentences or short texts (the evaluator's entry point): events per text, best first."""
    from .nlp import nlp

    coder = coder or EventCoder()
    out = []
    for k, doc in enumerate(nlp().pipe(texts, batch_size=batch_size)):
        out.append(sorted(coder.code_doc(doc, story=str(k)), key=lambda e: -e.confidence))
    return out
