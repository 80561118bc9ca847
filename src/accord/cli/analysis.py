"""Analysis commands: montecarlo, whatif, pivotal, and the run store (`accord runs ...`)."""

import contextlib
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .app import app, checked_seed, console, err_console, fail_on_errors, new_table, show
from .core import ScenarioArg, build_model, load
from .text import issue_cell, joined, narrow, pivotal_legend, print_issue_legend, show_columns, unit_cell

if TYPE_CHECKING:
    from ..analysis.montecarlo import ProgressFactory
    from ..analysis.store import RunStore

# The analysis stack (NumPy, pandas, the store) is imported inside the commands, so that other
# commands do not pay for it at start-up.

ModelOpt = Annotated[str, typer.Option("--model", "-m", help="Model name (see `accord models`).")]
ParamOpt = Annotated[
    list[str] | None, typer.Option("--param", "-p", help="Model parameter key=value (repeatable).")
]
DrawsOpt = Annotated[int, typer.Option(help="Number of Monte Carlo draws.")]
SeedOpt = Annotated[
    int,
    typer.Option(
        callback=checked_seed, help="Seed: the same seed gives the same numbers, serial or on Dask."
    ),
]
NoiseOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--noise",
        help="Noise sizes, e.g. position=0.05,salience=10,capability=0.2, or none (see docs/analysis.md).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")]
SchedulerOpt = Annotated[str | None, typer.Option(help="Address of a running dask.distributed scheduler.")]
WorkersOpt = Annotated[int | None, typer.Option(help="Start a local Dask cluster with N worker processes.")]
StoreOpt = Annotated[
    Path | None,
    typer.Option(help="Run store file (default: $ACCORD_STORE or ~/.local/share/accord/runs.sqlite)."),
]
NoStoreOpt = Annotated[bool, typer.Option("--no-store", help="Do not record this run in the run store.")]


class LazyBars:
    """Rich bars on stderr that are drawn only once the work has lasted more than a second."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err_console.real(),
            transient=True,
        )  # type: ignore[attr-defined]
        self.started = time.monotonic()

    def __call__(self, total: int, label: str):
        """A progress callback for ``total`` steps: returns the function that advances the bar."""
        task = self.progress.add_task(label, total=total)

        def advance(n: int) -> None:
            self.progress.advance(task, n)
            if not self.progress.live.is_started and time.monotonic() - self.started > 1.0:
                self.progress.start()

        return advance


@contextlib.contextmanager
def progress_bars(quiet: bool) -> "Iterator[ProgressFactory | None]":
    """Bars for long work; none with --quiet or when stdout is not a terminal (piped, redirected)."""
    import rich.progress  # noqa: F401  (loaded here, not at start-up; before any bar is timed)

    if quiet or not sys.stdout.isatty():
        yield None
        return
    bars = LazyBars()
    try:
        yield bars
    finally:
        bars.progress.stop()


@contextlib.contextmanager
def open_store(path: Path | None, no_store: bool) -> "Iterator[RunStore | None]":
    """The run store to record in, or None with --no-store; closed when the command ends."""
    from ..analysis.store import RunStore

    if no_store:
        yield None
        return
    with RunStore(path) as store:
        yield store


@contextlib.contextmanager
def sweep_context(
    store: Path | None, no_store: bool, quiet: bool, scheduler: str | None, workers: int | None
) -> Iterator[dict[str, Any]]:
    """The keyword arguments every sweep takes: store, executor (one cluster per command), progress."""
    from ..analysis.parallel import Executor

    with open_store(store, no_store) as st, Executor(scheduler, workers) as ex, progress_bars(quiet) as bars:
        yield {"store": st, "executor": ex, "progress": bars}


def _model(name: str, scenario, params: list[str] | None):
    from ..models import parse_params

    return build_model(name, scenario, parse_params(params or []))


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def _span(issue, lo: float, hi: float) -> str:
    """An interval on the scale, with its ends in the issue's linear unit where it has one."""
    text = f"{_fmt(lo)}-{_fmt(hi)}"
    if issue.unit is not None and issue.unit.per_point is not None:
        text += f"{chr(10) if narrow() else ' '}({issue.unit.amount(lo)}-{issue.unit.amount(hi)})"
    return text


