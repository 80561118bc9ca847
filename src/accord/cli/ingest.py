"""News ingestion commands: `accord ingest` (stories -> events, signals, proposed patch) and
`accord ingest-eval` (accuracy on a gold-standard file)."""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import AccordError
from .app import app, console, err_console, fail_on_errors, new_table, show
from .options import JsonOpt

if TYPE_CHECKING:
    import pandas as pd

SHOWN = [
    "story",
    "sentence_index",
    "type",
    "source",
    "target",
    "source_text",
    "target_text",
    "negated",
    "hypothetical",
    "confidence",
    "span",
]


WIDE = 140  # below this many columns the events table is printed compactly


def _print_events(df: "pd.DataFrame", title: str) -> None:
    """The coded events: every column on a wide terminal; on a narrow one (80 columns) four that
    fit -- where (story:sentence), the event with its flags, who to whom, and the text span."""
    if console.width >= WIDE or df.empty:
        _print_frame(df, title, SHOWN)
        return
    import pandas as pd

    def text(v) -> str:
        return "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)

    table = new_table()
    table.add_column("story:sent", overflow="fold", max_width=14)
    table.add_column("event", no_wrap=True)
    table.add_column("who -> whom", overflow="fold")
    table.add_column("conf", justify="right", no_wrap=True)
    table.add_column("span", overflow="fold", ratio=1)
    for r in df.itertuples(index=False):
        flags = [f for f, on in (("negated", r.negated), ("hypothetical", r.hypothetical)) if on is True]
        event = text(r.type) + "".join(f"\n({f})" for f in flags)
        who = (
            f"{text(r.source) or text(r.source_text) or '?'} -> "
            f"{text(r.target) or text(r.target_text) or '-'}"
        )
        table.add_row(
            f"{text(r.story)[:8]}:{text(r.sentence_index)}", event, who, f"{r.confidence:.2f}", text(r.span)
        )
    show(table, title + " (a wider terminal shows every column; --json or --out give all fields)")


def _print_frame(df: "pd.DataFrame", title: str, columns: list[str] | None = None) -> None:
    import pandas as pd

    table = new_table()
    cols = columns or list(df.columns)
    for c in cols:
        table.add_column(c, overflow="fold")
    for row in df[cols].itertuples(index=False):
        table.add_row(*("" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v) for v in row))
    show(table, title)


@app.command()
@fail_on_errors
def ingest(
    sources: Annotated[
        list[Path],
        typer.Argument(help="Story files (.txt), folders, or CSV/JSONL tables (date, title, text)."),
    ],
    scenario: Annotated[
        str | None,
        typer.Option(
            "--scenario", "-s", help="Scenario file or example name whose actors and aliases resolve names."
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the events as CSV.")] = None,
    as_json: JsonOpt = False,
    signals: Annotated[
        bool,
        typer.Option("--signals", help="Print weekly counts and cooperation-conflict scores per actor pair."),
    ] = False,
    propose_path: Annotated[
        Path | None,
        typer.Option(
            "--propose", help="Write proposed scenario events to this patch file (YAML); needs --scenario."
        ),
    ] = None,
    min_confidence: Annotated[float, typer.Option(help="Drop events below this confidence (0-1).")] = 0.3,
) -> None:
    """Code news stories into PLOVER events (who did what to whom) and propose scenario updates.

    With --json: {n, events: [...]}."""
    from ..files import atomic_write_text
    from ..ingest import events_frame, propose, weekly_signals, write_patch
    from ..ingest import ingest as run_ingest
    from ..scenario import load

    if not 0 <= min_confidence <= 1:
        raise AccordError(f"--min-confidence must lie in [0, 1] (got {min_confidence})")
    if propose_path is not None and scenario is None:
        raise AccordError("--propose needs --scenario: proposed events refer to the scenario's actors")
    sc = load(scenario) if scenario else None
    events = run_ingest(sources, sc, min_confidence)
    frame = events_frame(events)
    if out is not None:
        atomic_write_text(out, frame.to_csv(index=False))
    # With --json, stdout holds only the JSON document; notes go to stderr.
    note = err_console.print if as_json else console.print
    if as_json:
        # pandas writes missing cells as null (json.dumps would write NaN, which is not JSON)
        print(json.dumps({"n": len(frame), "events": json.loads(frame.to_json(orient="records"))}, indent=2))
    elif not signals:
        _print_events(frame, f"{len(frame)} events")
    if signals:
        _print_frame(
            weekly_signals(events), "weekly signals per actor pair (score: -1 conflict .. +1 cooperation)"
        )
    if propose_path is not None and sc is not None:
        patch = propose(sc, events)
        write_patch(propose_path, patch)
        note(
            f"proposed {len(patch['add_events'])} scenario events in {propose_path} (review before applying)"
        )
    if out is not None:
        note(f"wrote {len(frame)} events to {out}")


@app.command("ingest-eval")
@fail_on_errors
def ingest_eval(
    file: Annotated[
        Path, typer.Argument(help="A PLOVER gold-standard JSON file or a PETRARCH2 validation XML file.")
    ],
    as_json: JsonOpt = False,
) -> None:
    """Score the event coder on gold-standard sentences: top-1 type accuracy, source accuracy, per class.

    With --json: n, event_accuracy, source_accuracy, per_class."""
    from ..ingest import evaluate

    result = evaluate(file)
    if as_json:
        print(json.dumps(result.as_json()))
        return
    console.print(
        f"{file}: {result.n} sentences, event-type accuracy {result.event_accuracy:.1%}, "
        f"source-actor accuracy {result.source_accuracy:.1%} ({result.coded} coded)"
    )
    _print_frame(result.per_class, "per class (top-1)")
