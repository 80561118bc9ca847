"""KAPSARC's Spatial Model of Politics (KTAB SMP) as an accord model.

Actors challenge the rival whose defeat they expect to gain most from, propose a bargain that
splits the difference by salience and estimated strength, and each actor accepts the bargain a
probabilistic Condorcet election among all actors favours. Turns repeat until positions settle
(shared/docs/models.md §1.4; reproduces KAPSARC's reference run of dummyData_3Dim exactly).

Scaling: each issue's [min, max] maps to KTAB's [0, 1]; saliences are shares of attention on
0-100, divided by 100. An actor whose saliences sum above 100 (scenarios that rate each issue
independently) has them rescaled to sum to 100. An actor without a stance on an issue gets
salience 0 there and sits at the status quo (or, without one, at the capability x salience
weighted mean of the others) so it neither cares about nor pulls that issue.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

import numpy as np

from ...errors import ParameterError, UnsupportedScenario
from ...scenario.arrays import ScenarioArrays, to_arrays
from ...scenario.limits import check_model_rounds
from ...scenario.schema import Scenario
from ..base import Model, Output, forecast_columns, history_columns
from ..baselines import _require_weight
from ..columns import Columns
from ..params import Interval, PositiveInt, choices, specs
from ..registry import register
from .core import (
    BargainInterp,
    BargainModel,
    BigRAdjust,
    BigRRange,
    KtabRules,
    PCEModel,
    ThirdPartyCommit,
    Transitions,
    VictoryProbModel,
    VotingRule,
)
from .dynamics import Trajectory, simulate

# KTAB's name of each choice (what XML ModelParameters use), in the order of the parameter's Literal
# in SMP.__init__; CHOICES below pairs them (accord value -> KTAB name).
KTAB_NAMES: dict[str, tuple[str, ...]] = {
    "victory_prob_model": ("Linear", "Square", "Quartic", "Octic", "Binary"),
    "pce_model": ("Conditional", "MarkovIncentive", "MarkovUniform"),
    "transitions": ("Deterministic", "Stochastic"),
    "voting_rule": ("Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp"),
    "big_r_adjust": ("None", "OneThird", "Half", "TwoThirds", "Full"),
    "big_r_range": ("Min", "Mid", "Max"),
    "third_party_commit": ("NoCommit", "SemiCommit", "FullCommit"),
    "bargain_interp": ("S2P2", "S1P1", "S2PMax"),
    "bargain_model": ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"),
}
KTAB_KEYS = {
    "VictoryProbModel": "victory_prob_model",
    "PCEModel": "pce_model",
    "StateTransitions": "transitions",
    "VotingRule": "voting_rule",
    "BigRAdjust": "big_r_adjust",
    "BigRRange": "big_r_range",
    "ThirdPartyCommit": "third_party_commit",
    "InterVecBrgn": "bargain_interp",
    "BargnModel": "bargain_model",
}


BARGAIN_COLUMNS = (
    "round",
    "initiator",
    "receiver",
    "prob_initiator_wins",
    "gain",
    "initiator_accepts",
    "receiver_accepts",
)


@register
class SMP(Model):
    """KTAB Spatial Model of Politics: multi-dimensional challenges, bargains and Condorcet votes.

    ``accommodation`` is KTAB's ideal-adjustment matrix A (default identity: ideals follow
    positions): either a square list of rows in actor order, or [adjusting, reference, weight]
    triples with actor ids (the form the KTAB XML importer stores), unset entries as in I.
    """

    name: ClassVar[str] = "smp"
    tags: ClassVar[frozenset[str]] = frozenset({"dynamic", "multi-issue"})
    summary: ClassVar[str] = (
        "KTAB Spatial Model of Politics: challenges, bargains and Condorcet votes (KAPSARC)"
    )
    extra_tables: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "win_probabilities": ("round", "actor", "probability"),
        "risk_attitudes": ("round", "actor", "risk"),
        "bargains": BARGAIN_COLUMNS,
    }

    def __init__(
        self,
        victory_prob_model: VictoryProbModel = "linear",
        pce_model: PCEModel = "conditional",
        transitions: Transitions = "deterministic",
        voting_rule: VotingRule = "proportional",
        big_r_adjust: BigRAdjust = "one_third",
        big_r_range: BigRRange = "mid",
        third_party_commit: ThirdPartyCommit = "semi",
        bargain_interp: BargainInterp = "S2P2",
        bargain_model: BargainModel = "init_only",
        max_turns: PositiveInt = 100,
        min_turns: PositiveInt = 2,
        min_delta_ratio: Annotated[float, Interval(0, 1, closed="left")] = 0.02,
        accommodation: list | tuple | None = None,  # checked by _check_accommodation_shape
    ) -> None:
        self.victory_prob_model, self.pce_model, self.transitions = victory_prob_model, pce_model, transitions
        self.voting_rule, self.big_r_adjust, self.big_r_range = voting_rule, big_r_adjust, big_r_range
        self.third_party_commit, self.bargain_interp, self.bargain_model = (
            third_party_commit,
            bargain_interp,
            bargain_model,
        )
        check_model_rounds("smp", max_turns=max_turns, min_turns=min_turns)
        if min_turns > max_turns:
            raise ParameterError(
                f"smp: min_turns {min_turns} exceeds max_turns {max_turns}; allowed: min_turns <= max_turns"
            )
        self.max_turns, self.min_turns, self.min_delta_ratio = (
            int(max_turns),
            int(min_turns),
            float(min_delta_ratio),
        )
        self.accommodation = _check_accommodation_shape(accommodation)

    @classmethod
    def params_from_settings(cls, settings: Mapping[str, Any]) -> dict[str, Any]:
        """Parameters from a scenario's ``models["smp"]`` (KTAB's XML names); the KTAB seed is dropped.

        KTAB's PRNG cannot be reproduced, so its seed is not a parameter: runs take accord's seed.
        """
        params: dict[str, Any] = {}
        for key, value in settings.items():
            if key in KTAB_KEYS:
                field = KTAB_KEYS[key]
                by_ktab = {v.lower(): k for k, v in CHOICES[field].items()}
                if str(value).lower() not in by_ktab:
                    raise ParameterError(
                        f"smp: bad KTAB setting {key}={value!r}; allowed: "
                        f"{', '.join(CHOICES[field].values())}"
                    )
                params[field] = by_ktab[str(value).lower()]
            elif key in specs(cls) or key == "accommodation":
                params[key] = value
            elif key != "seed":
                raise ParameterError(
                    f"smp: unknown setting {key!r}; allowed: "
                    f"{', '.join([*KTAB_KEYS, 'seed', 'accommodation'])}"
                )
        return params

    @classmethod
    def from_settings(cls, settings: dict[str, Any], **overrides: Any) -> SMP:
        """A model from a scenario's settings, with explicit overrides winning."""
        return cls(**{**cls.params_from_settings(settings), **overrides})

    def rules(self) -> KtabRules:
        """The KTAB rule choices, bundled for the core functions."""
        return KtabRules(
            victory_prob_model=self.victory_prob_model,
            pce_model=self.pce_model,
            voting_rule=self.voting_rule,
            big_r_adjust=self.big_r_adjust,
            big_r_range=self.big_r_range,
            third_party_commit=self.third_party_commit,
            bargain_interp=self.bargain_interp,
            bargain_model=self.bargain_model,
        )

    def check_supported(self, scenario: Scenario) -> None:
        """Also refuse single actors and issues where nobody has weight (every vote would tie)."""
        super().check_supported(scenario)
        if len(scenario.actors) < 2:
            raise UnsupportedScenario(
                f"model 'smp' needs at least two actors; {scenario.name!r} has {len(scenario.actors)}"
            )
        # With no weight on an issue every vote ties and the first option (actor 0's position) wins.
        _require_weight(to_arrays(scenario), self.name)

    def run_once(self, scenario: Scenario, arrays: ScenarioArrays, rng: np.random.Generator) -> Output:
        """The SMP bargaining rounds until the stop rule holds, with per-turn tables."""
        pos, sal, cap = unit_inputs(arrays)
        span = arrays.hi - arrays.lo
        traj = simulate(
            self.rules(),
            pos,
            sal,
            cap,
            accommodation_matrix(self.accommodation, arrays.actors),
            rng if self.transitions == "stochastic" else None,
            self.max_turns,
            self.min_turns,
            self.min_delta_ratio,
        )
        positions = arrays.lo + np.array(traj.positions) * span
        shown = np.where(arrays.present[None], positions, np.nan)
        return Output(
            history_columns(arrays, shown),
            _forecast(arrays, traj, positions[-1], sal, cap),
            tables=_tables(arrays, traj),
            info={"turns": len(traj.positions) - 1, "stop_ratio": traj.stop_ratios},
        )


