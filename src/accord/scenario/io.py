"""Read and write scenarios in every supported format, chosen by file extension.

YAML is canonical (hand-editable); JSON is the same document; CSV/XLSX is the long table; KTAB's
CSV (detected by its header) and XML files are imported; a GENIUS folder (a domain file and its
utility profiles, genius.py) is read from the folder or its domain file and written to a folder.
Writes are atomic: a temporary file in the same folder is renamed over the target, so a failed
write never leaves a half-written scenario (a GENIUS folder: each of its files).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import ScenarioError
from ..files import atomic_write, atomic_write_text
from . import ktab
from .examples import example_path, is_example
from .formats import READ_FORMATS, WRITE_FORMATS
from .limits import LimitError, Limits, applied, current
from .rawdata import check_json_depth, check_text_size, clean
from .schema import Actor, Issue, Scenario
from .validate import scenario_from_data

__all__ = [
    "READ_FORMATS",
    "WRITE_FORMATS",
    "load",
    "loads_json",
    "loads_yaml",
    "lost_in",
    "save",
]


def load(source: str | os.PathLike[str], limits: Limits | None = None) -> Scenario:
    """Load a scenario from a path in any supported format, or by the name of a shipped example.

    ``limits`` (default: :func:`limits.current`) bound what the file may hold; see
    docs/explanation/scenario.md.
    """
    text_source = str(source)
    if is_example(text_source) and not Path(text_source).exists():
        return load(example_path(text_source), limits)
    path = Path(source)
    if path.is_dir():
        from . import genius  # NumPy, loaded only for GENIUS files

        return genius.read_folder(path)
    if not path.is_file():
        raise ScenarioError(
            "no such file or shipped example",
            value=text_source,
            allowed="a scenario file path, or an example name (see `accord examples`)",
        )
    fmt = format_of(str(path))
    with applied(limits):
        data = read_bytes(path)
        if fmt == "xml":  # a GENIUS domain or profile is read with the files beside it
            from . import genius

            check_text_size(data, str(path))
            root = genius.parse_xml(decode(data, str(path)), str(path))
            if genius.is_genius(root):
                return genius.read_folder(path.parent, path if root.tag == "negotiation_template" else None)
        return load_bytes(data, fmt, file=str(path))


def read_bytes(path: Path) -> bytes:
    """A file's bytes, refused by its size before it is read if the current limits do not allow it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ScenarioError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
    if size > current().max_file_bytes:
        raise LimitError("max_file_bytes", size, "the file size in bytes", file=str(path))
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"cannot read the file: {exc.strerror}", file=str(path)) from None


def read_text(path: Path) -> str:
    """A file's UTF-8 text within the current limits (GENIUS folders are read file by file this way)."""
    data = read_bytes(path)
    check_text_size(data, str(path))
    return decode(data, str(path))


def format_of(name: str) -> str:
    """The reader for a file name: yaml, json, csv (long table or KTAB), xlsx or xml (KTAB)."""
    suffix = Path(name).suffix.lower()
    fmt = _FORMATS.get(suffix)
    if fmt is None:
        raise ScenarioError("unsupported file type", file=name, value=suffix or name, allowed=READ_FORMATS)
    return fmt


def load_bytes(data: bytes, fmt: str, limits: Limits | None = None, file: str | None = None) -> Scenario:
    """A scenario from the bytes of a file in format ``fmt`` (see :func:`format_of`), within ``limits``.

    Nothing touches the disk, so a server can parse an upload as it is.
    """
    with applied(limits):
        check_text_size(data, file)
        if fmt == "xlsx":
            from . import table  # pandas, loaded only for the table formats

            return table.read_xlsx_bytes(data, file or "upload.xlsx")
        return load_text(decode(data, file), fmt, file=file)


def load_text(text: str, fmt: str, limits: Limits | None = None, file: str | None = None) -> Scenario:
    """A scenario from text in format yaml, json, csv (long table or KTAB) or xml, within ``limits``."""
    with applied(limits):
        check_text_size(text, file)
        if fmt == "yaml":
            return loads_yaml(text, file)
        if fmt == "json":
            return loads_json(text, file)
        if fmt == "csv":
            if ktab.looks_like_ktab_csv(text):
                return ktab.read_csv_text(text, file or "upload.csv")
            from . import table

            return table.read_csv_text(text, file or "upload.csv")
        if fmt == "xml":
            return ktab.read_xml_text(text, file or "upload.xml")
    raise ScenarioError("unsupported format", file=file, value=fmt, allowed="yaml, json, csv, xml, xlsx")


