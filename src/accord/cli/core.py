"""Core commands: forecast, run, validate, convert, models, examples."""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..scenario.formats import READ_FORMATS, WRITE_FORMATS
from .app import app, console, err_console, fail_on_errors, new_table, show
from .options import (
    JsonOpt,
    ModelOpt,
    NoStoreOpt,
    ParamOpt,
    PivotalModelOpt,
    ScenarioArg,
    SeedOpt,
    WhatifDrawsOpt,
    models_option,
)
from .text import print_issue_legend, show_columns

if TYPE_CHECKING:
    from ..models.base import Model
    from ..scenario.schema import Scenario

# Imports of the model and scenario stack happen inside the commands: `accord --help` and
# `accord validate` must not pay for NumPy, pandas or SciPy (see benchmarks/bench_cli.py).

ForecastModelsOpt = models_option(
    "every baseline (tag baseline), and the agents simulator when the scenario has a negotiation"
)


def build_model(name: str, scenario: "Scenario", params: dict[str, Any] | None = None) -> "Model":
    """The registry's model builder, imported on first use."""
    from ..models import build_model as build

    return build(name, scenario, params)


def load(source: str) -> "Scenario":
    """A scenario file or shipped example, with the scenario stack imported on first use."""
    from ..scenario import load as load_scenario

    return load_scenario(source)


def model_names(requested: list[str] | None, default: list[str]) -> list[str]:
    """The models a command runs: ``default`` when none is named; ``all`` means every registered
    model (in the registry's order); a name given twice runs once."""
    if not requested:
        return list(default)
    names: list[str] = []
    for name in requested:
        if name == "all":
            from ..models import list_models

            names += list(list_models())
        else:
            names.append(name)
    return list(dict.fromkeys(names))


@app.command()
@fail_on_errors
def forecast(
    scenario: ScenarioArg,
    model: ForecastModelsOpt = None,
    seed: SeedOpt = 0,
    as_json: JsonOpt = False,
    draws: Annotated[
        int,
        typer.Option(
            min=0,
            help="Monte Carlo draws for the deal probabilities, 80% intervals and "
            "pivotal actors (0: point forecasts only, no answer block).",
        ),
    ] = 500,
    whatif_draws: WhatifDrawsOpt = 200,
    chosen: PivotalModelOpt = None,
    no_store: NoStoreOpt = False,
) -> None:
    """The answer first: deal or no deal, when, on what terms, who is pivotal, what changes it."""
    from ..analysis.forecast import default_models, forecast_json
    from ..analysis.forecast import forecast as forecast_summary
    from .analysis import sweep_context
    from .answer import print_summary, print_uncertainty

    sc = load(scenario)
    names = model_names(model, default_models(sc))
    with sweep_context(None, no_store or not draws, False, None, None) as how:
        summary = forecast_summary(sc, names, seed, draws, whatif_draws, chosen, mc_kwargs=how)
    if as_json:
        print(json.dumps(forecast_json(summary), indent=2, default=str))
        return
    if draws:
        print_summary(summary)
    columns = {"range": [f"{iss.min:g}-{iss.max:g}" for iss in sc.issues]}
    for m, r in summary.results.items():
        columns[m] = [iss.with_units(r.forecast_of(iss.id), short=True) for iss in sc.issues]
    show_columns(
        f"{sc.title or sc.name}: point forecast per issue (seed {seed})",
        "issue",
        [i.label() for i in sc.issues],
        columns,
    )
    print_issue_legend(sc)
    if not draws:
        for m, why in summary.skipped.items():
            console.print(f"[dim]{m}: not run ({why})[/]")
    if summary.intervals is not None:
        print_uncertainty(summary)


@app.command()
@fail_on_errors
def run(
    scenario: ScenarioArg,
    model: ModelOpt,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for forecast.csv, history.csv, run.json, ...")
    ],
    seed: SeedOpt = 0,
    param: ParamOpt = None,
) -> None:
    """Run one model and write its trajectory, forecast and metadata to a folder."""
    from ..models import parse_params
    from ..models.output import write_result

    sc = load(scenario)
    result = build_model(model, sc, parse_params(param or [])).run(sc, seed)
    files = write_result(result, out)
    print(f"{model} on {sc.name}: wrote " + ", ".join(str(f) for f in files))  # plain: Rich costs ~25 ms


@app.command()
@fail_on_errors
def validate(file: Annotated[str, typer.Argument(help="A scenario file or example name.")]) -> None:
    """Check a scenario file; print a summary or one clear error (exit code 2)."""
    sc = load(file)
    # plain text: this line is the whole output, and loading Rich for it would cost ~25 ms
    print(
        f"ok {file}: scenario {sc.name!r}, {len(sc.actors)} actors, {len(sc.issues)} issues, "
        f"{len(sc.events)} events"
    )


@app.command()
@fail_on_errors
def convert(
    source: Annotated[str, typer.Argument(help="Input scenario (" + READ_FORMATS + ") or example name.")],
    target: Annotated[Path, typer.Argument(help="Output file (" + WRITE_FORMATS + "), written atomically.")],
) -> None:
    """Convert a scenario between formats (the output type follows the file extension)."""
    from ..scenario import save
    from ..scenario.io import lost_in

    sc = load(source)
    save(sc, target)
    console.print(f"wrote {target}")
    lost = lost_in(sc, target)
    if lost:
        err_console.print(
            f"[yellow]warning:[/] {target.suffix} is a long table (actors, issues, stances); it does not "
            f"keep {', '.join(lost)}; keep YAML or JSON as the master copy",
            highlight=False,
            soft_wrap=True,
        )


@app.command("models")
def models_cmd() -> None:
    """List the registered models with their tags."""
    from ..models import list_models

    title = "models"
    table = new_table()
    for col in ("name", "tags", "summary"):
        table.add_column(col)
    for name, cls in list_models().items():
        table.add_row(name, ", ".join(sorted(cls.tags)), cls.summary)
    show(table, title)


@app.command()
@fail_on_errors
def examples() -> None:
    """List the shipped example scenarios (usable by name wherever a scenario is asked for)."""
    from ..scenario import example_names

    title = "examples"
    table = new_table()
    for col in ("name", "title", "actors", "issues"):
        table.add_column(col)
    for name in example_names():
        sc = load(name)
        table.add_row(name, sc.title, str(len(sc.actors)), str(len(sc.issues)))
    show(table, title)


__all__ = ["build_model", "load", "model_names"]
