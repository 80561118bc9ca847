"""The model-level conformance checks: protocol, declared support, output shape, determinism,
seeds, actor order, untouched inputs, pickling and the batch path.

Each check takes ``(model, scenarios)`` and raises AssertionError naming the model, the scenario
and what failed.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import UnsupportedScenario
from ..models.base import HISTORY_COLUMNS, PER_ISSUE, TAGS, Model, Result
from ..scenario import Scenario, to_arrays
from .scenarios import SEED, supported

META_KEYS = ("model", "params", "seed", "accord_version", "scenario", "scenario_hash")


# ---- the checks ----------------------------------------------------------------------------------


def check_protocol(model: Model, scenarios: Sequence[Scenario]) -> None:
    """Class attributes the registry and `accord models` show, and get_params() rebuilding the model."""
    cls = type(model)
    assert cls.name, "the model class has a `name`"
    assert isinstance(cls.tags, frozenset) and cls.tags, f"{cls.name}: the class has a frozenset of `tags`"
    for tags in (cls.tags, model.tags):
        assert tags <= set(TAGS), (
            f"{cls.name}: unknown tags {sorted(tags - set(TAGS))}; allowed: {sorted(TAGS)}"
        )
    assert ("batch" in model.tags) == (cls.forecast_batch is not Model.forecast_batch), (
        f"{cls.name}: the batch tag is there exactly when the model defines forecast_batch"
    )
    assert cls.summary, f"{cls.name}: a one-line `summary` for `accord models`"
    assert repr(cls(**model.get_params())) == repr(model), (
        f"{cls.name}: get_params() rebuilds an identical model"
    )


def check_declares_support(model: Model, scenarios: Sequence[Scenario]) -> None:
    """Every scenario runs or is refused with UnsupportedScenario by both check_supported and run."""
    ok = supported(model, scenarios)
    assert ok, f"{model.name}: no conformance scenario is supported; pass scenarios the model can run"
    for sc in scenarios:
        if sc in ok:
            model.run(sc, SEED)  # any exception here fails: unsupported input must be declared
            continue
        try:
            model.run(sc, 0)
        except UnsupportedScenario as exc:
            assert str(exc), f"{model.name}: UnsupportedScenario on {sc.name} carries a message"
            continue
        raise AssertionError(
            f"{model.name}: check_supported refused {sc.name} but run() did not raise UnsupportedScenario"
        )


def check_run_output(model: Model, scenarios: Sequence[Scenario]) -> None:
    """History and forecast tables in the protocol's shape, inside every issue's range, with metadata."""
    for sc in supported(model, scenarios):
        name = f"{model.name} on {sc.name}"
        res = model.run(sc, SEED)
        hist = res.history
        assert list(hist.columns[:4]) == HISTORY_COLUMNS, f"{name}: history columns start {HISTORY_COLUMNS}"
        assert len(hist), f"{name}: history is not empty"
        assert hist["round"].min() == 0, f"{name}: history starts at round 0"
        assert set(hist["actor"]) <= set(sc.actor_ids), f"{name}: history names only scenario actors"
        assert set(hist["issue"]) <= set(sc.issue_ids), f"{name}: history names only scenario issues"
        assert list(res.forecast["issue"]) == sc.issue_ids, f"{name}: one forecast row per issue, in order"
        for iss in sc.issues:
            pos = hist.loc[hist["issue"] == iss.id, "position"].to_numpy(dtype=float)
            pos = pos[~np.isnan(pos)]
            tol = 1e-9 * (iss.max - iss.min)
            assert np.all((pos >= iss.min - tol) & (pos <= iss.max + tol)), (
                f"{name}: positions inside {iss.id}'s range"
            )
            value = res.forecast_of(iss.id)
            assert iss.min - tol <= value <= iss.max + tol, (
                f"{name}: forecast {value} inside {iss.id}'s range"
            )
        for key in META_KEYS:
            assert key in res.meta, f"{name}: metadata has {key!r}"
        assert res.meta["seed"] == SEED and res.meta["scenario_hash"] == sc.content_hash(), (
            f"{name}: metadata"
        )
        _check_tables(model, sc, res, name)


def _check_tables(model: Model, sc: Scenario, res: Result, name: str) -> None:
    """The run's extra tables are exactly those the model declares, each with its declared columns."""
    declared = model.declared_tables()
    assert set(res.tables) == set(declared), (
        f"{name}: tables {sorted(res.tables)}; declared (extra_tables): {sorted(declared)}"
    )
    for table, columns in declared.items():
        expected = [c for col in columns for c in (sc.issue_ids if col == PER_ISSUE else [col])]
        got = list(res.tables[table].columns)
        assert got == expected, f"{name}: table {table} has columns {got}; declared: {expected}"