def save(scenario: Scenario, target: str | os.PathLike[str]) -> Path:
    """Write a scenario atomically in the format its suffix names (a folder or no suffix: GENIUS)."""
    path = Path(target)
    suffix = path.suffix.lower()
    if path.is_dir() or not suffix:
        from . import genius_export

        genius_export.write_folder(scenario, path)
    elif suffix in (".yaml", ".yml"):
        from .yamltext import dumps_yaml

        atomic_write_text(path, dumps_yaml(scenario))
    elif suffix == ".json":
        atomic_write_text(path, dumps_json(scenario))
    elif suffix in (".csv", ".xlsx"):
        from . import table  # pandas, loaded only for the table formats

        frame = table.to_frame(scenario)
        atomic_write(path, lambda tmp: table.write_frame(frame, tmp, suffix))
    else:
        raise ScenarioError(
            "unsupported output type", file=str(path), value=path.suffix, allowed=WRITE_FORMATS
        )
    return path


def lost_in(scenario: Scenario, target: str | os.PathLike[str]) -> list[str]:
    """What writing ``scenario`` to ``target`` leaves out: the long table (.csv, .xlsx) keeps the
    actors (id, name, capability), the issues (range, labels, status quo) and the stances only."""
    if Path(target).suffix.lower() not in (".csv", ".xlsx"):
        return []
    lost: list[str] = []

    def count(n: int, what: str) -> None:
        if n:
            lost.append(f"{n} {what}" + ("" if n == 1 else "s"))

    count(len(scenario.events), "event")
    count(len(scenario.relations), "relation")
    count(len(scenario.channels), "channel")
    for field in ("deadline", "negotiation", "start"):
        if getattr(scenario, field) is not None:
            lost.append(f"the {field}")
    if scenario.round_days != 7:
        lost.append("round_days")
    for field in ("title", "description", "note", "source"):
        if getattr(scenario, field):
            lost.append(f"the scenario's {field}")
    if scenario.models:
        lost.append("the model settings (" + ", ".join(scenario.models) + ")")
    count(sum(1 for i in scenario.issues if i.unit is not None), "issue unit")
    for what, n in (
        ("params", sum(1 for a in scenario.actors if a.params)),
        ("aliases", sum(1 for a in scenario.actors if a.aliases)),
    ):
        if n:
            lost.append(f"the {what} of {n} actor" + ("" if n == 1 else "s"))
    parts: list[Actor | Issue] = [*scenario.actors, *scenario.issues]
    described = sum(1 for x in parts if x.description or x.source)
    if described:
        lost.append(f"the descriptions and sources of {described} actors and issues")
    return lost


def dumps_json(scenario: Scenario) -> str:
    """JSON as the standard defines it: a non-finite number is an error, never ``Infinity``."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    try:
        return json.dumps(data, indent=2, allow_nan=False) + "\n"
    except ValueError:
        raise ScenarioError(
            "the scenario holds a non-finite number (NaN or infinity), which JSON cannot represent",
            value=scenario.name,
            allowed="finite numbers in actor params and model settings",
        ) from None


def loads_yaml(text: str, file: str | None = None, limits: Limits | None = None) -> Scenario:
    """A scenario from YAML text, within ``limits``."""
    from .yamltext import parse_yaml  # PyYAML is imported by YAML files only

    with applied(limits):
        return scenario_from_data(parse_yaml(text, file), file)


def parse_json(text: str, file: str | None = None) -> Any:
    """JSON text to plain data within the limits; duplicate keys, NaN and Infinity are refused."""
    check_text_size(text, file)
    check_json_depth(text, file)
    max_digits = current().max_int_digits

    def number(literal: str) -> int:
        if len(literal.lstrip("-")) > max_digits:
            digits = len(literal.lstrip("-"))
            raise LimitError("max_int_digits", f"{digits} digits", "an integer's length", file=file)
        return int(literal)

    def constant(name: str) -> float:
        raise ScenarioError("not a JSON number", file=file, value=name, allowed="a finite number")

    def mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise ScenarioError(
                    f"duplicate key {key!r}; each key may appear once",
                    file=file,
                    location=_json_key_line(text, key),
                )
            out[key] = value
        return out

    try:
        data = json.loads(text, parse_int=number, parse_constant=constant, object_pairs_hook=mapping)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            f"not valid JSON: {exc.msg}", file=file, location=f"line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:  # a depth limit raised past what this interpreter's stack holds
        raise LimitError("max_depth", "too deep for the parser", "the nesting depth", file=file) from None
    return clean(data, file)


def _json_key_line(text: str, key: str) -> str | None:
    """Where a duplicated key appears the second time (json reports no positions to its hooks)."""
    quoted = json.dumps(key)
    first = text.find(quoted)
    second = text.find(quoted, first + 1) if first >= 0 else -1
    return f"line {text.count(chr(10), 0, second) + 1}" if second >= 0 else None


def loads_json(text: str, file: str | None = None, limits: Limits | None = None) -> Scenario:
    """A scenario from JSON text, within ``limits``."""
    with applied(limits):
        return scenario_from_data(parse_json(text, file), file)


def decode(data: bytes, file: str | None) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            "the file is not UTF-8 text",
            file=file,
            location=f"line {line}, byte {exc.start}",
            value=data[exc.start : exc.end],
            allowed="a UTF-8 encoded text file",
        ) from None


_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".csv": "csv", ".xlsx": "xlsx", ".xml": "xml"}