@app.command()
@fail_on_errors
def montecarlo(
    scenario: ScenarioArg,
    model: ModelOpt = "weighted-mean",
    draws: DrawsOpt = 1000,
    seed: SeedOpt = 0,
    noise: NoiseOpt = None,
    param: ParamOpt = None,
    as_json: JsonOpt = False,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
    quiet: QuietOpt = False,
    store: StoreOpt = None,
    no_store: NoStoreOpt = False,
) -> None:
    """Forecast intervals from many perturbed draws of the inputs (and P(agreement) where defined)."""
    from ..analysis.montecarlo import NoiseSpec, monte_carlo
    from ..jsonable import jsonable

    sc = load(scenario)
    mdl = _model(model, sc, param)
    spec = NoiseSpec.parse(noise or [])
    with sweep_context(store, no_store, quiet, scheduler, workers) as how:
        result = monte_carlo(sc, mdl, draws, seed, spec, **how)
    if as_json:
        print(json.dumps(jsonable(result.to_json(sc)), indent=2))
        return
    title = f"{sc.title or sc.name}: {model}, {draws} draws, seed {seed}"
    table = new_table()
    for col in ("issue", "median", "50%", "80%", "95%"):
        table.add_column(col, justify="left" if col == "issue" else "right", overflow="fold")
    issues = {i.id: i for i in sc.issues}
    for row in result.summary.itertuples():
        iss = issues[row.issue]
        table.add_row(
            issue_cell(iss),
            unit_cell(iss, row.median),
            _span(iss, row.p25, row.p75),
            _span(iss, row.p10, row.p90),
            _span(iss, row.p2_5, row.p97_5),
        )
    show(table, title)
    print_issue_legend(sc)
    agreement = result.agreement(sc)
    if agreement:
        line = f"P(agreement before the deadline) = {agreement['p_agreement']:.2f}"
        if "p_full_agreement" in agreement:
            line += f" (all required parties: {agreement['p_full_agreement']:.2f})"
        if "round_median" in agreement:
            when = agreement.get("date_median", f"round {agreement['round_median']}")
            line += f"; median date {when}"
        console.print(line)
    _stored(result.run_id)


@app.command()
@fail_on_errors
def whatif(
    scenario: ScenarioArg,
    patch: Annotated[
        list[str], typer.Argument(help="Patch files or shipped variant names (see docs/analysis.md).")
    ],
    model: ModelOpt = "weighted-mean",
    draws: DrawsOpt = 1000,
    seed: SeedOpt = 0,
    noise: NoiseOpt = None,
    param: ParamOpt = None,
    as_json: JsonOpt = False,
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
    quiet: QuietOpt = False,
    store: StoreOpt = None,
    no_store: NoStoreOpt = False,
) -> None:
    """Run variants (patches) against the base on the same random draws; show the differences."""
    import numpy as np

    from ..analysis.montecarlo import NoiseSpec
    from ..analysis.whatif import compare
    from ..jsonable import jsonable

    sc = load(scenario)
    mdl = _model(model, sc, param)
    with sweep_context(store, no_store, quiet, scheduler, workers) as how:
        result = compare(sc, patch, mdl, draws, seed, NoiseSpec.parse(noise or []), **how)
    if as_json:
        print(json.dumps(jsonable(result.to_json()), indent=2))
        return
    point = mdl.run(sc, seed)
    columns = {
        "point": [unit_cell(iss, point.forecast_of(iss.id)) for iss in sc.issues],
        "base median": [
            unit_cell(iss, float(np.median(result.forecasts["base"][:, k])))
            for k, iss in enumerate(sc.issues)
        ],
    }
    diffs = result.differences.set_index(["variant", "issue"])
    for name in result.names[1:]:
        columns[name] = [
            f"{d['diff_median']:+.1f} ({d['diff_p10']:+.1f}..{d['diff_p90']:+.1f})"
            for d in (diffs.loc[(name, issue)] for issue in result.issues)
        ]
    show_columns(
        f"{sc.title or sc.name}: what-if, {model}, {draws} draws (median difference from the base "
        "and its 80% interval, paired draws)",
        "issue",
        [i.label() for i in sc.issues],
        columns,
    )
    console.print(
        f"[dim]point: the unperturbed scenario's forecast (seed {seed}); base median: the median of the "
        f"base's {draws} perturbed draws, from which the differences are taken.[/]",
        highlight=False,
    )
    print_issue_legend(sc)
    if "agreement" in result.extra["base"]:
        _print_branches(sc, result)
    _stored(result.run_id)


