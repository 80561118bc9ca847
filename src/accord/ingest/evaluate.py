"""Scoring the coder on gold-standard sentences (PLOVER GSR JSON, PETRARCH2 validation XML).

Top-1 event-type accuracy: the coder's best event for a sentence against the gold type (a sentence
the coder leaves uncoded counts as wrong). Source-actor accuracy: the best event's source code shares
its country / organisation root (first three letters) with a gold source. Per-class precision and
recall come from the same top-1 predictions.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import ScenarioError
from .dictionaries import PLOVER_TYPES, normalise_type, plover_type


@dataclass(frozen=True)
class GoldSentence:
    """A hand-coded sentence: the event types and source actors a correct coder may give."""

    id: str
    text: str
    types: tuple[str, ...]  # acceptable PLOVER types (XML records may code several events)
    sources: tuple[str, ...]  # gold source actor codes


def read_gold(path: str | Path) -> list[GoldSentence]:
    """Gold sentences from a PLOVER GSR JSON file or a PETRARCH2 validation XML file."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError("no such gold file", file=str(path))
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"bytes that are not UTF-8 at offset {exc.start}", file=str(path)) from None
    if not raw.strip():
        raise ScenarioError("empty gold file", file=str(path))
    if raw.lstrip().startswith("<"):
        return _read_xml(raw, path)
    return _read_json(raw, path)


def _read_json(raw: str, path: Path) -> list[GoldSentence]:
    try:
        records = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"not JSON: {exc.msg}", file=str(path), location=f"line {exc.lineno}") from None
    if not isinstance(records, list):
        raise ScenarioError(
            "a gold file is a JSON list of records",
            file=str(path),
            allowed='[{"text": ..., "event": ..., "source": [...]}, ...]',
        )
    out = []
    for k, rec in enumerate(records):
        if not isinstance(rec, dict) or not rec.get("text") or rec.get("event") in (None, "DOCUMENT"):
            continue
        kind = normalise_type(str(rec["event"]))
        if kind not in PLOVER_TYPES:
            raise ScenarioError(
                "unknown event type",
                file=str(path),
                location=f"record {k}: event",
                value=rec["event"],
                allowed=", ".join(PLOVER_TYPES),
            )
        sources = rec.get("source") or []
        codes = tuple(str(s.get("code") or "") for s in sources if isinstance(s, dict))
        out.append(GoldSentence(str(rec.get("id", k)), str(rec["text"]), (kind,), codes))
    if not out:
        raise ScenarioError("no coded sentences in the gold file", file=str(path))
    return out


_XML_TOKEN = re.compile(r"<(Sentence|EventCoding)\b([^>]*)>|<Text>(.*?)</Text>", re.S)
_XML_ATTR = re.compile(r'(\w+)="([^"]*)"')


def _read_xml(raw: str, path: Path) -> list[GoldSentence]:
    """The validation layout: <Sentence/>, its <EventCoding .../> records, then <Text>.

    The file is not strict XML (comment banners, a literal '<EventCoding...>' example), so it is read
    as a sequence of these three elements rather than as a tree.
    """
    if "<Sentence" not in raw:
        raise ScenarioError(
            "no <Sentence> records in the XML file", file=str(path), allowed="the PETRARCH2 validation layout"
        )
    out: list[GoldSentence] = []
    current: dict | None = None
    for m in _XML_TOKEN.finditer(raw):
        tag, attrs, text = m.group(1), dict(_XML_ATTR.findall(m.group(2) or "")), m.group(3)
        if tag == "Sentence":
            current = {"id": attrs.get("id", str(len(out))), "types": [], "sources": []}
        elif current is None:
            continue
        elif tag == "EventCoding":
            kind = plover_type(attrs.get("eventcode", ""))
            if kind:
                current["types"].append(kind)
                current["sources"].append(attrs.get("sourcecode", ""))
        elif text is not None:
            clean = re.sub(r"\s+", " ", text).strip()
            if current["types"] and clean:
                out.append(
                    GoldSentence(current["id"], clean, tuple(current["types"]), tuple(current["sources"]))
                )
            current = None
    if not out:
        raise ScenarioError("no coded sentences in the gold XML file", file=str(path))
    return out


@dataclass(frozen=True)
class Score:
    """Top-1 accuracy of a coder against gold sentences, overall and per event class."""

    n: int
    event_accuracy: float
    source_accuracy: float
    coded: int
    per_class: pd.DataFrame  # class, gold, predicted, correct, precision, recall

    def as_json(self) -> dict:
        """The score as JSON-ready data (rounded; NaN precision/recall of empty classes as null)."""
        return {
            "n": self.n,
            "event_accuracy": round(self.event_accuracy, 4),
            "source_accuracy": round(self.source_accuracy, 4),
            "coded": self.coded,
            "per_class": [
                {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
                for row in self.per_class.to_dict(orient="records")
            ],
        }


def score(gold: Sequence[GoldSentence], predicted: Sequence[tuple[str | None, str | None]]) -> Score:
    """Score top-1 predictions, one (type, source code) per gold sentence."""
    if len(gold) != len(predicted):
        raise ValueError("one prediction per gold sentence")
    hits = src_hits = 0
    gold_count: Counter = Counter()
    pred_count: Counter = Counter()
    correct: Counter = Counter()
    for g, (kind, code) in zip(gold, predicted, strict=True):
        ok = kind in g.types
        hits += ok
        gold_count[g.types[0] if not ok else kind] += 1
        if kind:
            pred_count[kind] += 1
        if ok:
            correct[kind] += 1
        if code and any(s and s[:3] == code[:3] for s in g.sources):
            src_hits += 1
    rows = []
    for cls in PLOVER_TYPES:
        if gold_count[cls] or pred_count[cls]:
            rows.append(
                {
                    "class": cls,
                    "gold": gold_count[cls],
                    "predicted": pred_count[cls],
                    "correct": correct[cls],
                    "precision": round(correct[cls] / pred_count[cls], 3) if pred_count[cls] else None,
                    "recall": round(correct[cls] / gold_count[cls], 3) if gold_count[cls] else None,
                }
            )
    n = len(gold)
    return Score(n, hits / n, src_hits / n, sum(1 for k, _ in predicted if k), pd.DataFrame(rows))


def evaluate(path: str | Path) -> Score:
    """Code every gold sentence with the default coder and score it."""
    from .coder import code_texts

    gold = read_gold(path)
    events = code_texts([g.text for g in gold])
    predicted = [(ev[0].type, ev[0].source_code) if ev else (None, None) for ev in events]
    return score(gold, predicted)
