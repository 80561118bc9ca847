"""Write docs/reference/cli.md from the Typer app itself (run after changing a command or an option).

``PYTHONPATH=src python scripts/build_cli_reference.py``; tests/test_docs.py fails while the committed
file differs from what this writes. Every command, its help, its arguments and options (flags, type,
default, help, exactly as `--help` prints them) are read from the click command Typer builds, so the page cannot drift from the CLI
(NegMAS generates its CLI reference from its Typer app the same way). Typer ships its own copy of
click, so the objects are read by their attributes, not checked against click's classes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import typer

TARGET = Path(__file__).resolve().parents[1] / "docs" / "reference" / "cli.md"
HEADER = """# Command-line reference

Generated from the Typer app by `scripts/build_cli_reference.py` (a test fails when this page and the
CLI differ). `accord COMMAND --help` prints the same. Every command exits with code 2 and one message
on bad input. Options shared by several commands (`--model`, `--seed`, `--json`, `--draws`, ...) are
declared once in `src/accord/cli/options.py`.
"""


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _usage(path: str, cmd: Any, ctx: Any) -> str:
    pieces = [re.sub(r"\{(\w+)\}", lambda m: m.group(1).upper(), p) for p in cmd.collect_usage_pieces(ctx)]
    return " ".join([path, *pieces])


def _command(path: str, cmd: Any, out: list[str]) -> None:
    if hasattr(cmd, "list_commands"):
        out += [f"## `{path}`", "", _cell(cmd.help or ""), ""]
        ctx = typer.Context(cmd, info_name=path)
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                _command(f"{path} {name}", sub, out)
        return
    ctx = typer.Context(cmd, info_name=path)
    records = [p.get_help_record(ctx) for p in cmd.get_params(ctx) if p.name != "help"]
    out += [f"## `{path}`", "", "```text", _usage(path, cmd, ctx), "```", ""]
    out += [line.rstrip() for line in (cmd.help or "").strip().splitlines()] + [""]
    rows = [r for r in records if r is not None]
    if rows:
        out += ["| argument / option | help |", "|---|---|"]
        out += [f"| `{_cell(flags)}` | {_cell(text)} |" for flags, text in rows]
        out.append("")


def cli_markdown() -> str:
    """The whole CLI reference as Markdown: one section per command, in the app's order."""
    from accord.cli import app

    group = typer.main.get_command(app)
    out = [HEADER, ""]
    ctx = typer.Context(group)
    out += ["| command | what it does |", "|---|---|"]
    names = group.list_commands(ctx)
    for name in names:
        cmd = group.get_command(ctx, name)
        if cmd is not None:
            out.append(f"| [`accord {name}`](#accord-{name}) | {_cell(cmd.get_short_help_str(200))} |")
    out.append("")
    for name in names:
        cmd = group.get_command(ctx, name)
        if cmd is not None and not cmd.hidden:
            _command(f"accord {name}", cmd, out)
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    from accord.files import atomic_write_text

    atomic_write_text(TARGET, cli_markdown())
    print(f"wrote {TARGET}", file=sys.stderr)
