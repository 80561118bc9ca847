"""One self-contained HTML report: the plotly.js bundle is inlined, so it opens with no network.

The report is for people who will not run accord: it opens with the answer (deal or no deal, with
whom, when, on what terms, who is pivotal, what changes it, why the models disagree: the same
block `accord forecast` prints), then the forecast per issue with each branch of a two-branch
outcome, the what-ifs, the pivotal actors of the chosen model, the chance of each kind of deal over
time against the events, the trajectories, and ends with every input number and its rationale.

One plotly.js bundle is inlined, once: the "basic" partial bundle (scatter, bar, pie; MIT, shipped
in ``assets/``, the same plotly.js version as the Python package's), about 1.2 MB instead of the
full bundle's 4.8 MB, so the file stays under 1.5 MB and opens in about a second.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.offline

from .. import __version__
from ..scenario.schema import Scenario
from . import figures
from .assumptions import assumptions_table
from .collect import ReportData, agreement_rounds
from .trust import trust_html

SECTIONS = {
    "answer": "The answer",
    "forecast": "Forecast per issue",
    "whatif": "What-ifs",
    "trust": "How far to trust this",
    "pivotal": "Pivotal actors",
    "agreement": "Probability of agreement over time",
    "trajectories": "Positions round by round",
    "positions": "Position map",
    "notes": "Scenario notes",
    "assumptions": "Assumptions",
}
BUNDLE = Path(__file__).with_name("assets") / "plotly-basic.min.js"
BASIC_TRACES = {"scatter", "bar", "pie"}  # what the basic bundle draws
LONG_FLOAT = re.compile(r"(?<![\w.])(-?\d+\.\d{4})\d+")


@lru_cache(maxsize=1)
def plotly_bundle() -> str:
    """The partial plotly.js bundle shipped with accord, or the Python package's full one without it."""
    return BUNDLE.read_text(encoding="utf-8") if BUNDLE.is_file() else plotly.offline.get_plotlyjs()


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
.note{white-space:pre-wrap} li.src{color:#666;list-style:none;margin-left:-1rem;font-size:.85rem}
h3{margin:1.2rem 0 .3rem} ul{margin:.2rem 0}
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
    body += [
        _section("answer", _answer(data)),
        _section("forecast", _forecast(data)),
        _section("whatif", _whatif(data)),
        _section("trust", _trust(data)),
        _section("pivotal", _pivotal(data)),
        _section("agreement", _agreement(data)),
        _section("trajectories", _trajectories(data)),
        _section("positions", _positions(data)),
        _section("notes", _notes(data)),
        _section("assumptions", _table(assumptions_table(sc))),
    ]
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(sc.title or sc.name)}: accord report</title>"
        f"<style>{CSS}</style>"
        f"<script type='text/javascript'>{plotly_bundle()}</script>"
        f"</head><body><main>{''.join(body)}</main></body></html>\n"
    )


def _section(key: str, content: str) -> str:
    return f"<section id='{key}'><h2>{escape(SECTIONS[key])}</h2>{content}</section>"


def _missing(reason: str) -> str:
    return f"<p class='missing'>Not available: {escape(reason)}.</p>"


def _plot(fig: go.Figure) -> str:
    """A figure's div and data only: the one bundle in the head draws every figure."""
    unsupported = {t.type for t in fig.data} - BASIC_TRACES
    if unsupported and BUNDLE.is_file():
        raise ValueError(f"trace types {sorted(unsupported)} are not in the basic plotly.js bundle")
    # The default template (about 9 KB per figure) is left out: the figures set their own style, and
    # plotly.js's defaults cover the rest. Four decimals are far below what a chart shows.
    fig.layout.template = go.layout.Template()
    return LONG_FLOAT.sub(r"\1", fig.to_html(full_html=False, include_plotlyjs=False, config=PLOT_CONFIG))


def _answer(data: ReportData) -> str:
    """The same answer block as `accord forecast` prints, section by section."""
    summary = data.summary
    if summary is None:
        return _missing("no answer block was built")
    parts = []
    for title, lines in summary.sections():
        items = "".join(
            f"<li class='src'>{escape(x)}</li>"
            if x.startswith("[") and x.endswith("]")
            else f"<li>{escape(x)}</li>"
            for x in lines
        )
        parts.append(f"<h3>{escape(title)}</h3><ul>{items}</ul>")
    if data.scenario.note:
        parts.append(
            f"<p class='meta'>Scenario note: {escape(data.scenario.note[:300])}"
            f"{'…' if len(data.scenario.note) > 300 else ''} (in full under Scenario notes; every "
            "input with its source under Assumptions, at the end).</p>"
        )
    return "".join(parts)


def _trust(data: ReportData) -> str:
    if data.trust is None:
        return _missing("no backtest record")
    return trust_html(data.trust, _plot)


