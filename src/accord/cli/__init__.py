"""The command line: every module in this package adds its commands to one Typer app."""

from __future__ import annotations

import importlib
import pkgutil

from .app import app


def _load_commands() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name != "app":
            importlib.import_module(f"{__name__}.{info.name}")


_load_commands()


def main() -> None:
    app()


__all__ = ["app", "main"]
