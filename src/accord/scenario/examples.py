"""The scenarios shipped with accord, loadable by name."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_DIR = resources.files("accord.scenario") / "examples"


def example_names() -> list[str]:
    """The names of the shipped example scenarios, sorted."""
    return sorted(p.name.removesuffix(".yaml") for p in _DIR.iterdir() if p.name.endswith(".yaml"))


def is_example(name: str) -> bool:
    """Whether ``name`` names a shipped example (so it can be loaded without a path)."""
    return name in example_names()


def example_path(name: str) -> Path:
    """The file of a shipped example, as a real path."""
    return Path(str(_DIR / f"{name}.yaml"))
