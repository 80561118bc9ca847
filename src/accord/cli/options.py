"""The options several commands share, declared once: their flags, types, checks and help.

A command states only what is its own (the default value, and for a repeatable ``--model`` what
"no model named" means for it). Typer reads these ``Annotated`` aliases from the signatures, so a
flag, its short form or its check (``--seed`` refused before any work) cannot drift between commands.
"""

from pathlib import Path
from typing import Annotated

import typer

from ..scenario.formats import READ_FORMATS
from .app import checked_seed

ScenarioArg = Annotated[
    str, typer.Argument(help="A scenario file (" + READ_FORMATS + ") or a shipped example name.")
]

ModelOpt = Annotated[str, typer.Option("--model", "-m", help="Model name (see `accord models`).")]


def models_option(default: str, every: bool = True) -> object:
    """The repeatable ``--model/-m`` of a command whose default (no model named) is ``default``;
    ``every``: the command also takes ``all`` (every registered model)."""
    names = "Model name (repeatable), or all" if every else "Model name (repeatable)"
    return Annotated[list[str] | None, typer.Option("--model", "-m", help=f"{names}; default: {default}.")]


SEED_HELP = (
    "Seed of the random generator: the same seed gives the same numbers on any machine, serial or on Dask."
)
SeedOpt = Annotated[int, typer.Option(callback=checked_seed, help=SEED_HELP)]


def _optional_seed(value: int | None) -> int | None:
    return None if value is None else checked_seed(value)


# A seed that may be left out (None), e.g. where a saved game carries its own.
OptionalSeedOpt = Annotated[
    int | None, typer.Option("--seed", callback=_optional_seed, help=SEED_HELP + " Default: 0 for a new run.")
]
ParamOpt = Annotated[
    list[str] | None, typer.Option("--param", "-p", help="Model parameter key=value (repeatable).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
DrawsOpt = Annotated[int, typer.Option(help="Number of Monte Carlo draws.")]
NoiseOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--noise",
        help="Noise sizes, e.g. position=0.05,salience=10,capability=0.2, or none "
        "(see docs/explanation/analysis.md).",
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")]
SchedulerOpt = Annotated[str | None, typer.Option(help="Address of a running dask.distributed scheduler.")]
WorkersOpt = Annotated[int | None, typer.Option(help="Start a local Dask cluster with N worker processes.")]
JobsOpt = Annotated[
    int | None,
    typer.Option(
        help="Worker processes for the case-by-case model runs (default: one per CPU; 1 = none). Scores "
        "do not depend on it."
    ),
]
StoreOpt = Annotated[
    Path | None,
    typer.Option(help="Run store file (default: $ACCORD_STORE or ~/.local/share/accord/runs.sqlite)."),
]
NoStoreOpt = Annotated[bool, typer.Option("--no-store", help="Do not record the runs in the run store.")]
WhatifDrawsOpt = Annotated[int, typer.Option(min=0, help="Draws per shipped what-if variant (0: none).")]
PivotalModelOpt = Annotated[
    str | None,
    typer.Option(
        "--pivotal-model",
        help="Model of the intervals and pivotal actors; default: weighted-mean, "
        "the most accurate on the DEU backtest.",
    ),
]
DeuFileArg = Annotated[
    str, typer.Argument(help="A DEU-layout file (tab-separated, p<actor>/s<actor>, rp, out).")
]

__all__ = [
    "SEED_HELP",
    "DeuFileArg",
    "DrawsOpt",
    "JobsOpt",
    "JsonOpt",
    "ModelOpt",
    "NoStoreOpt",
    "NoiseOpt",
    "OptionalSeedOpt",
    "ParamOpt",
    "PivotalModelOpt",
    "QuietOpt",
    "ScenarioArg",
    "SchedulerOpt",
    "SeedOpt",
    "StoreOpt",
    "WhatifDrawsOpt",
    "WorkersOpt",
    "models_option",
]
