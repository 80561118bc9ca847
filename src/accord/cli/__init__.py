"""The command line: every module in this package adds its commands to one Typer app.

Start-up time is part of the interface (benchmarks/bench_cli.py): the command modules import the
model, analysis, report and web stacks inside the commands that use them, and do not use
``from __future__ import annotations`` -- Typer reads every command's signature on each start, and
string annotations would be re-evaluated (compiled) each time. Names needed only for type hints
sit under ``TYPE_CHECKING`` and are quoted.
"""

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
    """Entry point of the ``accord`` console script."""
    app()


__all__ = ["app", "main"]
