"""The command line: one Typer app (``app.py``); each command module adds its commands to it.

Start-up time is part of the interface (benchmarks/bench_cli.py): a command's module is imported
only when that command runs (``lazy.py``), and the command modules import the model, analysis,
report and web stacks inside the commands that use them. They do not use
``from __future__ import annotations`` -- Typer reads a command's signature when it builds it, and
string annotations would be re-evaluated (compiled) each time. Names needed only for type hints
sit under ``TYPE_CHECKING`` and are quoted.
"""

from __future__ import annotations

from .app import app


def main() -> None:
    """Entry point of the ``accord`` console script."""
    app()


__all__ = ["app", "main"]
