"""Stokman's exchange model (Equal Gain) behind the model protocol.

Positions are traded across issues, so the model needs at least two issues. The forecast per
issue is the compromise outcome O_d = Σ c s x / Σ c s of the final voting positions (the model's
own outcome rule); the initial outcome is a second column. Tables: ``exchanges`` (who traded
what, by how much, and the equal gain), ``externalities`` (every third party's utility change from
each exchange) and ``rounds`` (the outcome per issue after each round).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import numpy as np
import pandas as pd

from ...errors import UnsupportedScenario
from ...scenario.arrays import ScenarioArrays
from ...scenario.limits import check_model_rounds
from ...scenario.schema import Scenario
from ..base import Model, Output, forecast_frame, history_frame
from ..params import NonNegative, PositiveInt
from ..registry import register
from .core import Step, outcomes, simulate

EXCHANGE_COLUMNS = (
    "round",
    "order",
    "actor_i",
    "demand_i",
    "move_i",
    "actor_j",
    "demand_j",
    "move_j",
    "shift_demand_i",
    "shift_demand_j",
    "gain",
    "externality_total",
)
EXTERNALITY_COLUMNS = ("round", "order", "actor", "party", "utility_change")


@register
class ExchangeModel(Model):
    """Position exchanges between pairs of actors on pairs of issues, best gain first."""

    name: ClassVar[str] = "exchange"
    tags: ClassVar[frozenset[str]] = frozenset({"dynamic", "multi-issue"})
    summary: ClassVar[str] = "Stokman's position-exchange model (Equal Gain), best exchange first"
    extra_tables: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "rounds": ("round", "issue", "outcome"),
        "exchanges": EXCHANGE_COLUMNS,
        "externalities": EXTERNALITY_COLUMNS,
    }

    def __init__(self, rounds: PositiveInt = 10, min_gain: NonNegative = 1e-9) -> None:
        check_model_rounds("exchange", rounds=rounds)
        self.rounds = rounds
        self.min_gain = min_gain

    def check_supported(self, scenario: Scenario) -> None:
        """Also refuse scenarios with fewer than two issues: there is nothing to exchange."""
        super().check_supported(scenario)
        if len(scenario.issues) < 2:
            raise UnsupportedScenario(
                f"model {self.name!r} trades positions between issues and needs at least two; scenario "
                f"{scenario.name!r} has {len(scenario.issues)} (use 'eum' or a baseline for one issue)"
            )

    def run_once(self, scenario: Scenario, arrays: ScenarioArrays, rng: np.random.Generator) -> Output:
        """Stokman's Equal Gain exchanges round by round; the forecast is the final compromise outcome."""
        scale = arrays.hi - arrays.lo
        unit = (arrays.position - arrays.lo) / scale
        sal = arrays.salience / 100.0
        w = np.where(np.isnan(unit), 0.0, arrays.capability[:, None] * sal)
        if np.any(w.sum(axis=0) <= 0):
            bad = [arrays.issues[d] for d in np.nonzero(w.sum(axis=0) <= 0)[0]]
            raise UnsupportedScenario(
                f"model 'exchange': no actor has positive capability x salience on {', '.join(bad)}"
            )
        path, steps = simulate(unit, arrays.capability, sal, self.rounds, float(self.min_gain))
        positions = arrays.lo + path * scale
        final = outcomes(positions[-1], w)
        forecast = forecast_frame(
            arrays,
            final,
            initial=outcomes(positions[0], w),
            exchanges=np.array(
                [
                    sum(st.exchange.p == d or st.exchange.q == d for st in steps)
                    for d in range(arrays.n_issues)
                ]
            ),
        )
        rounds = pd.DataFrame(
            [
                (t, arrays.issues[d], float(o))
                for t in range(len(positions))
                for d, o in enumerate(outcomes(positions[t], w))
            ],
            columns=list(self.extra_tables["rounds"]),
        )
        tables = {
            "rounds": rounds,
            "exchanges": _exchanges_table(arrays, steps),
            "externalities": _externalities_table(arrays, steps),
        }
        info = {"exchange_summary": {"rounds_run": len(positions) - 1, "exchanges": len(steps)}}
        return Output(history_frame(arrays, positions), forecast, tables, info)


def _exchanges_table(arrays: ScenarioArrays, steps: list[Step]) -> pd.DataFrame:
    """One row per executed exchange, moves and outcome shifts on the issues' own scales."""
    scale = arrays.hi - arrays.lo
    rows = []
    for st in steps:
        ex = st.exchange
        rows.append(
            {
                "round": st.round,
                "order": st.order,
                "actor_i": arrays.actors[ex.i],
                "demand_i": arrays.issues[ex.p],
                "move_i": ex.move_i * scale[ex.q],
                "actor_j": arrays.actors[ex.j],
                "demand_j": arrays.issues[ex.q],
                "move_j": ex.move_j * scale[ex.p],
                "shift_demand_i": ex.shift_p * scale[ex.p],
                "shift_demand_j": ex.shift_q * scale[ex.q],
                "gain": ex.gain,
                "externality_total": float(np.delete(st.utility_change, [ex.i, ex.j]).sum()),
            }
        )
    return pd.DataFrame(rows, columns=list(EXCHANGE_COLUMNS))


def _externalities_table(arrays: ScenarioArrays, steps: list[Step]) -> pd.DataFrame:
    """Every actor's utility change from each exchange (the two traders' gains included, flagged)."""
    rows = [
        {
            "round": st.round,
            "order": st.order,
            "actor": arrays.actors[k],
            "party": k in (st.exchange.i, st.exchange.j),
            "utility_change": float(st.utility_change[k]),
        }
        for st in steps
        for k in range(arrays.n_actors)
    ]
    return pd.DataFrame(rows, columns=list(EXTERNALITY_COLUMNS))
