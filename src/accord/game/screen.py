"""What the seat sees each round, as data (for the browser) and as Rich renderables (for the terminal).

``round_facts`` is the one description of a round: its date, the deadline countdown, the events that
fired since the last decision, who is at the table, the channels open to the seat, the offers it
received (terms on the scale and in units, its utility of each) and its utility of no deal.
"""

from __future__ import annotations

import math
from typing import Any

from rich.console import Group
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from .core import Game, Turn


def round_facts(game: Game, turn: Turn) -> dict[str, Any]:
    """The round as JSON-ready data."""
    view, sc = turn.view, game.scenario
    date = sc.date_of(view.round)
    deadline = sc.deadline.date if sc.deadline is not None and sc.deadline.date else sc.date_of(turn.rounds)
    issues = sc.issues
    offers = [
        {
            "from": who,
            "terms": [float(x) for x in terms],
            "in_units": [cell(iss, x) for iss, x in zip(issues, terms, strict=True)],
            "utility": view.value.get(who),
        }
        for who, terms in view.received.items()
    ]
    suggestion = [float(x) for x in view.proposal]
    return {
        "round": view.round,
        "rounds": turn.rounds,
        "left": turn.rounds - view.round,
        "date": date.isoformat() if date else None,
        "deadline": deadline.isoformat() if deadline else None,
        "actor": game.actor,
        "issues": [i.id for i in issues],
        "labels": [i.label() for i in issues],
        "fired": [
            {
                "round": int(e["round"]),
                "type": e["type"],
                "actors": e["actors"],
                "description": e["description"],
            }
            for e in turn.fired
        ],
        "present": [a for a in sc.actor_ids if a in view.present],
        "away": [a for a in sc.actor_ids if a not in view.present],
        "channels": list(view.received),
        "offers": offers,
        "suggestion": {
            "terms": suggestion,
            "in_units": [cell(iss, x) for iss, x in zip(issues, suggestion, strict=True)],
            "utility": game.utility(suggestion),
        },
        "no_deal": view.reservation,
        "threshold": view.threshold if math.isfinite(view.threshold) else None,
        "threats": game.live_threats(),
    }


def cell(issue: Any, position: float) -> str:
    """A table cell in the issue's units: the amount of a linear unit ('9,063'), else the position."""
    unit = issue.unit
    if unit is not None and unit.per_point is not None:
        return unit.amount(float(position))
    return f"{float(position):.1f}"


def round_screen(game: Game, turn: Turn) -> Group:
    """The round for the terminal: a header rule, the events, the table, the offers with their worth."""
    f, sc = round_facts(game, turn), game.scenario
    when = f" - {f['date']}" if f["date"] else ""
    until = f" (deadline {f['deadline']})" if f["deadline"] else ""
    parts: list[Any] = [
        Rule(f"round {f['round']} of {f['rounds']}{when} - {f['left']} round(s) left{until}", style="bold")
    ]
    for e in f["fired"]:
        parts.append(Text(f"  * {e['type']} ({e['actors'] or 'all'}): {e['description']}", style="yellow"))
    away = f"; away: {', '.join(f['away'])}" if f["away"] else ""
    parts.append(Text(f"at the table: {', '.join(f['present'])}{away}"))
    parts.append(
        Text("you can talk to: " + (", ".join(f["channels"]) or "nobody (no channel is open to you)"))
    )
    table = Table(title=None, show_lines=False)
    table.add_column("issue")
    for o in f["offers"]:
        table.add_column(o["from"], justify="right")
    table.add_column("model", justify="right", style="dim")
    for q, label in enumerate(f["labels"]):
        table.add_row(label, *[o["in_units"][q] for o in f["offers"]], f["suggestion"]["in_units"][q])
    table.add_row(
        "your utility",
        *[f"{o['utility']:.3f}" for o in f["offers"]],
        f"{f['suggestion']['utility']:.3f}",
        style="bold",
    )
    parts.append(table)
    notes = [f"{i.id}: {i.unit.scale_note()}" for i in sc.issues if i.unit is not None and i.unit.levels]
    if notes:
        parts.append(Text("levels: " + "; ".join(notes), style="dim"))
    parts.append(Text("'model' is the model's suggestion for you; type help for the commands", style="dim"))
    parts.append(Text(f"no deal is worth {f['no_deal']:.3f} to you now", style="bold"))
    if f["threats"]:
        parts.append(Text(f"your live threats: {', '.join(f['threats'])}"))
    return Group(*parts)


def end_screen(game: Game, outcome: dict[str, Any], comparison: dict[str, Any]) -> Group:
    """The game's end: the outcome, its terms in units, and the comparison with the model's play."""
    parts: list[Any] = [Rule("the talks are over", style="bold")]
    parts.append(Text(f"{outcome['deal']}: {outcome['reason']}"))
    you, model = comparison["you"], comparison["model"]
    table = Table()
    table.add_column("issue")
    table.add_column("your game", justify="right")
    table.add_column(f"the model's {game.actor}", justify="right")
    for iss in game.scenario.issues:
        table.add_row(
            iss.label(), iss.with_units(you["forecast"][iss.id]), iss.with_units(model["forecast"][iss.id])
        )
    table.add_row("deal", you["deal"], model["deal"])
    table.add_row("round", str(you["round"]), str(model["round"]))
    table.add_row("your utility", f"{you['utility']:.3f}", f"{model['utility']:.3f}", style="bold")
    parts.append(table)
    parts.append(Text(comparison["text"], style="bold green"))
    return Group(*parts)
