"""`accord backtest`: score models against the known outcomes of a DEU-layout file."""

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import AccordError, ParameterError
from ..scenario.eu_council import CAPABILITIES
from .app import app, console, err_console, fail_on_errors, new_table, show
from .options import DeuFileArg, JobsOpt, JsonOpt, SeedOpt, models_option

if TYPE_CHECKING:
    from rich.table import Table

    from ..models.base import Model

BARS = " ▁▂▃▄▅▆▇█"
BacktestModelsOpt = models_option("every registered model", every=False)
DRAWS = 64  # Monte Carlo draws per issue for the predictive distributions (accord.analysis.predictive.DRAWS)


def default_models() -> "tuple[list[Model], dict[str, str]]":
    """Every registered model that builds with its default parameters; the others with the reason.

    Models fitted on data (tag ``fitted``, the shipped ensemble) are left out: the backtest fits its
    own ensemble out of sample, and the shipped one has seen the development split."""
    from ..analysis.runner import each
    from ..models import list_models, make_model

    fitted = "shipped weights fitted on data; the row 'ensemble' is refitted fold by fold instead"
    names = list_models()
    left_out = {name: fitted for name, cls in names.items() if "fitted" in cls.tags}
    built, refused = each((n for n in names if n not in left_out), make_model)
    return list(built.values()), {n: left_out.get(n) or refused[n] for n in names if n not in built}


@app.command()
@fail_on_errors
def backtest(
    file: DeuFileArg,
    model: BacktestModelsOpt = None,
    capability: Annotated[
        str,
        typer.Option(
            help="Actor capability: "
            + ", ".join(CAPABILITIES)
            + ", or all (every model under each; the CV combinations mix them)."
        ),
    ] = "equal",
    folds: Annotated[int, typer.Option(help="Cross-validation folds, grouped by proposal.")] = 10,
    seed: SeedOpt = 0,
    draws: Annotated[
        int,
        typer.Option(
            help="Monte Carlo draws per issue for the models' predictive distributions (0: point scores "
            "only, no ensemble)."
        ),
    ] = DRAWS,
    as_json: JsonOpt = False,
    out: Annotated[
        Path | None,
        typer.Option(help="Also write the whole record (settings, scores, CV weights) as JSON here."),
    ] = None,
    samples: Annotated[
        Path | None,
        typer.Option(
            help="Write every predictor's predictive distribution as a tidy CSV (model, issue, proposal, "
            "atom, value, weight)."
        ),
    ] = None,
    jobs: JobsOpt = None,
) -> None:
    """Score models on real decisions: point errors, CRPS, log score, coverage, PIT, bootstrap differences.

    Each model's predictive distribution (see docs/explanation/backtest.md) is scored beside its point
    forecast, and compared with the compromise model's by a paired bootstrap that resamples proposals."""
    import numpy as np

    from ..analysis.backtest import backtest_full, groups, run_record
    from ..files import atomic_write, atomic_write_text
    from ..models import make_model
    from ..scenario.deu import read_deu

    if folds < 2:
        raise ParameterError(f"--folds must be at least 2 (got {folds}); allowed: an integer >= 2")
    if draws < 0:
        raise ParameterError(f"--draws must be at least 0 (got {draws}); allowed: 0, 1, 2, ...")
    options = list(CAPABILITIES) if capability == "all" else [capability]
    variants = {c: read_deu(file, c) for c in options}
    data = variants[options[0]]
    if not data.cases:
        raise AccordError(f"{file}: no issue with an outcome and a salience to score")
    if model:
        models, left_out = [make_model(m) for m in model], {}
    else:
        models, left_out = default_models()
    result = backtest_full(
        models,
        {c: d.cases for c, d in variants.items()},
        np.random.default_rng(seed),
        folds,
        os.cpu_count() if jobs is None else jobs,
        draws,
    )
    rows, weights = result.rows, result.weights
    if out is not None:
        import hashlib

        digest = hashlib.sha256(Path(file).read_bytes()).hexdigest()
        record = run_record(
            file, digest, capability, folds, seed, rows, weights, data.skipped, result.detectable, draws
        )
        atomic_write_text(out, json.dumps(record, indent=2))
    if samples is not None:
        import pandas as pd

        issues, proposals = [c.issue for c in data.cases], groups(data.cases)
        frame = pd.concat(
            [
                f.predictive.to_frame(f.model, issues, proposals)
                for f in result.predictors
                if f.predictive is not None
            ],
            ignore_index=True,
        )
        atomic_write(samples, lambda tmp: frame.to_csv(tmp, index=False))
    skipped = ", ".join(f"{n} {why}" for why, n in data.skipped.items())
    if as_json:
        print(json.dumps(rows, indent=2))
        err_console.print(f"{len(data.cases)} issues scored; rows skipped: {skipped}", highlight=False)
        return
    _print_table(file, capability, len(data.cases), skipped, rows)
    det = result.detectable
    if det:
        console.print(
            "Differences are to the compromise model (weighted mean; its conformal distribution for CRPS), "
            "paired by issue, 95% bootstrap intervals resampling proposals; negative = better. "
            "Smallest difference this data can detect (5% two-sided, 80% power; median over models): "
            + ", ".join(f"{m} {v:.2f}" for m, v in det.items() if v is not None),
            highlight=False,
        )
    for r in rows:
        vs = r.get("vs_reference", {})
        if r["kind"] == "cv" and "crps" in vs:
            console.print(
                f"{r['model']} vs the compromise model: "
                + "; ".join(
                    f"{m} {d['diff']:+.2f} [{d['lo']:+.2f}, {d['hi']:+.2f}], detectable {d['mde']:.2f}"
                    for m, d in vs.items()
                ),
                highlight=False,
            )
    for r in rows:
        if r.get("pit"):
            console.print(f"[dim]PIT {r['model']:<26}|{_bars(r['pit'])}|[/]", highlight=False)
    for name, w in weights.items():
        console.print(
            f"[dim]{name} mean weights over folds: "
            + ", ".join(f"{m} {v:.2f}" for m, v in w.items())
            + "[/]",
            highlight=False,
        )
    for r in rows:
        if r.get("skip_reason"):
            console.print(
                f"[dim]{r['model']}: {r['skipped']} issues not run, e.g. {r['skip_reason']}[/]",
                highlight=False,
            )
    for name, why in left_out.items():
        console.print(f"[dim]{name}: not run ({why})[/]", highlight=False)


