"""Core commands: forecast, run, validate, convert, models, examples."""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import AccordError, UnsupportedScenario
from ..scenario.formats import READ_FORMATS, WRITE_FORMATS
from .app import (
    PivotalModelOpt,
    WhatifDrawsOpt,
    app,
    checked_seed,
    console,
    err_console,
    fail_on_errors,
    new_table,
    show,
)
from .text import print_issue_legend, show_columns

if TYPE_CHECKING:
    from ..models.base import Model, Result
    from ..scenario.schema import Scenario

# Imports of the model and scenario stack happen inside the commands: `accord --help` and
# `accord validate` must not pay for NumPy, pandas or SciPy (see benchmarks/bench_cli.py).

ScenarioArg = Annotated[
    str, typer.Argument(help="A scenario file (" + READ_FORMATS + ") or a shipped example name.")
]
BASELINES = ("weighted-mean", "weighted-median", "nash", "status-quo")


def build_model(name: str, scenario: "Scenario", params: dict[str, Any] | None = None) -> "Model":
    """The registry's model builder, imported on first use."""
    from ..models import build_model as build

    return build(name, scenario, params)


def load(source: str) -> "Scenario":
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


def run_models(
    scenario: "Scenario", names: list[str], seed: int
) -> "tuple[dict[str, Result], dict[str, str]]":
    """Run each model; a model that cannot run this scenario is reported, not fatal."""
    results: dict[str, Result] = {}
    skipped: dict[str, str] = {}
    for name in names:
        try:
            results[name] = build_model(name, scenario).run(scenario, seed)
        except UnsupportedScenario as exc:
            skipped[name] = str(exc)
    return results, skipped


@app.command()
@fail_on_errors
def forecast(
    scenario: ScenarioArg,
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            "-m",
            help="Model name (repeatable), or all; default: every baseline, and the agents simulator "
            "when the scenario has a negotiation.",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(callback=checked_seed, help="Seed of the random generator.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
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
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not record the Monte Carlo runs.")] = False,
) -> None:
    """The answer first: deal or no deal, when, on what terms, who is pivotal, what changes it."""
    from ..analysis.summary import build_summary
    from .analysis import sweep_context

    sc = load(scenario)
    names = model_names(model, default_models(sc))
    if chosen is not None and chosen not in names:
        names.append(chosen)
    with sweep_context(None, no_store or not draws, False, None, None) as how:
        summary = build_summary(
            sc, names, seed, draws, whatif_draws, chosen, mc_kwargs=how, pivotal=_pivotal if draws else None
        )
    if not summary.results:
        raise UnsupportedScenario("; ".join(summary.skipped.values()))
    results, skipped = summary.results, summary.skipped
    first = next(iter(results))
    if as_json:
        issues = []
        for iss in sc.issues:
            by_model = {m: r.forecast_of(iss.id) for m, r in results.items()}
            issues.append(
                {
                    "issue": iss.id,
                    "name": iss.name,
                    "forecast": by_model[first],
                    "by_model": by_model,
                    "min": iss.min,
                    "max": iss.max,
                    "status_quo": iss.status_quo,
                    **_units_json(iss, by_model),
                }
            )
        extra = _uncertainty_json(summary) if draws else {}
        print(
            json.dumps(
                {
                    "scenario": sc.name,
                    "model": first,
                    "models": list(results),
                    "seed": seed,
                    "issues": issues,
                    "skipped": skipped,
                    **extra,
                },
                indent=2,
                default=str,
            )
        )
        return
    from .answer import print_summary, print_uncertainty

    if draws:
        print_summary(summary)
    columns = {"range": [f"{iss.min:g}-{iss.max:g}" for iss in sc.issues]}
    for m, r in results.items():
        columns[m] = [iss.with_units(r.forecast_of(iss.id), short=True) for iss in sc.issues]
    show_columns(
        f"{sc.title or sc.name}: point forecast per issue (seed {seed})",
        "issue",
        [i.label() for i in sc.issues],
        columns,
    )
    print_issue_legend(sc)
    if not draws:
        for m, why in skipped.items():
            console.print(f"[dim]{m}: not run ({why})[/]")
    if summary.intervals is not None:
        print_uncertainty(summary)


def default_models(scenario: "Scenario") -> list[str]:
    """Every baseline, and the simulator when the scenario has a negotiation to simulate."""
    return list(BASELINES) + (["agents"] if scenario.negotiation is not None else [])


def _pivotal(scenario: "Scenario", model: "Model", seed: int):
    from ..analysis.pivotal import pivotal_actors

    return pivotal_actors(scenario, model, seed=seed, method=("shapley",))


def _uncertainty_json(summary) -> dict[str, Any]:
    """What the draws add to the JSON: intervals and pivotal actors of the chosen model, the answer."""
    from ..jsonable import jsonable

    out: dict[str, Any] = {
        "draws": summary.draws,
        "uncertainty_model": summary.chosen,
        "run_id": summary.chosen_mc.run_id if summary.chosen_mc is not None else None,
    }
    if summary.intervals is not None:
        out["intervals"] = summary.intervals[["issue", "median", "p10", "p90"]].to_dict(orient="records")
    if summary.pivotal is not None:
        top = summary.pivotal[summary.pivotal["rank"] <= 3].sort_values(["issue", "rank"])
        out["pivotal"] = top[["issue", "actor", "effect", "rank"]].to_dict(orient="records")
    if summary.deal is not None:
        out["p_agreement"] = summary.deal.p_any
        out["p_full_agreement"] = summary.deal.p_full
    out["answer"] = summary.to_json()
    return jsonable(out)


def _units_json(issue, by_model: dict[str, float]) -> dict[str, Any]:
    """The forecasts in the issue's declared unit, for JSON output (nothing without a unit)."""
    if issue.unit is None:
        return {}
    out: dict[str, Any] = {"unit": issue.unit.model_dump(mode="json", exclude_none=True)}
    out["in_units"] = {m: issue.in_units(x) for m, x in by_model.items()}
    if issue.unit.per_point is not None:
        out["value_in_units"] = {m: issue.unit.value(x) for m, x in by_model.items()}
    return out


@app.command()
@fail_on_errors
def run(
    scenario: ScenarioArg,
    model: Annotated[str, typer.Option("--model", "-m", help="Model name (see `accord models`).")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for forecast.csv, history.csv, run.json, ...")
    ],
    seed: Annotated[int, typer.Option(callback=checked_seed, help="Seed of the random generator.")] = 0,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="Model parameter key=value (repeatable).")
    ] = None,
) -> None:
    """Run one model and write its trajectory, forecast and metadata to a folder."""
    from ..models import parse_params
    from ..models.output import write_result

    sc = load(scenario)
    result = build_model(model, sc, parse_params(param or [])).run(sc, seed)
    files = write_result(result, out)
    console.print(f"{model} on {sc.name}: wrote " + ", ".join(str(f) for f in files))


@app.command()
@fail_on_errors
def validate(file: Annotated[str, typer.Argument(help="A scenario file or example name.")]) -> None:
    """Check a scenario file; print a summary or one clear error (exit code 2)."""
    sc = load(file)
    console.print(
        f"[green]ok[/] {file}: scenario {sc.name!r}, {len(sc.actors)} actors, {len(sc.issues)} issues, "
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


__all__ = ["AccordError", "BASELINES", "build_model", "run_models"]
