"""One self-contained HTML report: the plotly.js bundle is inlined, so it opens with no network.

The report is for people who will not run accord: it leads with the forecast, shows how it was
reached (positions, trajectories, pivotal actors, the chance of a deal over time) and ends with
every input number and its rationale, so a reader can judge the assumptions as well as the answer.
"""

from __future__ import annotations

import datetime as dt
from html import escape

import pandas as pd
import plotly.graph_objects as go
import plotly.offline

from .. import __version__
from ..scenario.schema import Scenario
from . import figures
from .assumptions import assumptions_table
from .collect import ReportData, agreement_rounds

SECTIONS = {
    "forecast": "Forecast per issue",
    "positions": "Position map",
    "trajectories": "Positions round by round",
    "pivotal": "Pivotal actors",
    "agreement": "Probability of agreement over time",
    "assumptions": "Assumptions",
    "notes": "Scenario notes",
}
PLOT_CONFIG = {"displaylogo": False, "responsive": True}

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
main{max-width:1100px;margin:0 auto;padding:1rem 2rem 4rem;background:#fff}
h1{margin-bottom:.2rem} h2{border-bottom:2px solid #1f77b4;padding-bottom:.2rem;margin-top:2.5rem}
nav a{margin-right:1rem} .meta{color:#666;font-size:.9rem}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.8rem 0}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f4f8} td.num{text-align:right;font-variant-numeric:tabular-nums}
.missing{color:#8a6d3b;background:#fcf8e3;padding:.5rem .8rem;border-left:4px solid #f0ad4e}
.note{white-space:pre-wrap}
"""


def render(data: ReportData) -> str:
    """The whole report as one HTML document."""
    sc = data.scenario
    body = [
        f"<h1>{escape(sc.title or sc.name)}</h1>",
        f"<p class='meta'>Scenario <code>{escape(sc.name)}</code> · models: "
        f"{escape(', '.join(data.results) or 'none')} · seed {data.seed} · Monte Carlo draws "
        f"{data.draws} · accord {escape(__version__)} · written {dt.date.today().isoformat()}</p>",
        "<nav>" + "".join(f"<a href='#{k}'>{escape(v)}</a>" for k, v in SECTIONS.items()) + "</nav>",
    ]
    if sc.note:
        body.append(f"<p class='missing'>{escape(sc.note)}</p>")
    body += [
        _section("forecast", _forecast(data)),
        _section("positions", _positions(data)),
        _section("trajectories", _trajectories(data)),
        _section("pivotal", _pivotal(data)),
        _section("agreement", _agreement(data)),
        _section("assumptions", _table(assumptions_table(sc))),
        _section("notes", _notes(data)),
    ]
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(sc.title or sc.name)}: accord report</title>"
        f"<style>{CSS}</style>"
        f"<script type='text/javascript'>{plotly.offline.get_plotlyjs()}</script>"
        f"</head><body><main>{''.join(body)}</main></body></html>\n"
    )


def _section(key: str, content: str) -> str:
    return f"<section id='{key}'><h2>{escape(SECTIONS[key])}</h2>{content}</section>"


def _missing(reason: str) -> str:
    return f"<p class='missing'>Not available: {escape(reason)}.</p>"


def _plot(fig: go.Figure) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=False, config=PLOT_CONFIG)


def _forecast(data: ReportData) -> str:
    if not data.results:
        return _missing(data.missing.get("forecast", "no model ran"))
    forecasts = {m: r.forecast for m, r in data.results.items()}
    rows = []
    for iss in data.scenario.issues:
        row = {"issue": iss.name or iss.id, "scale": f"{iss.min:g} {iss.min_label} .. {iss.max:g} {iss.max_label}"}
        for m, r in data.results.items():
            cell = f"{r.forecast_of(iss.id):.1f}"
            if m in data.intervals:
                s = data.intervals[m].set_index("issue").loc[iss.id]
                cell += f" (80%: {s['p10']:.1f}–{s['p90']:.1f})"
            row[m] = cell
        rows.append(row)
    parts = [_table(pd.DataFrame(rows))]
    if "intervals" in data.missing:
        parts.append(_missing(f"intervals: {data.missing['intervals']}"))
    parts.append(_plot(figures.forecast_figure(data.scenario, forecasts, data.intervals)))
    return "".join(parts)


def _positions(data: ReportData) -> str:
    first = next(iter(data.results.values()), None)
    return _plot(figures.position_map_figure(data.scenario, first.forecast if first else None))


def _trajectories(data: ReportData) -> str:
    dynamic = {m: r for m, r in data.results.items() if r.history["round"].nunique() > 1}
    if not dynamic:
        return _missing("the models run are static; their positions do not move round by round")
    return "".join(
        _plot(figures.trajectory_figure(data.scenario, r.history, f"Positions round by round: {m}"))
        for m, r in dynamic.items()
    )


def _pivotal(data: ReportData) -> str:
    if data.pivotal is None or data.pivotal.empty:
        return _missing(data.missing.get("pivotal", "the analysis found no pivotal actors"))
    top = data.pivotal.sort_values("rank").head(20)
    return (f"<p>Model: {escape(data.pivotal_model or '')}.</p>" + _plot(figures.pivotal_figure(data.pivotal))
            + _table(top))


def _agreement(data: ReportData) -> str:
    rounds = agreement_rounds(data)
    agents = data.agents_model
    parts = []
    if agents is not None:
        outcome = data.results[agents].info.get("outcome")
        if outcome:
            parts.append(_outcome(outcome))
    if rounds is None:
        parts.append(_missing(data.missing.get("agreement", "no agreement rounds")))
        return "".join(parts)
    events = data.results[agents].tables.get("events") if agents else None
    parts.append(_plot(figures.agreement_figure(data.scenario, rounds, events)))
    return "".join(parts)


def _outcome(outcome: dict) -> str:
    if outcome.get("agreement") and outcome.get("full_agreement", True):
        text = f"In the seeded run the parties agree in round {outcome.get('round')} ({outcome.get('date')})."
    elif outcome.get("agreement"):  # a deal that leaves out required parties is named by who is excluded
        text = (f"In the seeded run there is no full agreement; the deal of {outcome.get('deal')} is struck in "
                f"round {outcome.get('round')} ({outcome.get('date')}): {outcome.get('reason', '')}.")
    else:
        text = f"In the seeded run there is no agreement ({outcome.get('reason', 'no reason given')})."
    terms = outcome.get("terms") or {}
    if terms:
        text += " Terms: " + ", ".join(f"{k} = {v:.1f}" if isinstance(v, (int, float)) else f"{k} = {v}"
                                       for k, v in terms.items()) + "."
    return f"<p>{escape(text)}</p>"


def _notes(data: ReportData) -> str:
    sc: Scenario = data.scenario
    parts = [f"<p class='note'>{escape(text)}</p>" for text in (sc.description, sc.note) if text]
    if sc.source:
        parts.append(f"<p class='note'><b>Source:</b> {escape(sc.source)}</p>")
    for model, why in data.skipped.items():
        parts.append(f"<p class='missing'>{escape(model)} not run: {escape(why)}</p>")
    return "".join(parts) or "<p>The scenario has no notes.</p>"


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    body = []
    for rec in frame.itertuples(index=False):
        cells = []
        for v in rec:
            if isinstance(v, float):
                cells.append(f"<td class='num'>{v:.4g}</td>")
            else:
                cells.append(f"<td>{escape(str(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