@app.command()
@fail_on_errors
def pivotal(
    scenario: ScenarioArg,
    model: ModelOpt = "weighted-mean",
    seed: SeedOpt = 0,
    method: Annotated[
        list[str] | None, typer.Option(help="remove, shift, shapley (repeatable; default all).")
    ] = None,
    shift: Annotated[float, typer.Option(help="Position shift as a fraction of the issue range.")] = 0.1,
    top: Annotated[int, typer.Option(help="Actors shown per issue.")] = 3,
    param: ParamOpt = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
    store: StoreOpt = None,
    no_store: NoStoreOpt = False,
) -> None:
    """Rank actors by how much they move each issue's forecast (remove, shift, Shapley share)."""
    from ..analysis.montecarlo import run_info
    from ..analysis.pivotal import METHODS, pivotal_actors
    from ..jsonable import jsonable

    sc = load(scenario)
    mdl = _model(model, sc, param)
    with progress_bars(quiet) as bars:
        frame = pivotal_actors(
            sc, mdl, seed=seed, method=tuple(method or METHODS), shift=shift, progress=bars
        )
    run_id = None
    with open_store(store, no_store) as st:
        if st is not None:
            run_id = st.record_run(
                run_info("pivotal", sc, mdl, seed),
                {
                    "methods": list(method or METHODS),
                    "shift": shift,
                    "table": frame.to_dict(orient="records"),
                },
            )
    if as_json:
        print(
            json.dumps(
                jsonable(
                    {
                        "scenario": sc.name,
                        "model": model,
                        "seed": seed,
                        "run_id": run_id,
                        "actors": frame.to_dict(orient="records"),
                    }
                ),
                indent=2,
            )
        )
        return
    title = f"{sc.title or sc.name}: pivotal actors ({model}; effect in issue points)"
    table = new_table()
    table.add_column("issue")
    methods = list(dict.fromkeys(frame["method"]))
    for m in methods:
        table.add_column(m)
    for issue in sc.issue_ids:
        cells = []
        for m in methods:
            sub = frame[(frame.issue == issue) & (frame.method == m) & (frame["rank"] <= top)]
            cells.append(joined(f"{r.actor} {r.effect:+.1f}" for r in sub.itertuples()))
        table.add_row(issue, *cells)
    show(table, title)
    console.print(f"[dim]{pivotal_legend(methods, shift)}[/]", highlight=False)
    print_issue_legend(sc)
    _stored(run_id)


def _print_branches(sc, result) -> None:
    """A deal and no deal are different outcomes: per variant and branch, its probability and the
    median terms within it (the medians across branches above can hide a whole branch)."""
    import numpy as np

    names = {"full": "full deal", "partial": "partial deal", "none": "no deal"}
    keys, columns = [], {"P": []}
    for iss in sc.issues:
        columns[iss.id] = []
    for variant in result.names:
        ex = result.extra[variant]
        agreed = np.asarray(ex["agreement"], dtype=bool)
        full = np.asarray(ex.get("full_agreement", agreed), dtype=bool) & agreed
        for key, mask in (("full", full), ("partial", agreed & ~full), ("none", ~agreed)):
            if not mask.any():
                continue
            keys.append(f"{variant}: {names[key]}")
            columns["P"].append(f"{mask.mean():.2f}")
            for k, iss in enumerate(sc.issues):
                columns[iss.id].append(f"{np.median(result.forecasts[variant][mask, k]):.1f}")
    show_columns(
        "per branch: probability and median terms within the branch", "variant: branch", keys, columns
    )


def _stored(run_id: int | None) -> None:
    if run_id is not None:
        err_console.print(f"[dim]recorded as run r{run_id} (accord runs show r{run_id})[/]")
