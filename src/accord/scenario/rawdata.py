"""Checks on parsed documents before the schema sees them: size, depth, numbers, text.

The JSON and YAML parsers, and pydantic after them, recurse once per nesting level, and YAML
aliases let a few hundred bytes stand for billions of values; so depth and expanded size are
measured first, on the text (JSON) or on YAML's node graph, where an alias is one shared node and
measuring costs no more than the text. Then :func:`clean` walks the parsed data once: it refuses
integers with more digits than ``max_int_digits``, non-finite floats and text that is not valid
Unicode (a lone surrogate, which JSON's ``\\ud800`` can spell but no UTF-8 file can hold).
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from ..errors import ScenarioError
from .limits import LimitError, current

_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)


def check_text_size(text: str | bytes, file: str | None) -> None:
    """Refuse a text longer (in UTF-8 bytes) than ``max_file_bytes`` before it is parsed."""
    size = len(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else len(text)
    if size > current().max_file_bytes:
        raise LimitError("max_file_bytes", size, "the file size in bytes", file=file)


def check_json_depth(text: str, file: str | None) -> None:
    """Refuse JSON nested deeper than ``max_depth`` before the (recursive) parser reads it."""
    limit = current().max_depth
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                line = text.count("\n", 0, match.start()) + 1
                raise LimitError("max_depth", depth, "the nesting depth", file=file, location=f"line {line}")
        elif token in "]}":
            depth -= 1


def check_yaml_events(text: str, loader: type, file: str | None) -> None:
    """Depth and number of YAML nodes as written, from the (non-recursive) event parser."""
    limits = current()
    depth = nodes = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > limits.max_depth:
                    raise LimitError(
                        "max_depth", depth, "the nesting depth", file=file, location=_mark(event)
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            if isinstance(event, yaml.NodeEvent):
                nodes += 1
                if nodes > limits.max_nodes:
                    raise LimitError(
                        "max_nodes", nodes, "the number of values", file=file, location=_mark(event)
                    )
    except yaml.YAMLError as exc:
        # PyYAML >= 6.0.4 stops flow collections nested past its own bound while scanning, before
        # the events above could count them; that is the same limit, past our lower one.
        if "nesting depth" in str(exc):
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else None
            raise LimitError(
                "max_depth", f"over {limits.max_depth}", "the nesting depth", file=file, location=where
            ) from None
        return  # the loader reports syntax errors with their own message


SCALAR_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null")}
COLLECTION_TAGS: dict[type[yaml.Node], str] = {
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}
ALLOWED_TAGS = "!!str, !!int, !!float, !!bool, !!null on text; !!seq on lists; !!map on mappings"


def check_yaml_graph(root: yaml.Node, file: str | None) -> dict[int, str]:
    """Tags, self-reference, expanded depth and expanded size of a composed YAML document.

    An alias is the very node its anchor names, so the graph has one node per value written, and
    a size memoised per node gives the expanded size (what the constructor and the schema would
    walk) without expanding anything. A node met again on the path from the root is an anchor
    used inside itself. Returns each node's field path (``actors.0.params``), by ``id``, for the
    constructor's messages.
    """
    limits = current()
    size: dict[int, int] = {}
    on_path: set[int] = set()
    paths: dict[int, str] = {}

    def visit(node: yaml.Node, depth: int, path: str) -> int:
        key = id(node)
        if key in size:
            return size[key]
        paths.setdefault(key, path)
        if key in on_path:
            raise ScenarioError(
                "an anchor is used inside itself (a self-referencing alias)",
                file=file,
                location=_where(node, paths),
                allowed="aliases (*name) to anchors (&name) defined and closed earlier",
            )
        if depth > limits.max_depth:
            raise LimitError(
                "max_depth",
                depth,
                "the nesting depth after expanding aliases",
                file=file,
                location=_where(node, paths),
            )
        _check_tag(node, file, paths)
        on_path.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            children = [(child, f"{path}.{n}") for n, child in enumerate(node.value)]
        elif isinstance(node, yaml.MappingNode):
            children = [
                pair
                for k, v in node.value
                for pair in ((k, path), (v, f"{path}.{k.value}" if isinstance(k, yaml.ScalarNode) else path))
            ]
        else:
            children = []
        for child, child_path in children:
            total += visit(child, depth + 1, child_path)
            if total > limits.max_nodes:
                raise LimitError(
                    "max_nodes",
                    total,
                    "the number of values after expanding aliases",
                    file=file,
                    location=_where(node, paths),
                )
        on_path.discard(key)
        size[key] = total
        return total

    visit(root, 1, "")
    return paths


def _check_tag(node: yaml.Node, file: str | None, paths: dict[int, str]) -> None:
    tag = node.tag
    allowed = COLLECTION_TAGS.get(type(node))
    if (allowed is None and tag in SCALAR_TAGS) or tag == allowed:
        if isinstance(node, yaml.ScalarNode) and tag.endswith(":int"):
            digits = sum(c.isdigit() for c in node.value)
            if digits > current().max_int_digits:
                raise LimitError(
                    "max_int_digits",
                    f"{digits} digits",
                    "an integer's length",
                    file=file,
                    location=_where(node, paths),
                )
        return
    kind = {yaml.ScalarNode: "text", yaml.SequenceNode: "a list", yaml.MappingNode: "a mapping"}[type(node)]
    raise ScenarioError(
        f"tag {_short(tag)} is not allowed on {kind}",
        file=file,
        location=_where(node, paths),
        allowed=ALLOWED_TAGS,
    )


def bad_scalar(node: yaml.Node, file: str | None, paths: dict[int, str]) -> ScenarioError:
    """The message for an explicitly tagged scalar its constructor cannot read (``!!int abc``)."""
    value = node.value if isinstance(node, yaml.ScalarNode) else None
    return ScenarioError(
        f"not a valid {_short(node.tag)} value",
        file=file,
        location=_where(node, paths),
        value=value,
        allowed={
            "int": "a whole number",
            "float": "a number",
            "bool": "true or false",
            "null": "null or ~",
        }.get(node.tag.rpartition(":")[2], ALLOWED_TAGS),
    )


def _short(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def _where(node: yaml.Node, paths: dict[int, str]) -> str | None:
    """The field path and the line of a node: ``actors.0.params.k (line 4, column 40)``."""
    path, mark = paths.get(id(node), "").lstrip("."), _mark(node)
    return f"{path} ({mark})" if path and mark else path or mark


def _mark(item: Any) -> str | None:
    mark = getattr(item, "start_mark", None)
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark else None


def clean(data: Any, file: str | None) -> Any:
    """The data unchanged, or a ScenarioError naming the first bad value's path."""
    limits = current()
    count = 0

    def walk(value: Any, path: tuple[str, ...]) -> None:
        nonlocal count
        count += 1
        if count > limits.max_nodes:
            raise LimitError("max_nodes", count, "the number of values", file=file, location=_path(path))
        if len(path) > limits.max_depth:
            raise LimitError("max_depth", len(path), "the nesting depth", file=file, location=_path(path))
        if isinstance(value, str):
            _text(value, path, file)
        elif isinstance(value, bool) or value is None:
            return
        elif isinstance(value, int):
            if value and math.log10(abs(value)) >= limits.max_int_digits:
                raise LimitError(
                    "max_int_digits",
                    f"{len(str(abs(value)))} digits",
                    "an integer's length",
                    file=file,
                    location=_path(path),
                )
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise ScenarioError(
                    "not a finite number",
                    file=file,
                    location=_path(path),
                    value=value,
                    allowed="a finite number",
                )
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k, path)
                walk(v, path + (str(k),))
        elif isinstance(value, (list, tuple)):
            for n, v in enumerate(value):
                walk(v, path + (str(n),))
        # dates and other typed values built in Python: the schema judges them

    walk(data, ())
    return data


def _text(text: str, path: tuple[str, ...], file: str | None) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ScenarioError(
            "text that is not valid Unicode (a lone surrogate)",
            file=file,
            location=_path(path),
            value=text,
            allowed="UTF-8 text",
        ) from None
    return text


def _path(path: tuple[str, ...]) -> str | None:
    return ".".join(path) or None
