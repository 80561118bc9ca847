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
from typing import Callable

import yaml

from ..files import atomic_write, atomic_write_text
from . import genius, genius_export, ktab, table
from .errors import ScenarioError
from .examples import example_path, is_example
from .schema import Scenario
from .validate import scenario_from_data

READ_FORMATS = ".yaml, .yml, .json, .csv (long table or KTAB), .xlsx, .xml (KTAB or a GENIUS domain), a GENIUS folder"
WRITE_FORMATS = ".yaml, .yml, .json, .csv, .xlsx, a folder (GENIUS: a path without extension, or an existing folder)"


def load(source: str | os.PathLike[str]) -> Scenario:
    """Load a scenario from a path in any supported format, or by the name of a shipped example."""
    text_source = str(source)
    if is_example(text_source) and not Path(text_source).exists():
        return load(example_path(text_source))
    path = Path(source)
    if path.is_dir():
        return genius.read_folder(path)
    if not path.is_file():
        raise ScenarioError(
            "no such file or shipped example", value=text_source,
            allowed="a scenario file path, or an example name (see `accord examples`)",
        )
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise ScenarioError(
            "unsupported file type", file=str(path), value=path.suffix, allowed=READ_FORMATS
        )
    return reader(path)


def save(scenario: Scenario, target: str | os.PathLike[str]) -> Path:
    path = Path(target)
    suffix = path.suffix.lower()
    if path.is_dir() or not suffix:
        genius_export.write_folder(scenario, path)
    elif suffix in (".yaml", ".yml"):
        atomic_write_text(path, dumps_yaml(scenario))
    elif suffix == ".json":
        atomic_write_text(path, json.dumps(scenario.model_dump(mode="json", exclude_none=True), indent=2) + "\n")
    elif suffix in (".csv", ".xlsx"):
        frame = table.to_frame(scenario)
        atomic_write(path, lambda tmp: table.write_frame(frame, tmp, suffix))
    else:
        raise ScenarioError("unsupported output type", file=str(path), value=path.suffix, allowed=WRITE_FORMATS)
    return path


class _ScenarioDumper(yaml.SafeDumper):
    """Safe YAML output whose strings read back exactly.

    YAML folds line breaks inside plain or single-quoted text (and treats NEL, LS, PS and CR as
    breaks), so any string holding a break character is written double-quoted with escapes.
    """


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = '"' if any(c in text for c in "\n\r\x85\u2028\u2029") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_ScenarioDumper.add_representer(str, _represent_str)


def dumps_yaml(scenario: Scenario) -> str:
    data = scenario.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    data = {"name": scenario.name, **data}
    return yaml.dump(data, Dumper=_ScenarioDumper, sort_keys=False, allow_unicode=True, width=100)


class _ScenarioLoader(yaml.SafeLoader):
    """Safe YAML that refuses duplicate keys and leaves dates as text.

    A repeated key would silently drop a stance; and PyYAML's own date parsing raises a bare
    ValueError on an impossible date (2013-02-30), so dates go to the schema, which names the field.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)):
                continue  # unhashable keys are refused by the base class with their own message
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}; each key may appear once", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_ScenarioLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def loads_yaml(text: str, file: str | None = None) -> Scenario:
    try:
        data = yaml.load(text, Loader=_ScenarioLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(f"not valid YAML: {problem}", file=file, location=where) from None
    return scenario_from_data(data, file)


def loads_json(text: str, file: str | None = None) -> Scenario:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            f"not valid JSON: {exc.msg}", file=file, location=f"line {exc.lineno}, column {exc.colno}"
        ) from None
    return scenario_from_data(data, file)


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            "the file is not UTF-8 text", file=str(path), location=f"line {line}, byte {exc.start}",
            value=data[exc.start : exc.end], allowed="a UTF-8 encoded text file",
        ) from None


def _read_csv(path: Path) -> Scenario:
    text = read_text(path)
    if ktab.looks_like_ktab_csv(text):
        return ktab.read_csv_text(text, str(path))
    return table.read_table(path)


_READERS: dict[str, Callable[[Path], Scenario]] = {
    ".yaml": lambda p: loads_yaml(read_text(p), str(p)),
    ".yml": lambda p: loads_yaml(read_text(p), str(p)),
    ".json": lambda p: loads_json(read_text(p), str(p)),
    ".csv": _read_csv,
    ".xlsx": table.read_table,
    ".xml": lambda p: _read_xml(p),
}


def _read_xml(path: Path) -> Scenario:
    """KTAB's scenario XML, or a GENIUS domain (read with the profiles beside it) or profile."""
    text = read_text(path)
    root = genius.parse_xml(text, str(path))
    if genius.is_genius(root):
        return genius.read_folder(path.parent, path if root.tag == "negotiation_template" else None)
    return ktab.read_xml_text(text, str(path))
