"""Stories in, coded events out: paragraphs, sentences (spaCy's parser), events (coder.py)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator

import pandas as pd

from ..scenario.schema import Scenario
from .actors import ActorResolver
from .coder import CodedEvent, EventCoder
from .readers import Story, iter_stories

DEFAULT_MIN_CONFIDENCE = 0.3
_PARAGRAPH = re.compile(r"\n\s*\n")
MAX_PARAGRAPH = 20_000  # characters; longer runs without a blank line are cut at sentence ends


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs with their inner line breaks joined (headlines stay apart)."""
    out = []
    for para in _PARAGRAPH.split(text):
        para = " ".join(para.split())
        while len(para) > MAX_PARAGRAPH:
            cut = para.rfind(". ", 0, MAX_PARAGRAPH)
            cut = cut + 1 if cut > 0 else MAX_PARAGRAPH
            out.append(para[:cut])
            para = para[cut:].lstrip()
        if para:
            out.append(para)
    return out


def code_stories(
    stories: Iterable[Story],
    scenario: Scenario | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    batch_size: int = 32,
) -> Iterator[CodedEvent]:
    """Events of every story in order; streams (one batch of paragraphs in memory at a time)."""
    from .nlp import nlp

    coder = EventCoder(ActorResolver(scenario))
    offsets: dict[str, int] = {}

    def units() -> Iterator[tuple[str, Story]]:
        for story in stories:
            for para in paragraphs(story.text):
                yield para, story

    for doc, story in nlp().pipe(units(), as_tuples=True, batch_size=batch_size):
        base = offsets.get(story.id, 0)
        for ev in coder.code_doc(doc, story=story.id, date=story.date):
            ev.sentence_index += base
            if ev.confidence >= min_confidence:
                yield ev
        offsets[story.id] = base + sum(1 for _ in doc.sents)


def ingest(
    sources: Iterable[str | os.PathLike[str]],
    scenario: Scenario | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> list[CodedEvent]:
    """Read and code story files, folders or tables (see readers.py)."""
    return list(code_stories(iter_stories(sources), scenario, min_confidence))


EVENT_COLUMNS = [
    "story",
    "date",
    "sentence_index",
    "type",
    "mode",
    "source",
    "target",
    "source_text",
    "target_text",
    "source_code",
    "target_code",
    "negated",
    "hypothetical",
    "confidence",
    "cameo",
    "verb",
    "span",
    "rule",
    "sentence",
]


def events_frame(events: Iterable[CodedEvent]) -> pd.DataFrame:
    """Events as a tidy table, one row per event."""
    rows = [ev.as_row() for ev in events]
    return pd.DataFrame(rows, columns=EVENT_COLUMNS) if rows else pd.DataFrame(columns=EVENT_COLUMNS)
