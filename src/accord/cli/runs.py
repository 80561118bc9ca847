"""`accord runs`: list, show and export what the run store holds (runs r<N> and sweeps s<N>)."""

import csv
import io
import json
import re
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import ParameterError, clip
from .analysis import JsonOpt, StoreOpt
from .app import app, console, fail_on_errors, new_table, show

# The store (SQLite, NumPy) is imported inside the commands, so that other commands do not pay for it.

runs_app = typer.Typer(help="The run store: list, show and export recorded runs.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")


@runs_app.command("list")
@fail_on_errors
def runs_list(
    store: StoreOpt = None,
    limit: Annotated[int, typer.Option(help="Show the latest N runs.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """List recorded runs, newest first."""
    from rich.markup import escape

    from ..analysis.store import RunStore

    with RunStore(store) as st:
        rows = st.runs(limit)
        pending = st.sweeps(unfinished=True)
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    title = f"runs in {st.path}"
    table = new_table()
    for col in ("id", "created", "kind", "scenario", "model", "seed", "hash"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            f"r{r['id']}",
            r["created"],
            r["kind"],
            r["scenario"],
            r["model"],
            str(r["seed"]),
            r["scenario_hash"],
        )
    show(table, title)
    for sw in pending:
        what = (
            f"({sw['kind']} {sw['scenario']} {sw['model']} seed {sw['seed']}): "
            f"{sw['done']}/{sw['n_tasks']} tasks done"
        )
        if sw["status"] == "failed":
            console.print(
                f"[red]failed sweep s{sw['id']}[/] {escape(what)}: {escape(sw['error'] or '')}",
                soft_wrap=True,
            )
        else:
            console.print(
                f"[yellow]unfinished sweep s{sw['id']}[/] {escape(what)}; run the same command again to "
                "resume",
                soft_wrap=True,
            )


RunRef = Annotated[
    str, typer.Argument(help="Run id (r12, or 12) or sweep id (s3), as `accord runs list` shows.")
]


def _ref(ref: str, sweeps: bool = True) -> tuple[str, int]:
    """('run' | 'sweep', number) from 'r12', '12' or 's3': runs and sweeps are numbered separately."""
    match = re.fullmatch(r"\s*([rRsS]?)(\d{1,18})\s*", ref)
    if match is None or (match[1].lower() == "s" and not sweeps):
        allowed = "a run id like r12 (or 12)" + (" or a sweep id like s3" if sweeps else "")
        raise ParameterError(f"bad id {clip(ref)!r}; allowed: {allowed}")
    return ("sweep" if match[1].lower() == "s" else "run"), int(match[2])


@runs_app.command("show")
@fail_on_errors
def runs_show(run_id: RunRef, store: StoreOpt = None) -> None:
    """Print one run (its metadata and results) or one sweep (its status and progress) as JSON."""
    kind, number = _ref(run_id)
    from ..analysis.store import RunStore

    with RunStore(store) as st:
        if kind == "sweep":
            sw = st.sweep(number)
            out = {
                "id": f"s{number}",
                **{k: v for k, v in sw.items() if k not in ("id", "run_id")},
                "run": None if sw["run_id"] is None else f"r{sw['run_id']}",
            }
            print(json.dumps(out, indent=2))
            return
        run = st.run(number)
    run["arrays"] = {k: list(v.shape) for k, v in run["arrays"].items()}
    run["sweep"] = None if run["sweep_id"] is None else f"s{run['sweep_id']}"
    print(json.dumps(run, indent=2))


@runs_app.command("export")
@fail_on_errors
def runs_export(
    run_id: Annotated[str, typer.Argument(help="Run id (r12, or 12).")],
    out: Annotated[Path, typer.Argument(help="Output file: .csv (the run's table) or .json (everything).")],
    store: StoreOpt = None,
) -> None:
    """Write a run's table (CSV) or full record (JSON) to a file, atomically."""
    from ..analysis.store import RunStore
    from ..files import atomic_write_text
    from ..jsonable import jsonable

    if out.suffix.lower() not in (".csv", ".json"):
        raise ParameterError(f"{out}: unknown export format {out.suffix!r}; allowed: .csv, .json")
    _, number = _ref(run_id, sweeps=False)
    with RunStore(store) as st:
        run = st.run(number)
    if out.suffix.lower() == ".json":
        run["arrays"] = {k: v.tolist() for k, v in run["arrays"].items()}
        atomic_write_text(out, json.dumps(jsonable(run), indent=2))
    else:
        atomic_write_text(out, _csv(run["results"].get("table", [])))
    console.print(f"wrote {out}")


def _csv(rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    fields = list(dict.fromkeys(k for r in rows for k in r))
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()
