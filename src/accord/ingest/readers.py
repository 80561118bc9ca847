"""Story readers: plain-text files, folders, and CSV / JSONL tables of stories (date, title, text).

Everything streams: a table is read row by row and a long text file paragraph by paragraph in
bounded chunks, so a huge input never sits in memory whole. Bad input (bytes that are not UTF-8, an
empty file, a row without text, a bad date) raises ScenarioError naming the file and the place.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import ScenarioError

TEXT_SUFFIXES = {".txt", ".text", ".md"}
TABLE_SUFFIXES = {".csv", ".jsonl", ".ndjson"}
CHUNK_CHARS = 100_000  # a story longer than this is coded in paragraph-aligned chunks
csv.field_size_limit(2**31 - 1)


@dataclass(frozen=True)
class Story:
    """One news story to code: its text and what is known of it (title, date, where it came from)."""

    id: str
    text: str
    title: str = ""
    date: dt.date | None = None
    origin: str = ""


def iter_stories(sources: Iterable[str | os.PathLike[str]]) -> Iterator[Story]:
    """Every story in the given files and folders, in order (folders sorted by name)."""
    any_source = False
    for src in sources:
        any_source = True
        path = Path(src)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES | TABLE_SUFFIXES
            )
            if not files:
                raise ScenarioError(
                    "folder holds no story files",
                    file=str(path),
                    allowed=", ".join(sorted(TEXT_SUFFIXES | TABLE_SUFFIXES)),
                )
            for f in files:
                yield from _read_file(f)
        elif path.is_file():
            yield from _read_file(path)
        else:
            raise ScenarioError("no such file or folder", file=str(path))
    if not any_source:
        raise ScenarioError("no source given; name story files, folders, or CSV/JSONL tables")


def _read_file(path: Path) -> Iterator[Story]:
    if path.stat().st_size == 0:
        raise ScenarioError("empty file: no story to read", file=str(path))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from _read_csv(path)
    elif suffix in (".jsonl", ".ndjson"):
        yield from _read_jsonl(path)
    else:
        yield from _read_text(path)


def _lines(path: Path) -> Iterator[str]:
    """Lines of a UTF-8 file; a bad byte raises an error naming its line."""
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, start=1):
            try:
                yield raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise ScenarioError(
                    f"bytes that are not UTF-8 at byte {exc.start} of the line",
                    file=str(path),
                    location=f"line {n}",
                    value=raw[exc.start : exc.start + 4],
                    allowed="UTF-8 text (re-save the file as UTF-8)",
                ) from None


def _read_text(path: Path) -> Iterator[Story]:
    buf: list[str] = []
    size = 0
    part = 0
    for line in _lines(path):
        buf.append(line)
        size += len(line)
        if size >= CHUNK_CHARS and not line.strip():
            yield Story(id=_part_id(path, part), text="".join(buf), origin=str(path))
            part += 1
            buf, size = [], 0
    text = "".join(buf)
    if text.strip():
        yield Story(id=_part_id(path, part), text=text, origin=str(path))
    elif part == 0:
        raise ScenarioError("file holds only white space: no story to read", file=str(path))


def _part_id(path: Path, part: int) -> str:
    return path.stem if part == 0 else f"{path.stem}#{part}"


def _story(row: dict, path: Path, where: str, n: int) -> Story:
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ScenarioError(
            "a story needs a non-empty `text`",
            file=str(path),
            location=where,
            allowed="columns date, title, text (id optional)",
        )
    raw_date = row.get("date") or None
    date = None
    if raw_date is not None:
        try:
            date = dt.date.fromisoformat(str(raw_date).strip()[:10])
        except ValueError:
            raise ScenarioError(
                "bad date",
                file=str(path),
                location=f"{where}: date",
                value=raw_date,
                allowed="ISO dates such as 2013-07-09",
            ) from None
    return Story(
        id=str(row.get("id") or f"{path.stem}:{n}"),
        text=text,
        title=str(row.get("title") or ""),
        date=date,
        origin=str(path),
    )


def _read_csv(path: Path) -> Iterator[Story]:
    reader = csv.DictReader(_lines(path))
    if reader.fieldnames is None or "text" not in reader.fieldnames:
        raise ScenarioError(
            "a story table needs a `text` column",
            file=str(path),
            location="header",
            value=reader.fieldnames,
            allowed="date, title, text (id optional)",
        )
    count = 0
    for n, row in enumerate(reader, start=1):
        count += 1
        yield _story(row, path, f"row {n + 1}", n)
    if not count:
        raise ScenarioError("the table has a header but no stories", file=str(path))


def _read_jsonl(path: Path) -> Iterator[Story]:
    count = 0
    for n, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ScenarioError(f"not JSON: {exc.msg}", file=str(path), location=f"line {n}") from None
        if not isinstance(row, dict):
            raise ScenarioError(
                "each line must be a JSON object",
                file=str(path),
                location=f"line {n}",
                value=type(row).__name__,
                allowed='{"date": ..., "title": ..., "text": ...}',
            )
        count += 1
        yield _story(row, path, f"line {n}", n)
    if not count:
        raise ScenarioError("file holds no stories", file=str(path))


__all__ = ["Story", "iter_stories"]