# accord value -> KTAB name, per parameter: the choices from SMP's signature, the names from KTAB_NAMES
CHOICES: dict[str, dict[str, str]] = {
    key: dict(zip(choices(SMP, key), names, strict=True)) for key, names in KTAB_NAMES.items()
}


def unit_inputs(arrays: ScenarioArrays) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions and saliences on KTAB's [0, 1] scale (saliences of an actor summing to at most 1)."""
    sal = np.where(arrays.present, arrays.salience, 0.0)
    total = sal.sum(axis=1, keepdims=True)
    sal = np.where(total > 100, sal * (100 / np.where(total > 0, total, 1)), sal) / 100.0
    unit = (arrays.position - arrays.lo) / (arrays.hi - arrays.lo)
    weight = arrays.capability[:, None] * sal
    stated = np.where(arrays.present, unit, 0.0)
    fill = np.where(
        weight.sum(axis=0) > 0,
        (weight * stated).sum(axis=0) / np.maximum(weight.sum(axis=0), 1e-300),
        np.nanmean(np.where(arrays.present, unit, np.nan), axis=0),
    )
    sq = (arrays.status_quo - arrays.lo) / (arrays.hi - arrays.lo)
    fill = np.where(np.isnan(sq), fill, sq)
    fill = np.where(np.isnan(fill), 0.5, fill)
    return np.where(arrays.present, unit, fill[None, :]), sal, arrays.capability.astype(float)


