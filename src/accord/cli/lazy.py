"""Commands loaded on demand: the command line imports only the module of the command it runs.

Importing every command module up front cost each start ~25 ms (their Typer signatures, option
tables and imports) whether or not the command was used. The group below knows each command's
module and the first paragraph of its help from one table, so ``accord --help`` lists them all
without importing any, and ``accord NAME`` imports one module (the pattern of click's
"lazily loading subcommands" recipe). tests/test_cli_lazy.py checks that the table matches the
commands' own help, so it cannot drift from them.
"""

from __future__ import annotations

import importlib
from typing import Any, NamedTuple

from typer import _click
from typer.core import TyperGroup
from typer.main import get_command_from_info, get_command_name, get_group_from_info


class Entry(NamedTuple):
    """Where a command lives, and the first paragraph of its help (what ``--help`` lists)."""

    module: str
    help: str


# In the order ``accord --help`` lists them (the order they were registered in when every module
# was imported at start-up).
COMMANDS: dict[str, Entry] = {
    "forecast": Entry(
        "core",
        "The answer first: deal or no deal, when, on what terms, who is pivotal, what changes it.",
    ),
    "run": Entry("core", "Run one model and write its trajectory, forecast and metadata to a folder."),
    "validate": Entry("core", "Check a scenario file; print a summary or one clear error (exit code 2)."),
    "convert": Entry(
        "core",
        "Convert a scenario between formats (the output type follows the file extension).",
    ),
    "models": Entry("core", "List the registered models with their tags."),
    "examples": Entry(
        "core",
        "List the shipped example scenarios (usable by name wherever a scenario is asked for).",
    ),
    "montecarlo": Entry(
        "analysis",
        "Forecast intervals from many perturbed draws of the inputs (and P(agreement) where defined).",
    ),
    "whatif": Entry(
        "analysis",
        "Run variants (patches) against the base on the same random draws; show the differences.",
    ),
    "pivotal": Entry(
        "analysis",
        "Rank actors by how much they move each issue's forecast (remove, shift, Shapley share).",
    ),
    "schema": Entry(
        "authoring",
        "Print the JSON Schema of a scenario file (every field; see docs/reference/scenario.md).",
    ),
    "new": Entry("authoring", "Write a commented scenario template to start from (valid as written)."),
    "backtest": Entry(
        "backtest",
        "Score models on real decisions: point errors, CRPS, log score, coverage, PIT, "
        "bootstrap differences.",
    ),
    "ensemble-fit": Entry(
        "ensemble",
        "Fit the ensemble's gate on every issue of FILE (penalty chosen by CV grouped by proposal) "
        "and write it.",
    ),
    "ingest": Entry(
        "ingest",
        "Code news stories into PLOVER events (who did what to whom) and propose scenario updates.",
    ),
    "ingest-eval": Entry(
        "ingest",
        "Score the event coder on gold-standard sentences: top-1 type accuracy, source accuracy, per class.",
    ),
    "play": Entry(
        "play",
        "Play one party of a scenario against the model's agents; type `help` at the prompt.",
    ),
    "report": Entry(
        "report",
        "Write one self-contained HTML report (opens offline) with forecasts, charts and assumptions.",
    ),
    "serve": Entry("serve", "Serve the web dashboard (and its JSON API, documented at /docs) until Ctrl-C."),
    "runs": Entry("runs", "The run store: list, show and export recorded runs."),
}


class LazyGroup(TyperGroup):
    """accord's top-level group: lists every command from ``COMMANDS``, builds one when asked."""

    def list_commands(self, ctx: _click.Context) -> list[str]:
        """Every command, loaded or not."""
        return list(COMMANDS)

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        """The command, its module imported on first use."""
        if cmd_name not in self.commands:
            entry = COMMANDS.get(cmd_name)
            # An unknown name loads every module, so that Typer's "Did you mean ...?" sees them all.
            for module in {entry.module} if entry else {e.module for e in COMMANDS.values()}:
                self.load(module)
        return self.commands.get(cmd_name)

    def load(self, module: str) -> None:
        """Import ``accord.cli.<module>`` and add the commands it registers on the app."""
        from .app import app

        importlib.import_module(f"{__package__}.{module}")
        how: dict[str, Any] = {
            "pretty_exceptions_short": app.pretty_exceptions_short,
            "rich_markup_mode": app.rich_markup_mode,
        }
        for info in app.registered_commands:
            if info.callback and (info.name or get_command_name(info.callback.__name__)) not in self.commands:
                self.add_command(get_command_from_info(info, **how))
        for group_info in app.registered_groups:
            if group_info.name not in self.commands:
                self.add_command(
                    get_group_from_info(group_info, suggest_commands=self.suggest_commands, **how)
                )

    def format_commands(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        """The command list of ``--help``, from the table (no command module is imported)."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, _click.utils.make_default_short_help(e.help, limit)) for name, e in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


__all__ = ["COMMANDS", "Entry", "LazyGroup"]
