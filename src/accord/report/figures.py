"""Plotly figures of a scenario and its forecasts, shared by the HTML report and the web dashboard.

Each function takes plain data (the scenario, tidy result tables, arrays of draws) and returns a
``plotly.graph_objects.Figure``; none runs a model, so the same figure can be drawn from a fresh
run in the dashboard or from stored results in a report.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..scenario.schema import Scenario

PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
# A light style set directly: assigning a named plotly template costs ~0.1 s per figure, which a
# dashboard drawing three figures per run cannot afford.
LAYOUT = dict(
    plot_bgcolor="#fff", paper_bgcolor="#fff", margin=dict(l=60, r=20, t=80, b=40), font=dict(size=12)
)
GRID = dict(gridcolor="#e8e8e8", zeroline=False, linecolor="#999")


def _style(fig: go.Figure, **layout) -> go.Figure:
    fig.update_layout(**LAYOUT, **layout)
    fig.update_xaxes(**GRID)
    fig.update_yaxes(**GRID)
    return fig


def _color(k: int) -> str:
    return PALETTE[k % len(PALETTE)]


def _issue_label(scenario: Scenario, issue: str) -> str:
    iss = next(i for i in scenario.issues if i.id == issue)
    return iss.name or iss.id


def forecast_figure(
    scenario: Scenario,
    forecasts: Mapping[str, pd.DataFrame],
    intervals: Mapping[str, pd.DataFrame] | None = None,
) -> go.Figure:
    """One row per issue, one marker per model; whiskers show the Monte Carlo 80% and 95% ranges.

    ``forecasts`` maps a label (model or variant) to its forecast table (issue, forecast);
    ``intervals`` maps the same labels to Monte Carlo summaries (issue, p2_5, p10, p90, p97_5).
    Issues sit on their own scales, so each gets its own x axis labelled with its ends.
    """
    issues = scenario.issues
    fig = make_subplots(
        rows=len(issues),
        cols=1,
        vertical_spacing=min(0.12, 0.5 / max(len(issues), 1)),
        subplot_titles=[i.name or i.id for i in issues],
    )
    labels = list(forecasts)
    for k, label in enumerate(labels):
        table = forecasts[label].set_index("issue")
        summary = intervals.get(label) if intervals else None
        summary = summary.set_index("issue") if summary is not None else None
        for row, iss in enumerate(issues, start=1):
            if iss.id not in table.index:
                continue
            x = float(table.loc[iss.id, "forecast"])
            error_x = None
            if summary is not None and iss.id in summary.index:
                s = summary.loc[iss.id]
                # The thick bar is the 80% range, the whisker the 95% range.
                fig.add_trace(
                    go.Scatter(
                        x=[s["p10"], s["p90"]],
                        y=[label, label],
                        mode="lines",
                        line=dict(color=_color(k), width=8),
                        opacity=0.35,
                        showlegend=False,
                        hovertemplate=f"{label}: 80% range %{{x:.1f}}<extra></extra>",
                    ),
                    row=row,
                    col=1,
                )
                error_x = dict(
                    type="data",
                    symmetric=False,
                    array=[s["p97_5"] - x],
                    arrayminus=[x - s["p2_5"]],
                    color=_color(k),
                    thickness=1.5,
                )
            fig.add_trace(
                go.Scatter(
                    x=[x],
                    y=[label],
                    mode="markers",
                    error_x=error_x,
                    name=label,
                    legendgroup=label,
                    showlegend=row == 1,
                    marker=dict(size=12, color=_color(k), symbol="diamond"),
                    hovertemplate=f"{label}<br>{iss.id}: %{{x:.2f}}<extra></extra>",
                ),
                row=row,
                col=1,
            )
        for row, iss in enumerate(issues, start=1):
            if k == 0:
                title = f"{iss.min:g} {iss.min_label}  …  {iss.max:g} {iss.max_label}".strip()
                fig.update_xaxes(
                    range=[iss.min, iss.max], title_text=title, title_font_size=10, row=row, col=1
                )
                if iss.status_quo is not None:
                    fig.add_vline(x=iss.status_quo, line_dash="dot", line_color="#888", row=row, col=1)
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1])
    return _style(
        fig,
        title="Forecast per issue (dotted: status quo)",
        height=140 + 150 * len(issues) + 12 * len(labels) * len(issues),
    )


def trajectory_figure(scenario: Scenario, history: pd.DataFrame, title: str = "") -> go.Figure:
    """Each actor's position round by round, one panel per issue (a static model shows one step)."""
    issues = scenario.issues
    fig = make_subplots(
        rows=len(issues),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=min(0.1, 0.5 / max(len(issues), 1)),
        subplot_titles=[i.name or i.id for i in issues],
    )
    for k, actor in enumerate(scenario.actor_ids):
        mine = history[history["actor"] == actor]
        shown = False  # an actor's legend entry comes with its first panel, not the first issue's
        for row, iss in enumerate(issues, start=1):
            part = mine[mine["issue"] == iss.id].sort_values("round")
            if part.empty:
                continue
            fig.add_trace(
                go.Scatter(
                    x=part["round"],
                    y=part["position"],
                    mode="lines+markers",
                    name=actor,
                    legendgroup=actor,
                    showlegend=not shown,
                    line=dict(color=_color(k)),
                    marker=dict(size=4),
                    hovertemplate=f"{actor} round %{{x}}: %{{y:.1f}}<extra></extra>",
                ),
                row=row,
                col=1,
            )
            shown = True
    for row, iss in enumerate(issues, start=1):
        fig.update_yaxes(range=[iss.min, iss.max], row=row, col=1)
    fig.update_xaxes(title_text="round", row=len(issues), col=1)
    return _style(fig, title=title or "Actor positions round by round", height=120 + 170 * len(issues))


