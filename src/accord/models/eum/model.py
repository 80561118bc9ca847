"""The expected-utility model (BDM 1994, Scholz et al. 2011) behind the model protocol.

Each issue is bargained on its own (BDM's model is one-dimensional): actors without a stance on
an issue take no part in it, saliences (0-100 in a scenario) become the fractions the model
reads as probabilities of resisting, and Δ is the range of the issue's initial positions.

The forecast per issue is BDM's predicted outcome, the Condorcet winner (c·s-weighted median)
after the final round; the final weighted mean is a second column, since the dynamics oscillate
and the mean moves less. The defaults are the settings of Scholz's code (docs/models.md §2.1).
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
from ..params import PositiveInt, Probability
from ..registry import register
from .core import (
    CLASS_NAMES,
    NONE,
    Capitulation,
    Denominator,
    EUMParams,
    Exponent,
    Offer,
    Stop,
    Ties,
    Trace,
    Votes,
    simulate,
)

Inputs = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _issue_inputs(arrays: ScenarioArrays, issue: int) -> list[Inputs]:
    """One issue's inputs, split by who takes part: (draw rows, x, c, s as a fraction, members).

    Draws may differ in who has a stance (pivotal analysis stacks coalitions of different
    members, absent actors being NaN positions), so draws are grouped by their membership and
    each group gets only its own members; a draw is never cut to the actors all draws share.
    """
    n = arrays.n_actors
    pos = arrays.position.reshape(-1, n, arrays.n_issues)[..., issue]
    sal = np.broadcast_to(arrays.salience, arrays.position.shape).reshape(-1, n, arrays.n_issues)[..., issue]
    cap = np.broadcast_to(arrays.capability[..., :, None], arrays.position.shape).reshape(
        -1, n, arrays.n_issues
    )[..., issue]
    patterns, which = np.unique(~np.isnan(pos), axis=0, return_inverse=True)
    groups = []
    for p, pattern in enumerate(patterns):
        rows, members = np.nonzero(which.reshape(-1) == p)[0], np.nonzero(pattern)[0]
        x, c, s = pos[np.ix_(rows, members)], cap[np.ix_(rows, members)], sal[np.ix_(rows, members)] / 100.0
        if members.size == 0 or np.any((c * s).sum(axis=1) <= 0):
            raise UnsupportedScenario(
                f"model 'eum': no actor has positive capability x salience on issue {arrays.issues[issue]!r}"
            )
        groups.append((rows, x, c, s, members))
    return groups


@register
class ExpectedUtility(Model):
    """BDM's expected-utility model, issue by issue, with the documented variants as parameters."""

    name: ClassVar[str] = "eum"
    tags: ClassVar[frozenset[str]] = frozenset({"dynamic", "batch"})
    summary: ClassVar[str] = "Bueno de Mesquita expected-utility model (Scholz et al. 2011), issue by issue"
    extra_tables: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "rounds": ("round", "issue", "median", "mean"),
        "offers": ("round", "issue", "actor", "partner", "kind", "e_own", "e_other", "position"),
    }

    def __init__(
        self,
        rounds: PositiveInt = 10,
        stop: Stop = "fixed",
        q: Probability = 1.0,
        t: Probability = 1.0,
        denominator: Denominator = "global",
        offer: Offer = "scholz",
        capitulation: Capitulation = "as_coded",
        exponent: Exponent = "receiver",
        votes: Votes = "voter",
        ties: Ties = "stay",
        workers: PositiveInt = 1,
    ) -> None:
        check_model_rounds("eum", rounds=rounds)
        self._params = EUMParams(
            q=q,
            t=t,
            denominator=denominator,
            offer=offer,
            capitulation=capitulation,
            exponent=exponent,
            votes=votes,
            rounds=rounds,
            stop=stop,
            ties=ties,
        )
        self.rounds, self.stop, self.q, self.t = rounds, stop, q, t
        self.denominator, self.offer, self.capitulation = denominator, offer, capitulation
        self.exponent, self.votes, self.ties = exponent, votes, ties
        self.workers = workers  # threads over chunks of draws; results do not depend on it

    def forecast_batch(self, arrays: ScenarioArrays, rng: np.random.Generator | None = None) -> np.ndarray:
        """Final-round medians, shape (..., issues); the model is deterministic, rng is unused.

        Draws of issues with the same number of members run as one batch (stacked): every
        draw's arithmetic is independent of the others, and many small issues (e.g. a backtest's
        one-issue cases stacked as issues) then cost a few calls instead of one each.
        """
        lead = arrays.position.shape[:-2]
        draws = int(np.prod(lead, dtype=int))
        out = np.empty((draws, arrays.n_issues))
        by_size: dict[int, list[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]] = {}
        for i in range(arrays.n_issues):
            for rows, x, c, s, _ in _issue_inputs(arrays, i):
                by_size.setdefault(x.shape[1], []).append((i, rows, x, c, s))
        for group in by_size.values():
            x, c, s = (np.concatenate([g[k] for g in group]) for k in (2, 3, 4))
            median = simulate(x, c, s, self._params, self.workers).median[-1]
            at = np.cumsum([0] + [len(g[1]) for g in group])
            for g, start, stop in zip(group, at[:-1], at[1:], strict=True):
                out[g[1], g[0]] = median[start:stop]
        return out.reshape(lead + (arrays.n_issues,))

    def run_once(self, scenario: Scenario, arrays: ScenarioArrays, rng: np.random.Generator) -> Output:
        """One EUM simulation per issue, with the round-by-round trace in the history and tables."""
        traces = []
        for i in range(arrays.n_issues):
            ((_, x, c, s, members),) = _issue_inputs(arrays, i)  # one draw: one membership
            traces.append((simulate(x, c, s, self._params), members))
        last = max(int(t.last_round[0]) for t, _ in traces)
        positions = np.full((last + 1, arrays.n_actors, arrays.n_issues), np.nan)
        for i, (trace, members) in enumerate(traces):
            positions[:, members, i] = trace.positions[: last + 1, 0]
        forecast = forecast_frame(
            arrays,
            np.array([t.median[-1, 0] for t, _ in traces]),
            mean=np.array([t.mean[-1, 0] for t, _ in traces]),
            rounds=np.array([int(t.last_round[0]) for t, _ in traces]),
        )
        tables = {
            "rounds": pd.concat(
                [_rounds_table(arrays.issues[i], t, last) for i, (t, _) in enumerate(traces)],
                ignore_index=True,
            ),
            "offers": pd.concat(
                [_offers_table(arrays, i, t, m) for i, (t, m) in enumerate(traces)], ignore_index=True
            ),
        }
        return Output(history_frame(arrays, positions), forecast, tables)


def _rounds_table(issue: str, trace: Trace, last: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "round": np.arange(last + 1),
            "issue": issue,
            "median": trace.median[: last + 1, 0],
            "mean": trace.mean[: last + 1, 0],
        }
    )


def _offers_table(arrays: ScenarioArrays, issue: int, trace: Trace, members: np.ndarray) -> pd.DataFrame:
    """Every accepted offer: who moved, to whom, of which class, with the receiver's E_ij and E_ji."""
    t, who = np.nonzero(trace.kind[:, 0] != NONE)
    names = np.array(arrays.actors, dtype=object)[members]
    return pd.DataFrame(
        {
            "round": t + 1,
            "issue": arrays.issues[issue],
            "actor": names[who],
            "partner": names[trace.partner[t, 0, who]],
            "kind": [CLASS_NAMES[k] for k in trace.kind[t, 0, who]],
            "e_own": trace.e_fwd[t, 0, who],
            "e_other": trace.e_back[t, 0, who],
            "position": trace.positions[t + 1, 0, who],
        }
    )
