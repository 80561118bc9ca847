"""Checks on parsed documents before the schema sees them: size, depth, numbers, text.

The JSON and YAML parsers, and pydantic after them, recurse once per nesting level, and YAML
aliases let a few hundred bytes stand for billions of values; so depth and expanded size are
measured first, on the text (JSON, here) or on YAML's node graph (in :mod:`.yamltext`, with the
rest of YAML, which only YAML files pay for), where an alias is one shared node and measuring
costs no more than the text. Then :func:`clean` walks the parsed data once: it refuses
integers with more digits than ``max_int_digits``, non-finite floats and text that is not valid
Unicode (a lone surrogate, which JSON's ``\\ud800`` can spell but no UTF-8 file can hold).
"""

from __future__ import annotations

import math
import re
from typing import Any

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
