"""Scenarios as YAML: the safe reader with its checks on the node graph, and the writer.

PyYAML (with these classes) is imported only by what reads or writes YAML, so reading a CSV or
JSON scenario -- `accord validate` or `accord run` on a KTAB file -- does not pay for it.
The checks run before anything is constructed: depth and number of nodes on the event stream,
then tags, self-reference and expanded size on the composed graph (see :mod:`.rawdata`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from ..errors import ScenarioError
from .limits import LimitError, current
from .rawdata import check_text_size, clean

if TYPE_CHECKING:
    from .schema import Scenario


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
    """The scenario as YAML with only the fields that differ from their defaults, name first."""
    data = scenario.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    data = {"name": scenario.name, **data}
    return yaml.dump(data, Dumper=_ScenarioDumper, sort_keys=False, allow_unicode=True, width=100)


# libyaml's parser where PyYAML was built with it: the pure-Python parser takes about a quarter
# of a second on the Afghanistan scenario, which `accord validate` would pay on every start.
if TYPE_CHECKING:
    _SafeLoader = yaml.SafeLoader  # what the checker sees: CSafeLoader offers the same interface
else:
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ScenarioLoader(_SafeLoader):
    """Safe YAML that refuses duplicate keys and leaves dates as text.

    A repeated key would silently drop a stance; and PyYAML's own date parsing raises a bare
    ValueError on an impossible date (2013-02-30), so dates go to the schema, which names the field.
    """

    file: str | None = None
    paths: dict[int, str] = {}  # field path of each node, from check_yaml_graph

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # Tags were checked (check_yaml_graph); a tagged scalar its constructor cannot read
        # (`!!int abc`, `!!bool maybe`, `!!int ""`) raises a bare Python error: name the node.
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, KeyError, IndexError, OverflowError):
            raise bad_scalar(node, self.file, self.paths) from None

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


def parse_yaml(text: str, file: str | None = None) -> Any:
    """YAML text to plain data within the limits (depth, aliases, tags, numbers), or a ScenarioError."""
    check_text_size(text, file)
    check_yaml_events(text, _ScenarioLoader, file)
    loader = None
    try:
        loader = _ScenarioLoader(text)
        loader.file = file
        node = loader.get_single_node()
        if node is None:
            return None
        loader.paths = check_yaml_graph(node, file)
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(f"not valid YAML: {problem}", file=file, location=where) from None
    finally:
        if loader is not None:
            loader.dispose()
    return clean(data, file)
