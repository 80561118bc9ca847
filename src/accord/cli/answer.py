"""Printing the answer block and the interval table of `accord forecast` (no commands here)."""

from typing import Any

from .app import console, new_table, show
from .text import issue_cell, joined, pivotal_legend, unit_cell


def print_summary(summary: Any) -> None:
    """The answer block: headed lines, each saying which model and how many draws it rests on."""
    sc = summary.scenario
    console.print(f"[bold reverse] ANSWER [/] [bold]{sc.title or sc.name}[/]", highlight=False)
    for title, lines in summary.sections():
        console.print(f"[bold]{title}[/]", highlight=False)
        for line in lines:
            style = "dim" if line.startswith("[") and line.endswith("]") else ""
            text = line.replace("[", "\\[")
            console.print(f"  [{style}]{text}[/]" if style else f"  {text}", highlight=False)
    console.print()


def print_uncertainty(summary: Any) -> None:
    """Intervals of the chosen model beside its top pivotal actors (Shapley shares)."""
    sc = summary.scenario
    title = (
        f"{summary.chosen}: median and 80% interval from {summary.draws} draws; pivotal actors (Shapley "
        "share, issue points)"
    )
    table = new_table()
    for col in ("issue", "median", "80% interval", "pivotal actors"):
        table.add_column(
            col, justify="right" if col in ("median", "80% interval") else "left", overflow="fold"
        )
    s = summary.intervals.set_index("issue")
    piv = summary.pivotal
    for iss in sc.issues:
        row = s.loc[iss.id]
        actors = []
        if piv is not None:
            top = piv[(piv["issue"] == iss.id) & (piv["rank"] <= 3)].sort_values("rank")
            actors = [f"{r.actor} {r.effect:+.1f}" for r in top.itertuples()]
        span = f"{row['p10']:.1f}-{row['p90']:.1f}"
        if iss.unit is not None and iss.unit.per_point is not None:
            span += f"\n({iss.unit.amount(row['p10'])}-{iss.unit.amount(row['p90'])})"
        table.add_row(issue_cell(iss), unit_cell(iss, row["median"]), span, joined(actors))
    show(table, title)
    console.print(f"[dim]{pivotal_legend(['shapley'])}[/]", highlight=False)