def _print_table(file: str, capability: str, n: int, skipped: str, rows: list[dict]) -> None:
    """Two tables, each under 110 columns: the point forecasts, then the predictive distributions."""
    point_title = f"Backtest of {file} ({capability} capability): {n} issues; rows skipped: {skipped}"
    point = _table(("model", "n", "MAE", "MedAE", "within 5", "within 10", "ΔMAE [95% CI]", "skipped"))
    for r in rows:
        point.add_row(
            r["model"],
            str(r["n"]),
            _num(r["mae"]),
            _num(r["medae"]),
            _pct(r["within5"]),
            _pct(r["within10"]),
            _diff(r.get("vs_reference", {}).get("mae")),
            str(r["skipped"] or ""),
        )
    show(point, point_title)
    dist = _table(("model", "CRPS", "log", "50%", "80%", "95%", "ΔCRPS [95% CI]", "Δlog [95% CI]"))
    for r in rows:
        vs = r.get("vs_reference", {})
        if r.get("crps") is not None or r.get("coverage80") is not None:
            dist.add_row(
                r["model"],
                _num(r.get("crps")),
                _num(r.get("log_score")),
                _pct(r.get("coverage50"), 0),
                _pct(r.get("coverage80"), 0),
                _pct(r.get("coverage95"), 0),
                _diff(vs.get("crps")),
                _diff(vs.get("log_score")),
            )
    show(dist, "Predictive distributions (CRPS in points, log score in nats; lower is better)")


def _table(columns: tuple[str, ...]) -> "Table":
    """A table of the given columns (its title is printed on its own line by cli.app.show)."""
    table = new_table()
    for col in columns:
        table.add_column(col, justify="left" if col == "model" else "right", no_wrap=True)
    return table


def _bars(pit: list[float]) -> str:
    top = max(max(pit), 1e-12)
    return "".join(BARS[round(v / top * (len(BARS) - 1))] for v in pit)


def _diff(d: dict | None) -> str:
    return "" if d is None else f"{d['diff']:+.2f} [{d['lo']:+.2f}, {d['hi']:+.2f}]"


def _num(v: float | None) -> str:
    return "" if v is None else f"{v:.2f}"


def _pct(v: float | None, digits: int = 1) -> str:
    return "" if v is None else f"{100 * v:.{digits}f}%"
