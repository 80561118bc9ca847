"""Read and write scenarios in every supported format, chosen by file extension.

YAML is canonical (hand-editable); JSON is the same document; CSV/XLSX is the long table; KTAB's
CSV (detected by its header) and XML files are imported. Writes are atomic: a temporary file in the
same folder is renamed over the target, so a failed write never leaves a half-written scenario.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable

import yaml

from ..files import atomic_write, atomic_write_text
from . import ktab
from .errors import ScenarioError
from .examples import example_path, is_example
from .formats import READ_FORMATS, WRITE_FORMATS
from .schema import Scenario
from .validate import scenario_from_data

__all__ = ["READ_FORMATS", "WRITE_FORMATS", "dumps_yaml", "load", "loads_json", "loads_yaml", "lost_in", "save"]


def load(source: str | os.PathLike[str]) -> Scenario:
    """Load a scenario from a path in any supported format, or by the name of a shipped example."""
    text_source = str(source)
    if is_example(text_source) and not Path(text_source).exists():
        return load(example_path(text_source))
    path = Path(source)
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
    if suffix in (".yaml", ".yml"):
        atomic_write_text(path, dumps_yaml(scenario))
    elif suffix == ".json":
        atomic_write_text(path, json.dumps(scenario.model_dump(mode="json", exclude_none=True), indent=2) + "\n")
    elif suffix in (".csv", ".xlsx"):
        from . import table  # pandas, loaded only for the table formats

        frame = table.to_frame(scenario)
        atomic_write(path, lambda tmp: table.write_frame(frame, tmp, suffix))
    else:
        raise ScenarioError("unsupported output type", file=str(path), value=path.suffix, allowed=WRITE_FORMATS)
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
    for what, n in (("params", sum(1 for a in scenario.actors if a.params)),
                    ("aliases", sum(1 for a in scenario.actors if a.aliases))):
        if n:
            lost.append(f"the {what} of {n} actor" + ("" if n == 1 else "s"))
    described = sum(1 for x in [*scenario.actors, *scenario.issues] if x.description or x.source)
    if described:
        lost.append(f"the descriptions and sources of {described} actors and issues")
    return lost


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


# libyaml's parser where PyYAML was built with it: the pure-Python parser takes about a quarter
# of a second on the Afghanistan scenario, which `accord validate` would pay on every start.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ScenarioLoader(_SafeLoader):  # type: ignore[misc, valid-type]
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
    return _read_table(path)


def _read_table(path: Path) -> Scenario:
    from . import table  # pandas, loaded only for the table formats

    return table.read_table(path)


_READERS: dict[str, Callable[[Path], Scenario]] = {
    ".yaml": lambda p: loads_yaml(read_text(p), str(p)),
    ".yml": lambda p: loads_yaml(read_text(p), str(p)),
    ".json": lambda p: loads_json(read_text(p), str(p)),
    ".csv": _read_csv,
    ".xlsx": _read_table,
    ".xml": lambda p: ktab.read_xml_text(read_text(p), str(p)),
}
