"""The conformance suite every model passes: ``check_model(model)``.

Like scikit-learn's ``check_estimator``: one function that holds every model to the protocol, so
analyses and faces can treat all models alike. It raises AssertionError naming the failed check.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .models.base import HISTORY_COLUMNS, Model
from .scenario import Scenario, load, to_arrays
from .scenario.errors import UnsupportedScenario

META_KEYS = ("model", "params", "seed", "accord_version", "scenario", "scenario_hash")


def conformance_scenarios() -> list[Scenario]:
    """Small scenarios covering one issue, several issues, status quo present and absent."""
    two_issue = Scenario.model_validate({
        "name": "conformance-two-issue",
        "actors": [{"id": a, "capability": c} for a, c in (("A", 40), ("B", 25), ("C", 20), ("D", 15), ("E", 30))],
        "issues": [
            {"id": "tax", "min": 0, "max": 100, "status_quo": 30},
            {"id": "spend", "min": -50, "max": 50, "status_quo": 0},
        ],
        "stances": {
            "A": {"tax": {"position": 80, "salience": 60}, "spend": {"position": -40, "salience": 30}},
            "B": {"tax": {"position": 20, "salience": 40}, "spend": {"position": 35, "salience": 50}},
            "C": {"tax": {"position": 55, "salience": 70}, "spend": {"position": 10, "salience": 20}},
            "D": {"tax": {"position": 10, "salience": 30}, "spend": {"position": -10, "salience": 60}},
            "E": {"tax": {"position": 65, "salience": 45}, "spend": {"position": 25, "salience": 40}},
        },
    })
    found = [load("ec-emissions"), two_issue]
    try:
        found.append(load("afghanistan-2013"))
    except Exception:  # the flagship example is optional for third-party model packages
        pass
    return found


def check_model(model: Model, scenarios: list[Scenario] | None = None) -> None:
    cls = type(model)
    assert cls.name, "the model class has a `name`"
    assert isinstance(cls.tags, frozenset) and cls.tags, "the model class has a frozenset of `tags`"
    params = model.get_params()
    assert repr(cls(**params)) == repr(model), "get_params() rebuilds an identical model"
    ran = 0
    for sc in scenarios or conformance_scenarios():
        try:
            model.check_supported(sc)
        except UnsupportedScenario:
            _check_refuses(model, sc)
            continue
        _check_one(model, sc)
        ran += 1
    assert ran, f"{cls.name}: no conformance scenario is supported; pass scenarios the model can run"


def _check_refuses(model: Model, sc: Scenario) -> None:
    try:
        model.run(sc, 0)
    except UnsupportedScenario as exc:
        assert str(exc), "UnsupportedScenario carries a message"
        return
    raise AssertionError(f"{model.name}: check_supported refused {sc.name} but run() did not raise UnsupportedScenario")


def _check_one(model: Model, sc: Scenario) -> None:
    name = f"{model.name} on {sc.name}"
    first, second = model.run(sc, 123), model.run(sc, 123)
    pd.testing.assert_frame_equal(first.history, second.history, obj=f"{name}: history under one seed")
    pd.testing.assert_frame_equal(first.forecast, second.forecast, obj=f"{name}: forecast under one seed")

    hist = first.history
    assert list(hist.columns[:4]) == HISTORY_COLUMNS, f"{name}: history columns start {HISTORY_COLUMNS}"
    assert len(hist), f"{name}: history is not empty"
    assert hist["round"].min() == 0, f"{name}: history starts at round 0"
    assert set(hist["actor"]) <= set(sc.actor_ids), f"{name}: history names only scenario actors"
    assert set(hist["issue"]) <= set(sc.issue_ids), f"{name}: history names only scenario issues"
    assert list(first.forecast["issue"]) == sc.issue_ids, f"{name}: one forecast row per issue, in order"
    for iss in sc.issues:
        pos = hist.loc[hist["issue"] == iss.id, "position"].to_numpy(dtype=float)
        pos = pos[~np.isnan(pos)]
        tol = 1e-9 * (iss.max - iss.min)
        assert np.all((pos >= iss.min - tol) & (pos <= iss.max + tol)), f"{name}: positions inside {iss.id}'s range"
        value = first.forecast_of(iss.id)
        assert iss.min - tol <= value <= iss.max + tol, f"{name}: forecast {value} inside {iss.id}'s range"
    for key in META_KEYS:
        assert key in first.meta, f"{name}: metadata has {key!r}"
    assert first.meta["seed"] == 123 and first.meta["scenario_hash"] == sc.content_hash(), f"{name}: metadata"

    if "stochastic" not in model.tags:
        _check_order_invariance(model, sc, first)
    if "batch" in model.tags:
        arrays = to_arrays(sc)
        stacked = arrays.with_values(
            capability=np.stack([arrays.capability] * 2),
            position=np.stack([arrays.position] * 2),
            salience=np.stack([arrays.salience] * 2),
        )
        batch = model.forecast_batch(stacked, np.random.default_rng(123))
        assert batch.shape == (2, len(sc.issues)), f"{name}: forecast_batch shape (draws, issues)"
        expected = first.forecast["forecast"].to_numpy(dtype=float)
        np.testing.assert_allclose(batch[0], expected, rtol=1e-9, atol=1e-9, err_msg=f"{name}: batch path = run")


def _check_order_invariance(model: Model, sc: Scenario, first) -> None:
    data = sc.model_dump()
    data["actors"] = list(reversed(data["actors"]))
    reordered = Scenario.model_validate(data)
    again = model.run(reordered, 123)
    np.testing.assert_allclose(
        again.forecast["forecast"].to_numpy(dtype=float), first.forecast["forecast"].to_numpy(dtype=float),
        rtol=1e-9, atol=1e-9, err_msg=f"{model.name} on {sc.name}: forecast invariant under actor order",
    )
