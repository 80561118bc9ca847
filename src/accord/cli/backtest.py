"""`accord backtest`: score models against the known outcomes of a DEU-layout file."""


import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ..scenario.errors import AccordError, ParameterError
from ..scenario.eu_council import CAPABILITIES
from .app import app, console, err_console, fail_on_errors, new_table, show

if TYPE_CHECKING:
    from ..models.base import Model


def default_models() -> "tuple[list[Model], dict[str, str]]":
    """Every registered model that builds with its default parameters; the others with the reason."""
    from ..models import list_models, make_model

    models, left_out = [], {}
    for name in list_models():
        try:
            models.append(make_model(name))
        except AccordError as exc:
            left_out[name] = str(exc)
    return models, left_out


@app.command()
@fail_on_errors
def backtest(
    file: Annotated[str, typer.Argument(help="A DEU-layout file (tab-separated, p<actor>/s<actor>, rp, out).")],
    model: Annotated[Optional[list[str]], typer.Option("--model", "-m", help="Model name (repeatable); default: every registered model.")] = None,
    capability: Annotated[str, typer.Option(help="Actor capability: " + ", ".join(CAPABILITIES) + ", or all (every model under each; the CV combinations mix them).")] = "equal",
    folds: Annotated[int, typer.Option(help="Cross-validation folds, grouped by proposal.")] = 10,
    seed: Annotated[int, typer.Option(help="Seed of the random generator (stochastic models).")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    out: Annotated[Optional[Path], typer.Option(help="Also write the whole record (settings, scores, CV weights) as JSON here.")] = None,
    jobs: Annotated[Optional[int], typer.Option(help="Worker processes for the case-by-case model runs (default: one per CPU; 1 = none). Scores do not depend on it.")] = None,
) -> None:
    """Score models on real decisions: MAE, RMSE, share within 10 points, 80% interval coverage."""
    import numpy as np

    from ..analysis.backtest import backtest as run_backtest
    from ..analysis.backtest import run_record
    from ..files import atomic_write_text
    from ..models import make_model
    from ..scenario.deu import read_deu

    if folds < 2:
        raise ParameterError(f"--folds must be at least 2 (got {folds}); allowed: an integer >= 2")
    options = list(CAPABILITIES) if capability == "all" else [capability]
    variants = {c: read_deu(file, c) for c in options}
    data = variants[options[0]]
    if not data.cases:
        raise AccordError(f"{file}: no issue with an outcome and a salience to score")
    if model:
        models, left_out = [make_model(m) for m in model], {}
    else:
        models, left_out = default_models()
    rows, weights = run_backtest(models, {c: d.cases for c, d in variants.items()}, np.random.default_rng(seed), folds,
                                  os.cpu_count() if jobs is None else jobs)
    if out is not None:
        digest = hashlib.sha256(Path(file).read_bytes()).hexdigest()
        record = run_record(file, digest, capability, folds, seed, rows, weights, data.skipped)
        atomic_write_text(out, json.dumps(record, indent=2))
    skipped = ", ".join(f"{n} {why}" for why, n in data.skipped.items())
    if as_json:
        print(json.dumps(rows, indent=2))
        err_console.print(f"{len(data.cases)} issues scored; rows skipped: {skipped}", highlight=False)
        return
    title = (f"Backtest of {file} ({capability} capability): {len(data.cases)} issues; "
             f"rows skipped: {skipped}")
    table = new_table()
    for col in ("model", "n", "MAE", "RMSE", "within 10", "80% coverage", "skipped"):
        table.add_column(col, justify="left" if col == "model" else "right", no_wrap=col == "model")
    for r in rows:
        cov = r.get("coverage80")
        table.add_row(r["model"], str(r["n"]), _num(r["mae"]), _num(r["rmse"]), _pct(r["within10"]),
                      "" if cov is None else _pct(cov), str(r["skipped"] or ""))
    show(table, title)
    for name, w in weights.items():
        console.print(f"[dim]{name} mean weights over folds: "
                      + ", ".join(f"{m} {v:.2f}" for m, v in w.items()) + "[/]", highlight=False)
    for r in rows:
        if r.get("skip_reason"):
            console.print(f"[dim]{r['model']}: {r['skipped']} issues not run, e.g. {r['skip_reason']}[/]",
                          highlight=False)
    for name, why in left_out.items():
        console.print(f"[dim]{name}: not run ({why})[/]", highlight=False)


def _num(v: float | None) -> str:
    return "" if v is None else f"{v:.2f}"


def _pct(v: float | None) -> str:
    return "" if v is None else f"{100 * v:.1f}%"