def _check_accommodation_shape(value: list | tuple | None) -> list | None:
    if value is None:
        return None
    if not isinstance(value, (list, tuple)) or not value:
        raise ParameterError(
            f"smp: bad accommodation {value!r}; allowed: a square matrix (list of rows) or "
            "[adjusting actor, reference actor, weight] triples"
        )
    rows = [list(r) if isinstance(r, (list, tuple)) else r for r in value]
    triples = all(isinstance(r, list) and len(r) == 3 and isinstance(r[0], str) for r in rows)
    square = all(isinstance(r, list) and len(r) == len(rows) for r in rows) and not triples
    if not (triples or square):
        raise ParameterError(
            "smp: bad accommodation; allowed: a square matrix (list of rows) or "
            "[adjusting actor, reference actor, weight] triples"
        )
    weights = [r[2] for r in rows] if triples else [x for r in rows for x in r]
    if not all(isinstance(w, (int, float)) and not isinstance(w, bool) and 0 <= w <= 1 for w in weights):
        raise ParameterError("smp: bad accommodation weight; allowed: numbers in [0, 1]")
    return rows


def accommodation_matrix(value: list | None, actors: tuple[str, ...]) -> np.ndarray | None:
    """KTAB's A as an (n, n) array, or None for the identity; rows must sum to at most 1."""
    if value is None:
        return None
    n = len(actors)
    if isinstance(value[0][0], str):
        a = np.eye(n)
        index = {name: k for k, name in enumerate(actors)}
        for adjusting, reference, weight in value:
            for who in (adjusting, reference):
                if who not in index:
                    raise ParameterError(
                        f"smp: accommodation names unknown actor {who!r}; allowed: {', '.join(actors)}"
                    )
            a[index[adjusting], index[reference]] = weight
    else:
        a = np.array(value, dtype=float)
        if a.shape != (n, n):
            raise ParameterError(
                f"smp: accommodation matrix is {a.shape[0]}x{a.shape[1]}; allowed: {n}x{n} "
                "(one row per actor)"
            )
    bad = np.nonzero(a.sum(axis=1) > 1 + 1e-10)[0]
    if bad.size:
        raise ParameterError(
            f"smp: accommodation weights of {actors[bad[0]]} sum above 1; allowed: a row sum <= 1"
        )
    return None if np.array_equal(a, np.eye(n)) else a


def _forecast(
    arrays: ScenarioArrays, traj: Trajectory, final: np.ndarray, sal: np.ndarray, cap: np.ndarray
) -> Columns:
    """The most probable final position cluster per issue, plus the capability x salience mean."""
    reps, probs = traj.classes[-1]
    top = reps[int(np.argmax(probs))]
    weight = cap[:, None] * sal
    present = arrays.present
    w = np.where(present, weight, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(
            w.sum(axis=0) > 0, (w * np.where(present, final, 0.0)).sum(axis=0) / w.sum(axis=0), final[top]
        )
    return forecast_columns(
        arrays,
        final[top],
        weighted_mean=mean,
        win_probability=np.full(arrays.n_issues, float(probs.max())),
        leader=np.array([arrays.actors[top]] * arrays.n_issues, dtype=object),
    )


def _tables(arrays: ScenarioArrays, traj: Trajectory) -> dict[str, Columns]:
    n = arrays.n_actors
    rounds = len(traj.win_probs)
    actors = np.array(arrays.actors, dtype=object)
    per_actor = lambda values, col: Columns(  # noqa: E731  (a one-use table builder)
        {
            "round": np.repeat(np.arange(rounds), n),
            "actor": np.tile(actors, rounds),
            col: np.concatenate(values),
        }
    )
    return {
        "win_probabilities": per_actor(traj.win_probs, "probability"),
        "risk_attitudes": per_actor(traj.risk, "risk"),
        "bargains": _bargains_table(traj, actors),
    }


def _bargains_table(traj: Trajectory, actors: np.ndarray) -> Columns:
    """One row per bargain proposed, in turn order; whether each party's queue chose it."""
    turns = [(r, b, chosen) for r, b, chosen in traj.bargains if b.init.size]
    if not turns:
        return Columns({c: np.empty(0, dtype=object) for c in BARGAIN_COLUMNS})
    cat = lambda part: np.concatenate([part(r, b, chosen) for r, b, chosen in turns])  # noqa: E731
    index = lambda b: np.arange(b.init.size)  # noqa: E731
    return Columns(
        {
            "round": cat(lambda r, b, chosen: np.full(b.init.size, r, dtype=np.int64)),
            "initiator": actors[cat(lambda r, b, chosen: b.init)],
            "receiver": actors[cat(lambda r, b, chosen: b.rcvr)],
            "prob_initiator_wins": cat(lambda r, b, chosen: b.prob.astype(float)),
            "gain": cat(lambda r, b, chosen: b.gain.astype(float)),
            "initiator_accepts": cat(lambda r, b, chosen: chosen[b.init] == index(b)),
            "receiver_accepts": cat(lambda r, b, chosen: chosen[b.rcvr] == index(b)),
        }
    )
