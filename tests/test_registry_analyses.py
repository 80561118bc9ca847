"""Pivotal actors and Monte Carlo work for every registered model on the shipped examples.

Driven by the registry, so a newly registered model is covered without editing this file. A model
that cannot run a scenario at all (say, one that needs a status quo the example lacks) must refuse
it with ``UnsupportedScenario`` in the analyses too; every other model must give finite numbers.
The remove effects of the vectorised path are checked against one ``run`` per coalition (the
object path with the actor dropped from the scenario), which is what they stand for.
"""

from __future__ import annotations

import numpy as np
import pytest

from accord.analysis.edit import drop
from accord.analysis.montecarlo import monte_carlo
from accord.analysis.pivotal import pivotal_actors
from accord.errors import UnsupportedScenario
from accord.models import list_models
from accord.models.registry import build_model
from accord.scenario import load
from accord.scenario.arrays import to_arrays

SCENARIOS = ("ec-emissions", "afghanistan-2013")
CASES = [(m, s) for m in sorted(list_models()) for s in SCENARIOS]
BATCH = sorted(n for n, cls in list_models().items() if "batch" in cls.tags and "stochastic" not in cls.tags)


def _supported(model, scenario) -> bool:
    try:
        model.check_supported(scenario)
    except UnsupportedScenario:
        return False
    return True


@pytest.mark.parametrize(("name", "example"), CASES)
def test_pivotal_remove_runs_for_every_registered_model(name, example):
    scenario = load(example)
    model = build_model(name, scenario)
    if not _supported(model, scenario):
        with pytest.raises(UnsupportedScenario):
            pivotal_actors(scenario, model, method=("remove",))
        return
    frame = pivotal_actors(scenario, model, seed=0, method=("remove",))
    assert set(frame["actor"]) == set(scenario.actor_ids)
    assert np.isfinite(frame["effect"]).all()


@pytest.mark.parametrize(("name", "example"), CASES)
def test_monte_carlo_runs_for_every_registered_model(name, example):
    scenario = load(example)
    model = build_model(name, scenario)
    if not _supported(model, scenario):
        with pytest.raises(UnsupportedScenario):
            monte_carlo(scenario, model, draws=4, seed=1)
        return
    result = monte_carlo(scenario, model, draws=4, seed=1)
    assert result.forecasts.shape == (4, len(scenario.issues))
    assert np.isfinite(result.forecasts).all()


@pytest.mark.parametrize("example", SCENARIOS)
@pytest.mark.parametrize("name", BATCH)
def test_vectorised_remove_effects_equal_one_run_per_dropped_actor(name, example):
    """The batch path stacks coalitions of different members; each must be what its own run gives."""
    scenario = load(example)
    model = build_model(name, scenario)
    if not _supported(model, scenario):
        return  # refusal is covered by test_pivotal_remove_runs_for_every_registered_model
    frame = pivotal_actors(scenario, model, seed=0, method=("remove",)).set_index(["actor", "issue"])
    full = model.run(scenario, 0).forecast.set_index("issue")["forecast"]
    arrays = to_arrays(scenario)
    weighed = arrays.present & (arrays.salience > 0) & (arrays.capability[:, None] > 0)
    checked = 0
    for k, actor in enumerate(scenario.actor_ids):
        others = np.delete(weighed, k, axis=0).any(axis=0)
        if not others.all():
            continue  # an issue only this actor weighs falls back to the reference point
        without = model.run(drop(scenario, actors=[actor]), 0).forecast.set_index("issue")["forecast"]
        for issue in scenario.issue_ids:
            if (actor, issue) in frame.index:
                expected = full[issue] - without[issue]
                assert frame.loc[(actor, issue), "effect"] == pytest.approx(expected, abs=1e-9), (
                    actor,
                    issue,
                )
                checked += 1
    assert checked > 0


@pytest.mark.parametrize("name", BATCH)
def test_forecast_batch_of_stacked_memberships_equals_each_draw_alone(name):
    """Draws with different actors absent (NaN position, zero salience) do not affect each other."""
    scenario = load("ec-emissions")
    model = build_model(name, scenario)
    if not _supported(model, scenario):
        scenario = load("afghanistan-2013")
        model = build_model(name, scenario)
    a = to_arrays(scenario)
    n = a.n_actors
    keep = np.ones((n + 1, n), dtype=bool)
    keep[np.arange(1, n + 1), np.arange(n)] = False  # draw 0: everyone; draw k: actor k-1 missing
    stacked = a.with_values(
        capability=np.broadcast_to(a.capability, (n + 1, n)).copy(),
        position=np.where(keep[:, :, None], a.position[None], np.nan),
        salience=np.where(keep[:, :, None], a.salience[None], 0.0),
    )
    together = model.forecast_batch(stacked, np.random.default_rng(0))
    for d in range(n + 1):
        alone = a.with_values(
            capability=stacked.capability[d : d + 1],
            position=stacked.position[d : d + 1],
            salience=stacked.salience[d : d + 1],
        )
        np.testing.assert_allclose(
            together[d],
            model.forecast_batch(alone, np.random.default_rng(0))[0],
            rtol=0,
            atol=1e-12,
            err_msg=f"draw {d}",
        )


def test_cli_forecast_with_draws_runs_the_eum_with_its_pivotal_actors():
    """The review's reproduction: this exited 2 with "no actor has positive capability x salience"."""
    import json

    from typer.testing import CliRunner

    from accord.cli import app

    res = CliRunner().invoke(
        app, ["forecast", "ec-emissions", "-m", "eum", "--draws", "50", "--no-store", "--json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert {p["actor"] for p in data["pivotal"]} <= set(load("ec-emissions").actor_ids) and data["pivotal"]
    assert len(data["intervals"]) == 1 and np.isfinite(data["intervals"][0]["median"])
