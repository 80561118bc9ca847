"""The report's "How far to trust this" section: backtest scores, a calibration plot, PIT histograms.

Built from :class:`accord.analysis.calibration.Trust` (a backtest record read back), so a report
never runs a backtest itself: the shipped record, or the one a user passes with ``--backtest``.
"""

from __future__ import annotations

from html import escape

import plotly.graph_objects as go

from ..analysis.calibration import LEVELS, ScoreRow, Trust, verdict
from .figures import _color, _style


def calibration_figure(rows: list[ScoreRow]) -> go.Figure:
    """Observed coverage of each model's central intervals against the nominal level, with Wilson
    intervals; a calibrated model sits on the diagonal."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(x=[0, 1], y=[0, 1], mode="lines", line=dict(color="#999", dash="dot"), name="calibrated")
    )
    for k, row in enumerate(r for r in rows if r.coverage):
        fig.add_trace(
            go.Scatter(
                x=[c.level for c in row.coverage],
                y=[c.observed for c in row.coverage],
                error_y=dict(
                    type="data",
                    symmetric=False,
                    array=[c.hi - c.observed for c in row.coverage],
                    arrayminus=[c.observed - c.lo for c in row.coverage],
                ),
                mode="lines+markers",
                name=row.model,
                line=dict(color=_color(k)),
            )
        )
    return _style(
        fig,
        title="Calibration: share of outcomes inside the central interval",
        xaxis_title="nominal level",
        yaxis_title="observed share",
        xaxis=dict(range=[0, 1], tickvals=[0, *LEVELS, 1]),
        yaxis=dict(range=[0, 1]),
        height=380,
    )


def pit_figure(rows: list[ScoreRow]) -> go.Figure:
    """Each model's PIT histogram in tenths: flat at 0.1 when calibrated, U-shaped when too narrow,
    humped when too wide (Gneiting, Balabdaoui & Raftery 2007)."""
    fig = go.Figure()
    bins = [f"{i / 10:.1f}-{(i + 1) / 10:.1f}" for i in range(10)]
    for k, row in enumerate(r for r in rows if r.pit):
        fig.add_trace(go.Bar(x=bins, y=list(row.pit or ()), name=row.model, marker_color=_color(k)))
    fig.add_trace(
        go.Scatter(x=bins, y=[0.1] * 10, mode="lines", line=dict(color="#999", dash="dot"), name="uniform")
    )
    return _style(
        fig,
        title="PIT histogram: where outcomes fall in each predictive distribution",
        xaxis_title="probability integral transform",
        yaxis_title="share of issues",
        barmode="group",
        height=380,
    )


def _num(value: float | None, scale: float = 1.0, digits: int = 2) -> str:
    return "-" if value is None else f"{value * scale:.{digits}f}"


def _difference(row: ScoreRow, key: str) -> str:
    diff = (row.vs_reference or {}).get(key)
    if not diff:
        return "-"
    return f"{diff['diff']:+.2f} [{diff['lo']:+.2f}, {diff['hi']:+.2f}]"


def scores_table(rows: list[ScoreRow]) -> str:
    """The scores with the paired bootstrap interval of each difference to the compromise model."""
    head = (
        "<tr><th>model</th><th>issues</th><th>MAE</th><th>median AE</th><th>within 10</th><th>CRPS</th>"
        "<th>50% / 80% / 95% coverage</th><th>MAE vs compromise [95%]</th>"
        "<th>CRPS vs compromise [95%]</th></tr>"
    )
    body = []
    for row in rows:
        cover = " / ".join(f"{c.observed:.0%}" for c in row.coverage) or "-"
        body.append(
            f"<tr><td>{escape(row.model)}</td><td class='num'>{row.n}</td>"
            f"<td class='num'>{_num(row.mae)}</td><td class='num'>{_num(row.medae)}</td>"
            f"<td class='num'>{_num(row.within10, 100, 0)}%</td><td class='num'>{_num(row.crps)}</td>"
            f"<td class='num'>{cover}</td><td class='num'>{_difference(row, 'mae')}</td>"
            f"<td class='num'>{_difference(row, 'crps')}</td></tr>"
        )
    return f"<table><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"


def trust_html(trust: Trust, plot) -> str:
    """The section's HTML; ``plot`` turns a figure into its div (the report's one-bundle writer)."""
    origin = "the record shipped with accord" if trust.shipped else "the backtest record given"
    detect = ", ".join(f"{k.replace('_', ' ')} {v:.2f}" for k, v in trust.detectable.items())
    parts = [
        f"<p>Scores from {escape(origin)}: {escape(trust.source)}. Lower MAE and CRPS are better; a "
        "difference to the compromise model (the capability x salience weighted mean with conformal "
        "intervals) is negative when the model does better, with its paired bootstrap interval over "
        f"proposals{f' ({trust.groups} proposals)' if trust.groups else ''}."
        + (f" The smallest difference this record can detect: {escape(detect)}." if detect else "")
        + "</p>",
        f"<p class='missing'>{escape(trust.caveat)}</p>",
        "<ul>" + "".join(f"<li>{escape(v)}.</li>" for v in map(verdict, trust.rows) if v) + "</ul>",
        scores_table(trust.rows),
        plot(calibration_figure(trust.rows)),
        "<p class='meta'>Error bars: Wilson 95% intervals with the proposals as the sample size (issues of "
        "one proposal are decided together). A model whose points sit far below the diagonal states "
        "its intervals with more confidence than its record supports.</p>",
        plot(pit_figure(trust.rows)),
    ]
    parts += [f"<p class='missing'>{escape(note)}</p>" for note in trust.notes]
    return "".join(parts)
