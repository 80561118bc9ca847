"""The command table of cli/lazy.py against the commands themselves.

``accord --help`` lists the commands from that table without importing their modules, so the
table must name every registered command, in each one's own module, with the first paragraph of
its own help; and the help printed from it must be the one Typer prints from the commands.
"""

from __future__ import annotations

import importlib
import inspect

import typer
import typer.main
from typer.core import TyperGroup
from typer.testing import CliRunner

from accord.cli import app
from accord.cli.lazy import COMMANDS, LazyGroup


def _every_command() -> dict[str, typer._click.Command]:
    for module in {entry.module for entry in COMMANDS.values()}:
        importlib.import_module(f"accord.cli.{module}")
    group = typer.main.get_command(app)
    ctx = typer._click.Context(group)
    group.get_command(ctx, "no-such-command")  # an unknown name loads every module
    return dict(group.commands)


def _first_paragraph(text: str) -> str:
    return " ".join(text.split("\n\n")[0].split())


def test_the_table_names_every_registered_command_in_its_module_with_its_help():
    commands = _every_command()
    assert set(commands) == set(COMMANDS)
    for name, command in commands.items():
        entry = COMMANDS[name]
        assert command.help is not None and _first_paragraph(command.help) == entry.help, name
        callback = command.callback if not isinstance(command, TyperGroup) else None
        if callback is not None:  # Typer wraps the function; the wrapped one names its module
            assert inspect.unwrap(callback).__module__ == f"accord.cli.{entry.module}", name
    registered = {
        typer.main.get_command_name(i.callback.__name__) if not i.name else i.name
        for i in app.registered_commands
        if i.callback
    }
    assert registered | {g.name for g in app.registered_groups} == set(COMMANDS)


def test_help_from_the_table_is_typers_help_from_the_commands():
    commands = _every_command()
    lazy = typer.main.get_command(app)
    assert isinstance(lazy, LazyGroup)
    for width in (60, 80, 120):
        ctx = typer._click.Context(lazy, terminal_width=width, max_content_width=width)
        from_table = typer._click.HelpFormatter(width=width)
        lazy.format_commands(ctx, from_table)
        eager = TyperGroup(name="accord", commands={name: commands[name] for name in COMMANDS})
        from_commands = typer._click.HelpFormatter(width=width)
        eager.format_commands(ctx, from_commands)
        assert from_table.getvalue() == from_commands.getvalue()


def test_a_command_runs_and_a_typo_is_answered_with_the_near_names():
    runner = CliRunner()
    done = runner.invoke(app, ["examples"])
    assert done.exit_code == 0 and "afghanistan-2013" in done.output
    done = runner.invoke(app, ["pivotl"])
    assert done.exit_code == 2 and "Did you mean 'pivotal'?" in done.output
    done = runner.invoke(app, ["runs", "--help"])
    assert done.exit_code == 0 and "export" in done.output
