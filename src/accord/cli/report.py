"""`accord report`: write the self-contained HTML report of a scenario."""

from pathlib import Path
from typing import Annotated

import typer

from .app import PivotalModelOpt, WhatifDrawsOpt, app, checked_seed, console, fail_on_errors
from .core import ScenarioArg, model_names


@app.command()
@fail_on_errors
def report(
    scenario: ScenarioArg,
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model", "-m", help="Model name (repeatable), or all; default: every registered model."
        ),
    ] = None,
    draws: Annotated[
        int, typer.Option(min=0, help="Monte Carlo draws per model for the intervals (0: none).")
    ] = 100,
    answer_draws: Annotated[
        int,
        typer.Option(
            min=0,
            help="Draws of the chosen and the negotiation model for the "
            "answer block (deal probabilities, their intervals).",
        ),
    ] = 500,
    whatif_draws: WhatifDrawsOpt = 200,
    chosen: PivotalModelOpt = None,
    seed: Annotated[int, typer.Option(callback=checked_seed, help="Seed of the random generator.")] = 0,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="The HTML file to write; default: <scenario>-report.html."),
    ] = None,
    backtest: Annotated[
        Path | None,
        typer.Option(
            help="A backtest record (`accord backtest FILE --out RECORD`) for the calibration section; "
            "default: the record shipped with accord (DEU III development split)."
        ),
    ] = None,
) -> None:
    """Write one self-contained HTML report (opens offline) with forecasts, charts and assumptions."""
    from ..analysis.calibration import read_record
    from ..files import atomic_write_text
    from ..models import get_model
    from ..report import collect, render
    from ..scenario import load

    sc = load(scenario)
    record = None if backtest is None else read_record(backtest)  # a bad record fails before any work
    names = model_names(model, [])
    if chosen is not None and names and chosen not in names:
        names.append(chosen)
    for name in [*names, *([chosen] if chosen else [])]:
        get_model(name)  # an unknown name fails here, before any work
    target = output or Path(f"{sc.name}-report.html")
    html = render(
        collect(
            sc,
            names or None,
            draws=draws,
            seed=seed,
            answer_draws=answer_draws if draws else 0,
            whatif_draws=whatif_draws,
            chosen=chosen,
            record=record,
        )
    )
    atomic_write_text(target, html)
    console.print(f"report written to {target.resolve()}", highlight=False, soft_wrap=True)