def _branches(data: ReportData) -> str:
    """Each branch of the negotiation model's outcome (full deal, partial deal, no deal) on its own."""
    deal = data.summary.deal if data.summary is not None else None
    if deal is None:
        return ""
    live = [b for b in deal.branches if b.n]
    rows = []
    for iss in data.scenario.issues:
        row = {"issue": iss.name or iss.id}
        for b in live:
            lo, med, hi = b.terms[iss.id]
            name = {"full": "full deal", "partial": "partial deal", "none": "no deal"}.get(b.key, b.label)
            row[f"{name} (P {b.p:.2f})"] = f"{iss.with_units(med)} (80%: {lo:.1f}–{hi:.1f})"
        rows.append(row)
    return (
        f"<h3>Branches of the {escape(deal.model)} outcome ({deal.draws} draws)</h3>"
        "<p>A deal and no deal are different outcomes; each branch is summarised on its own rather than "
        "by one median across both.</p>" + _table(pd.DataFrame(rows))
    )


def _whatif(data: ReportData) -> str:
    summary = data.summary
    if summary is None or not summary.whatifs:
        why = "the scenario has no shipped what-if variants, or no negotiation model was run"
        return _missing(why)
    rows = [
        {
            "variant": w["variant"],
            "P(full agreement)": f"{w['base_full']:.2f} → {w['p_full']:.2f}",
            "P(any deal)": f"{w['base_any']:.2f} → {w['p_any']:.2f}",
            "per branch (median before → after)": "; ".join(
                f"{iss}: "
                + ", ".join(
                    f"{b} {'–' if v[0] is None else f'{v[0]:.1f}'} → {v[1]:.1f}" for b, v in per.items()
                )
                for iss, per in w["terms"].items()
            ),
        }
        for w in summary.whatifs
    ]
    return (
        f"<p>Model {escape(summary.whatif_model or '')}, {summary.whatif_draws} draws per variant on the "
        "base's draws (common random numbers), ranked by how much each moves the answer.</p>"
        + _table(pd.DataFrame(rows))
    )


def _forecast(data: ReportData) -> str:
    if not data.results:
        return _missing(data.missing.get("forecast", "no model ran"))
    forecasts = {m: r.forecast for m, r in data.results.items()}
    rows = []
    for iss in data.scenario.issues:
        scale = f"{iss.min:g} {iss.min_label} .. {iss.max:g} {iss.max_label}"
        if iss.unit is not None:
            scale += f" (unit: {iss.unit.scale_note()})"
        row = {"issue": iss.name or iss.id, "scale": scale}
        for m, r in data.results.items():
            cell = iss.with_units(r.forecast_of(iss.id))
            if m in data.intervals:
                s = data.intervals[m].set_index("issue").loc[iss.id]
                cell += f" (80%: {s['p10']:.1f}–{s['p90']:.1f})"
            row[m] = cell
        rows.append(row)
    parts = [_table(pd.DataFrame(rows))]
    parts += [f"<p class='missing'>{escape(note)}.</p>" for note in data.interval_notes]
    parts.append(_branches(data))
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
    return (
        f"<p>Model: {escape(data.pivotal_model or '')} (the answer block's chosen model). Effects are in "
        "points of each issue's scale; + pulls the forecast towards the scale's max end.</p>"
        + _plot(figures.pivotal_figure(data.pivotal))
        + _table(top)
    )


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
    parts.append(_plot(figures.agreement_figure(data.scenario, rounds, events, _deal_curves(data, rounds))))
    return "".join(parts)


def _deal_curves(data: ReportData, rounds: np.ndarray) -> dict[str, np.ndarray]:
    mc = data.montecarlo.get(data.agents_model or "")
    if mc is None or "agreement" not in mc.extra:
        return {}
    from ..analysis.answer import deal_curves

    return deal_curves(data.scenario, mc.extra, rounds)


def _outcome(outcome: dict) -> str:
    if outcome.get("agreement") and outcome.get("full_agreement", True):
        text = f"In the seeded run the parties agree in round {outcome.get('round')} ({outcome.get('date')})."
    elif outcome.get("agreement"):  # a deal that leaves out required parties is named by who is excluded
        text = (
            f"In the seeded run there is no full agreement; the deal of {outcome.get('deal')} is struck in "
            f"round {outcome.get('round')} ({outcome.get('date')}): {outcome.get('reason', '')}."
        )
    else:
        text = f"In the seeded run there is no agreement ({outcome.get('reason', 'no reason given')})."
    terms = outcome.get("terms") or {}
    if terms:
        text += (
            " Terms: "
            + ", ".join(
                f"{k} = {v:.1f}" if isinstance(v, (int, float)) else f"{k} = {v}" for k, v in terms.items()
            )
            + "."
        )
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
