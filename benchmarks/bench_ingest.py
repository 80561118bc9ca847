"""Ingestion speed: sentences coded per second on one core (target >= 100/s).

Runs the whole path (paragraphs, spaCy parse, coding, actor resolution) on the gold sentences and
the seed story, repeated to a few thousand sentences, after one warm-up (model loading excluded).

    PYTHONPATH=src python benchmarks/bench_ingest.py
"""

from __future__ import annotations

import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from accord.ingest.evaluate import read_gold  # noqa: E402
from accord.ingest.nlp import nlp  # noqa: E402
from accord.ingest.pipeline import code_stories  # noqa: E402
from accord.ingest.readers import Story  # noqa: E402

TARGET = 100.0
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def main(repeat: int = 12) -> None:
    gold = read_gold(SHARED / "data" / "events" / "PLOVER_GSR_CAMEO-dev.json")
    seed = (SHARED / "seed").glob("*.txt")
    texts = [g.text for g in gold] + [p.read_text() for p in seed]
    stories = [Story(id=str(k), text=t) for k, t in enumerate(texts * repeat)]
    t0 = time.perf_counter()
    pipeline = nlp()
    load = time.perf_counter() - t0
    list(code_stories(stories[: len(texts)]))  # warm-up
    t0 = time.perf_counter()
    events = list(code_stories(stories, min_confidence=0.0))
    elapsed = time.perf_counter() - t0
    sentences = len({(e.story, e.sentence_index) for e in events})
    n_sent = sum(len(list(pipeline(t).sents)) for t in texts) * repeat
    rate = n_sent / elapsed
    print(f"model load: {load:.2f} s")
    print(f"{n_sent} sentences ({sentences} with events, {len(events)} events) in {elapsed:.2f} s")
    print(f"sentences/second: {rate:.0f} (target {TARGET:.0f}; ratio {rate / TARGET:.2f})")


if __name__ == "__main__":
    main()