def position_map_figure(scenario: Scenario, forecast: pd.DataFrame | None = None) -> go.Figure:
    """Where each actor stands (x), how much it cares (y) and how strong it is (marker area)."""
    issues = scenario.issues
    fig = make_subplots(
        rows=len(issues),
        cols=1,
        vertical_spacing=min(0.12, 0.5 / max(len(issues), 1)),
        subplot_titles=[i.name or i.id for i in issues],
    )
    caps = np.array([a.capability for a in scenario.actors], dtype=float)
    top = caps.max() if caps.size and caps.max() > 0 else 1.0
    for k, actor in enumerate(scenario.actors):
        size = 10 + 40 * np.sqrt(actor.capability / top)
        shown = False
        for row, iss in enumerate(issues, start=1):
            st = scenario.stances.get(actor.id, {}).get(iss.id)
            if st is None:
                continue
            fig.add_trace(
                go.Scatter(
                    x=[st.position],
                    y=[st.salience],
                    mode="markers+text",
                    text=[actor.id],
                    textposition="top center",
                    name=actor.id,
                    legendgroup=actor.id,
                    showlegend=not shown,
                    marker=dict(size=size, color=_color(k), opacity=0.7, line=dict(width=1, color="#333")),
                    hovertemplate=(
                        f"{actor.name or actor.id}<br>position %{{x:g}}<br>salience %{{y:g}}"
                        f"<br>capability {actor.capability:g}<extra></extra>"
                    ),
                ),
                row=row,
                col=1,
            )
            shown = True
    fc = forecast.set_index("issue")["forecast"] if forecast is not None else None
    for row, iss in enumerate(issues, start=1):
        pad = 0.05 * (iss.max - iss.min)
        fig.update_xaxes(range=[iss.min - pad, iss.max + pad], row=row, col=1)
        fig.update_yaxes(range=[-5, 115], title_text="salience", row=row, col=1)
        if fc is not None and iss.id in fc.index:
            fig.add_vline(x=float(fc[iss.id]), line_color="#000", line_dash="dash", row=row, col=1)
    return _style(
        fig,
        title="Position map: position (x), salience (y), capability (marker size)"
        + ("; dashed: forecast" if fc is not None else ""),
        height=140 + 220 * len(issues),
    )


def pivotal_figure(pivotal: pd.DataFrame) -> go.Figure:
    """How far the forecast moves when an actor is perturbed, stacked over issues, per method."""
    methods = list(dict.fromkeys(pivotal["method"]))
    fig = make_subplots(rows=1, cols=len(methods), subplot_titles=[f"method: {m}" for m in methods])
    issues = list(dict.fromkeys(pivotal["issue"]))
    order = (
        pivotal.assign(size=pivotal["effect"].abs())
        .groupby("actor")["size"]
        .sum()
        .sort_values(ascending=False)
        .index.tolist()
    )
    for col, method in enumerate(methods, start=1):
        part = pivotal[pivotal["method"] == method]
        for k, issue in enumerate(issues):
            rows = part[part["issue"] == issue].set_index("actor").reindex(order)
            fig.add_trace(
                go.Bar(
                    x=order,
                    y=rows["effect"].abs(),
                    name=issue,
                    legendgroup=issue,
                    showlegend=col == 1,
                    marker_color=_color(k),
                    hovertemplate=f"%{{x}} on {issue}: %{{y:.2f}}<extra></extra>",
                ),
                row=1,
                col=col,
            )
    fig.update_yaxes(title_text="|shift of the forecast|", col=1)
    return _style(fig, barmode="stack", title="Pivotal actors", height=420)