def check_same_seed_same_result(model: Model, scenarios: Sequence[Scenario]) -> None:
    """Two runs with one seed give identical results (runs are reproducible from their seed)."""
    for sc in supported(model, scenarios):
        _assert_same(model.run(sc, SEED), model.run(sc, SEED), f"{model.name} on {sc.name} under one seed")


def check_seed_dependence(model: Model, scenarios: Sequence[Scenario]) -> None:
    """A stochastic model draws from the seed (some scenario differs); any other model ignores it."""
    ok = supported(model, scenarios)
    runs = [(sc, model.run(sc, 1), model.run(sc, 2)) for sc in ok]
    if "stochastic" in model.tags:
        differs = [sc.name for sc, a, b in runs if not _equal(a, b)]
        assert differs, (
            f"{model.name} is tagged stochastic but seeds 1 and 2 give the same result on every "
            f"scenario ({', '.join(sc.name for sc in ok)})"
        )
    else:
        for sc, a, b in runs:
            _assert_same(a, b, f"{model.name} (not tagged stochastic) on {sc.name} under seeds 1 and 2")


def check_actor_order_invariance(model: Model, scenarios: Sequence[Scenario]) -> None:
    """Listing the actors in another order changes no forecast (the result cannot depend on it)."""
    for sc in supported(model, scenarios):
        data = sc.model_dump()
        data["actors"] = list(reversed(data["actors"]))
        again, first = model.run(Scenario.model_validate(data), SEED), model.run(sc, SEED)
        np.testing.assert_allclose(
            again.forecast["forecast"].to_numpy(dtype=float),
            first.forecast["forecast"].to_numpy(dtype=float),
            rtol=1e-9,
            atol=1e-9,
            err_msg=f"{model.name} on {sc.name}: forecast invariant under actor order",
        )


def check_run_leaves_inputs_unchanged(model: Model, scenarios: Sequence[Scenario]) -> None:
    """run() reads the model and the scenario and changes neither (analyses reuse both across runs)."""
    before = _state(model)
    for sc in supported(model, scenarios):
        dump, digest = sc.model_dump(), sc.content_hash()
        model.run(sc, SEED)
        assert sc.model_dump() == dump and sc.content_hash() == digest, (
            f"{model.name}: run() changed {sc.name}"
        )
        after = _state(model)
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        assert not changed, f"{model.name}: run() on {sc.name} changed the model's attributes {changed}"


def check_pickle_round_trip(model: Model, scenarios: Sequence[Scenario]) -> None:
    """A model pickles (Dask and process pools ship it) and the copy gives the same results."""
    try:
        copy = pickle.loads(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception as exc:  # noqa: BLE001  (any pickling failure is the finding)
        raise AssertionError(
            f"{model.name}: the model does not pickle ({type(exc).__name__}: {exc})"
        ) from None
    assert type(copy) is type(model) and repr(copy) == repr(model), f"{model.name}: unpickled copy differs"
    for sc in supported(model, scenarios):
        _assert_same(
            copy.run(sc, SEED), model.run(sc, SEED), f"{model.name} on {sc.name} after a pickle round trip"
        )


def check_batch_matches_run(model: Model, scenarios: Sequence[Scenario]) -> None:
    """The vectorised forecast_batch (Monte Carlo's path) gives run()'s forecast on every draw."""
    for sc in supported(model, scenarios):
        arrays = to_arrays(sc)
        stacked = arrays.with_values(
            capability=np.stack([arrays.capability] * 2),
            position=np.stack([arrays.position] * 2),
            salience=np.stack([arrays.salience] * 2),
        )
        batch = model.forecast_batch(stacked, np.random.default_rng(SEED))
        name = f"{model.name} on {sc.name}"
        assert batch.shape == (2, len(sc.issues)), f"{name}: forecast_batch shape (draws, issues)"
        expected = model.run(sc, SEED).forecast["forecast"].to_numpy(dtype=float)
        for row in batch:
            np.testing.assert_allclose(
                row, expected, rtol=1e-9, atol=1e-9, err_msg=f"{name}: batch path = run"
            )


# ---- helpers --------------------------------------------------------------------------------------


def _equal(a: Result, b: Result) -> bool:
    return a.history.equals(b.history) and a.forecast.equals(b.forecast)


def _assert_same(a: Result, b: Result, what: str) -> None:
    pd.testing.assert_frame_equal(a.history, b.history, obj=f"{what}: history")
    pd.testing.assert_frame_equal(a.forecast, b.forecast, obj=f"{what}: forecast")
    assert set(a.tables) == set(b.tables), f"{what}: the same tables"
    for key in a.tables:
        pd.testing.assert_frame_equal(a.tables[key], b.tables[key], obj=f"{what}: table {key}")
    assert _dumps(a.info) == _dumps(b.info), f"{what}: info"


def _state(model: Model) -> dict[str, Any]:
    return {k: _dumps(v) for k, v in vars(model).items()}


def _dumps(value: Any) -> bytes:
    try:
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001  (an unpicklable attribute: compare its repr)
        return repr(value).encode()
