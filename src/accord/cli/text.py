"""Wording shared by several commands: legends that say what a number means, and cells that stay
readable in an 80-column terminal."""

from collections.abc import Iterable

from .app import console

PIVOTAL_METHODS = {
    "remove": "the forecast with the actor minus the forecast without it",
    "shift": "how far the forecast moves when the actor's positions move by {shift:.0%} of the range",
    "shapley": "the actor's Shapley share of the move from the reference point (the status quo, or mid-scale "
    "without one) to the forecast; the shares add up to that move",
}


def pivotal_legend(methods: Iterable[str], shift: float = 0.1) -> str:
    """What a pivotal effect means: its unit, its sign and each method (analysis/pivotal.py)."""
    parts = [f"{m}: {PIVOTAL_METHODS[m].format(shift=shift)}" for m in methods if m in PIVOTAL_METHODS]
    return (
        "Pivotal effects are in points of each issue's own scale (x the unit's per-point value where an "
        "issue declares one): + pulls the "
        "forecast towards the scale's max end, - towards its min end. " + "; ".join(parts) + "."
    )


def joined(items: Iterable[str], wide: int = 100) -> str:
    """Items in one cell: comma-separated on a wide terminal, one per line on a narrow one (Rich
    would otherwise break "TAL -15.3" between the name and its number)."""
    return (", " if console.width >= wide else "\n").join(items)


def column_groups(key_width: int, widths: list[int], total: int) -> list[list[int]]:
    """Split columns (by index) into consecutive groups that each fit ``total`` characters beside the
    key column; Rich draws a border and one space each side per column (3 characters)."""
    groups: list[list[int]] = [[]]
    used = key_width + 4
    for k, w in enumerate(widths):
        if groups[-1] and used + w + 3 > total:
            groups.append([])
            used = key_width + 4
        groups[-1].append(k)
        used += w + 3
    return groups


def show_columns(
    title: str, key: str, keys: list[str], columns: dict[str, list[str]], right: bool = True
) -> None:
    """A table of ``keys`` (rows) by ``columns``; when it is too wide for the terminal it is printed
    as several tables, each with the key column and as many whole columns as fit, instead of
    squeezing every header to an ellipsis."""
    from .app import new_table, show

    names = list(columns)
    widths = [max(len(n), *(len(v) for v in columns[n])) for n in names]
    key_width = max(len(key), *(len(k) for k in keys))
    groups = column_groups(key_width, widths, console.width)
    for g, group in enumerate(groups):
        table = new_table()
        table.add_column(key, no_wrap=True)
        for k in group:
            table.add_column(names[k], justify="right" if right else "left", no_wrap=True)
        for r, row_key in enumerate(keys):
            table.add_row(row_key, *(columns[names[k]][r] for k in group))
        suffix = f" ({g + 1}/{len(groups)})" if len(groups) > 1 else ""
        show(table, title + suffix if g == 0 or suffix else None)


def issue_legend(scenario) -> list[str]:
    """One line per issue saying what its scale means: the name, the labelled ends, the unit (a name
    that only repeats the id, as KTAB files give them, adds nothing and is left out)."""
    lines = []
    for iss in scenario.issues:
        parts = [iss.name] if iss.name and iss.name != iss.id else []
        if iss.min_label or iss.max_label:
            parts.append(f"{iss.min:g} = {iss.min_label or 'min'}; {iss.max:g} = {iss.max_label or 'max'}")
        if iss.unit is not None:
            parts.append("unit: " + iss.unit.scale_note())
        if parts:
            lines.append(f"{iss.id}: " + "; ".join(parts))
    return lines


def print_issue_legend(scenario) -> None:
    """Print the issue legend (id, name, scale) dimmed, before a table that uses the ids."""
    for line in issue_legend(scenario):
        console.print(f"[dim]{line}[/]", highlight=False)


def narrow() -> bool:
    """Whether the terminal is too narrow for the wide tables, so the compact layout is used."""
    return console.width < 100


def unit_cell(issue, position: float) -> str:
    """A table cell: the position with its amount in the issue's unit, on a second line when the
    terminal is narrow (so that columns keep whole numbers instead of an ellipsis)."""
    text = issue.with_units(position, short=True)
    return text.replace(" (", "\n(", 1) if narrow() else text


def issue_cell(issue) -> str:
    """The row label of an issue: its id, with its unit's name (on a second line when narrow)."""
    text = issue.label()
    return text.replace(" (", "\n(", 1) if narrow() else text