def _when(scenario: Scenario, rounds: np.ndarray) -> list:
    """Rounds as calendar dates when the scenario has a start date, else as round numbers."""
    if scenario.start is None:
        return [int(r) for r in rounds]
    return [scenario.date_of(int(r)) for r in rounds]


def agreement_figure(
    scenario: Scenario,
    agreement_rounds: np.ndarray,
    events: pd.DataFrame | None = None,
    curves: Mapping[str, np.ndarray] | None = None,
) -> go.Figure:
    """P(agreement by date) from the Monte Carlo draws' agreement rounds, with the events marked.

    A draw with no agreement has NaN and never counts, so the curve ends at the share of draws
    that agree at all. ``curves`` adds one line per kind of deal (label -> per-draw rounds, NaN
    where the draw's deal is of another kind), e.g. the full agreement of every required party
    beside any deal, or one line per coalition. ``events`` (round, date?, type, description) adds
    simulated events to the scenario's own timed events.
    """
    rounds = np.asarray(agreement_rounds, dtype=float)
    last = scenario.deadline_round() or (int(np.nanmax(rounds)) if np.isfinite(rounds).any() else 1)
    grid = np.arange(0, max(last, 1) + 1)

    def share_by(r: np.ndarray) -> np.ndarray:
        finite = r[np.isfinite(r)]
        return np.searchsorted(np.sort(finite), grid, side="right") / max(r.size, 1)

    cumulative = share_by(rounds)
    x = _when(scenario, grid)
    fig = go.Figure(
        go.Scatter(
            x=x,
            y=cumulative,
            mode="lines",
            line=dict(shape="hv", width=3, color=PALETTE[0]),
            name="P(any agreement by then)" if curves else "P(agreement by then)",
            hovertemplate="%{x}: %{y:.0%}<extra></extra>",
        )
    )
    for k, (label, r) in enumerate((curves or {}).items(), start=2):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=share_by(np.asarray(r, dtype=float)),
                mode="lines",
                name=label,
                line=dict(shape="hv", width=2, color=_color(k), dash="dot" if k % 2 else "solid"),
                hovertemplate=f"{label} %{{x}}: %{{y:.0%}}<extra></extra>",
            )
        )
    marks = _event_marks(scenario, events)
    if not marks.empty:
        marks = marks[marks["round"] <= grid[-1]]
        ys = np.interp(marks["round"], grid, cumulative)
        fig.add_trace(
            go.Scatter(
                x=_when(scenario, marks["round"].to_numpy()),
                y=ys,
                mode="markers",
                name="events",
                marker=dict(symbol="triangle-down", size=11, color=PALETTE[1]),
                text=marks["label"],
                hovertemplate="%{x}<br>%{text}<extra></extra>",
            )
        )
    if scenario.deadline_round() is not None:
        fig.add_vline(
            x=_when(scenario, np.array([scenario.deadline_round()]))[0], line_dash="dash", line_color="#888"
        )
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", title_text="probability")
    return _style(
        fig, title=f"Probability of agreement over time ({rounds.size} draws; dashed: deadline)", height=420
    )


def _event_marks(scenario: Scenario, events: pd.DataFrame | None) -> pd.DataFrame:
    """One row per event to mark: its round and a hover label."""
    rows = []
    for ev in scenario.events:
        r = ev.round if ev.round is not None else scenario.round_of(ev.date)
        rows.append({"round": r, "label": f"{ev.type}: {ev.description or ev.id or ''}".strip(": ")})
    if events is not None and not events.empty and "round" in events:
        for rec in events.to_dict("records"):
            label = f"{rec.get('type', 'event')}: {rec.get('description', '')}".strip(": ")
            rows.append({"round": int(rec["round"]), "label": label})
    if not rows:
        return pd.DataFrame(columns=["round", "label"])
    frame = pd.DataFrame(rows)
    # Several events in one round share one marker.
    return frame.groupby("round", as_index=False)["label"].agg("<br>".join)


def compare_figure(scenario: Scenario, forecasts: Mapping[str, pd.DataFrame]) -> go.Figure:
    """Variants side by side: the same per-issue layout as the forecast figure, one marker each."""
    fig = forecast_figure(scenario, forecasts)
    fig.update_layout(title="What-if variants compared")
    return fig
