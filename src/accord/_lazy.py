"""Lazy package attributes (PEP 562), so that importing a package costs only what is used.

A command-line tool pays every import on every start: ``accord --help`` must not load pandas,
SciPy, plotly or FastAPI because some other command needs them. Each package ``__init__`` lists
its public names with the submodule that defines them; the submodule is imported on first access
and the value cached in the package's namespace, so later look-ups are plain attribute reads.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_attributes(
    package: str, names: dict[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``; ``names`` maps a public name to its submodule
    (relative, e.g. ``".io"``)."""

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(names))

    return __getattr__, __dir__
