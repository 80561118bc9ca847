"""Conformance checks of the analyses every model must support: Monte Carlo and pivotal actors.

These run the real analyses (not the model alone), because a model can pass every run-level
check and still break them: a batch path that drops actors, a result that does not survive
being stacked into draws, an exception on a coalition of some actors only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..analysis.montecarlo import NoiseSpec, monte_carlo
from ..analysis.pivotal import pivotal_actors, reference_point
from ..errors import AccordError
from ..models.base import Model
from ..scenario import Scenario, to_arrays
from .scenarios import SEED, supported

MC_DRAWS = 3  # one chunk: enough to exercise the batch path, cheap for the dynamic models
SHAPLEY_MAX_ACTORS = 5  # exact Shapley values (2^n coalitions) only on the small scenarios
NO_NOISE = NoiseSpec(position_sd=0.0, salience_sd=0.0, capability_sd=0.0)


def check_monte_carlo(model: Model, scenarios: Sequence[Scenario]) -> None:
    """Monte Carlo runs wherever run() does: finite in-range draws, reproducible from the seed, and
    (for a deterministic model) draws without noise equal to run()'s forecast."""
    for sc in supported(model, scenarios):
        name = f"{model.name} on {sc.name}"
        try:
            first = monte_carlo(sc, model, draws=MC_DRAWS, seed=SEED)
            again = monte_carlo(sc, model, draws=MC_DRAWS, seed=SEED)
            quiet = (
                None
                if "stochastic" in model.tags
                else monte_carlo(sc, model, draws=2, seed=SEED, noise=NO_NOISE)
            )
        except AccordError as exc:
            raise AssertionError(
                f"{name}: Monte Carlo failed although run() supports the scenario: {exc}"
            ) from None
        f = first.forecasts
        assert f.shape == (MC_DRAWS, len(sc.issues)), (
            f"{name}: Monte Carlo forecasts have shape (draws, issues)"
        )
        assert np.isfinite(f).all(), f"{name}: Monte Carlo forecasts are finite"
        a = to_arrays(sc)
        tol = 1e-9 * (a.hi - a.lo)
        assert ((f >= a.lo - tol) & (f <= a.hi + tol)).all(), (
            f"{name}: Monte Carlo forecasts inside the ranges"
        )
        np.testing.assert_array_equal(f, again.forecasts, err_msg=f"{name}: Monte Carlo under one seed")
        assert first.extra.keys() == again.extra.keys(), f"{name}: Monte Carlo extras under one seed"
        for key in first.extra:
            np.testing.assert_array_equal(first.extra[key], again.extra[key], err_msg=f"{name}: extra {key}")
        if quiet is not None:
            expected = model.run(sc, SEED).forecast["forecast"].to_numpy(dtype=float)
            np.testing.assert_allclose(
                quiet.forecasts,
                np.broadcast_to(expected, quiet.forecasts.shape),
                rtol=1e-9,
                atol=1e-9,
                err_msg=f"{name}: draws without noise = run()",
            )


def check_pivotal(model: Model, scenarios: Sequence[Scenario]) -> None:
    """Pivotal actors work wherever run() does: finite effects for every actor (remove) and stance
    (shift), and on small scenarios Shapley shares that add up to run()'s move from the reference."""
    for sc in supported(model, scenarios):
        name = f"{model.name} on {sc.name}"
        small = len(sc.actors) <= SHAPLEY_MAX_ACTORS
        methods = ("remove", "shift", "shapley") if small else ("remove", "shift")
        try:
            frame = pivotal_actors(sc, model, seed=SEED, method=methods)
        except AccordError as exc:
            raise AssertionError(
                f"{name}: pivotal actors failed although run() supports the scenario: {exc}"
            ) from None
        assert np.isfinite(frame["effect"].to_numpy(dtype=float)).all(), f"{name}: pivotal effects are finite"
        pairs = {m: set(zip(g["actor"], g["issue"], strict=True)) for m, g in frame.groupby("method")}
        assert set(pairs) == set(methods), f"{name}: pivotal gives every method asked for"
        every = {(a, i) for a in sc.actor_ids for i in sc.issue_ids}
        stances = {(a, i) for a, row in sc.stances.items() for i in row}
        assert pairs["remove"] == every, f"{name}: a remove effect for every actor and issue"
        assert pairs["shift"] == stances, f"{name}: a shift effect for every stance"
        if small:
            a = to_arrays(sc)
            full = model.run(sc, SEED).forecast["forecast"].to_numpy(dtype=float)
            shares = (
                frame[frame["method"] == "shapley"]
                .groupby("issue")["effect"]
                .sum()
                .reindex(list(a.issues), fill_value=0.0)
                .to_numpy()
            )
            np.testing.assert_allclose(
                shares,
                full - reference_point(a),
                rtol=1e-9,
                atol=1e-7 * (a.hi - a.lo).max(),
                err_msg=f"{name}: Shapley shares add up to run()'s move from the reference",
            )
