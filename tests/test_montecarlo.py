"""Monte Carlo: hand-worked noise sizes, zero-noise collapse, seeds, chunk independence, agreement.

Repetition across processes is checked in test_resume.py (a subprocess computes part of a sweep)
and test_dask.py (worker processes compute it).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from analysis_helpers import CoinAgreement, two_at_middle
from typer.testing import CliRunner

from accord.analysis.montecarlo import CHUNK, NoiseSpec, monte_carlo, perturb
from accord.cli import app
from accord.errors import ParameterError
from accord.models import make_model
from accord.scenario import load, to_arrays

NONE = NoiseSpec(position_sd=0, salience_sd=0, capability_sd=0)


def test_zero_noise_collapses_to_the_point_forecast():
    sc = load("afghanistan-2013")
    for name in ("weighted-mean", "weighted-median"):
        model = make_model(name)
        point = model.run(sc).forecast["forecast"].to_numpy()
        summary = monte_carlo(sc, model, draws=50, seed=1, noise=NONE).summary
        for col in ("median", "p2_5", "p10", "p90", "p97_5", "mean"):
            np.testing.assert_allclose(summary[col].to_numpy(), point, rtol=0, atol=1e-9)


def test_position_noise_of_an_average_has_the_hand_worked_spread():
    # Two equal actors at 40 and 60: the forecast is their mean, so with position sd 0.05 x 100 = 5
    # each it is normal with mean 50 and sd 5 / sqrt(2) = 3.536; p10 = 50 - 1.2816 x 3.536 = 45.47.
    noise = NoiseSpec(position_sd=0.05, salience_sd=0, capability_sd=0)
    res = monte_carlo(two_at_middle(), make_model("weighted-mean"), draws=20000, seed=7, noise=noise)
    f = res.forecasts[:, 0]
    assert abs(f.mean() - 50) < 0.1
    assert abs(f.std() - 5 / np.sqrt(2)) < 0.05
    row = res.summary.iloc[0]
    assert abs(row["p10"] - 45.47) < 0.15 and abs(row["p90"] - 54.53) < 0.15
    assert row["p2_5"] < row["p10"] < row["p25"] < row["median"] < row["p75"] < row["p90"] < row["p97_5"]


def test_perturb_respects_ranges_and_keeps_absent_stances_absent():
    arrays = to_arrays(load("afghanistan-2013"))
    big = NoiseSpec(position_sd=0.5, salience_sd=60, capability_sd=0.2)
    out = perturb(arrays, 4000, big, np.random.default_rng(3))
    assert out.position.shape == (4000, *arrays.position.shape)
    present = arrays.present
    assert np.all(np.isnan(out.position[:, ~present])) and np.all(out.salience[:, ~present] == 0)
    pos = out.position[:, present]
    assert np.all(pos >= 0) and np.all(pos <= 100)
    assert np.all(out.salience[:, present] >= 1) and np.all(out.salience[:, present] <= 100)
    # Capability: log-normal around the scenario's value, median kept, sd of the log 0.2.
    logs = np.log(out.capability / arrays.capability)
    assert abs(np.median(logs)) < 0.01 and abs(logs.std() - 0.2) < 0.01


def test_seeded_runs_repeat_and_are_chunk_independent():
    sc, model = load("afghanistan-2013"), make_model("weighted-mean")
    a = monte_carlo(sc, model, draws=2 * CHUNK + 10, seed=5).forecasts
    b = monte_carlo(sc, model, draws=2 * CHUNK + 10, seed=5).forecasts
    c = monte_carlo(sc, model, draws=CHUNK + 3, seed=5).forecasts
    d = monte_carlo(sc, model, draws=CHUNK + 3, seed=6).forecasts
    assert np.array_equal(a, b)
    assert np.array_equal(a[:CHUNK], c[:CHUNK])  # the first chunk is the same whatever the total
    assert not np.array_equal(c, d)


def test_agreement_probability_and_rounds_from_per_draw_extras():
    sc = two_at_middle().model_copy(update={"start": None})
    res = monte_carlo(sc, CoinAgreement(), draws=4000, seed=2)
    assert abs(res.p_agreement - 0.3) < 0.03
    rounds = res.agreement_rounds
    assert rounds.shape == (4000,)
    assert np.array_equal(np.isnan(rounds), ~res.extra["agreement"].astype(bool))
    summary = res.agreement()
    assert summary["p_agreement"] == res.p_agreement and 3 <= summary["round_median"] <= 6
    assert monte_carlo(sc, make_model("weighted-mean"), draws=10, seed=2).p_agreement is None


def test_noise_spec_parsing():
    assert NoiseSpec.parse([]) == NoiseSpec()
    assert NoiseSpec.parse(["none"]) == NONE
    assert NoiseSpec.parse(["position=0.1,salience=5", "capability=0"]) == NoiseSpec(
        position_sd=0.1, salience_sd=5, capability_sd=0
    )
    for bad in (["position=x"], ["colour=1"], ["position=-1"], ["salience"]):
        with pytest.raises(ParameterError):
            NoiseSpec.parse(bad)


def test_cli_montecarlo_json(tmp_path):
    store = tmp_path / "runs.sqlite"
    res = CliRunner().invoke(
        app,
        ["montecarlo", "afghanistan-2013", "--draws", "300", "--seed", "4", "--json", "--store", str(store)],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [r["issue"] for r in data["issues"]] == load("afghanistan-2013").issue_ids
    for r in data["issues"]:
        assert r["p2_5"] <= r["p10"] <= r["p25"] <= r["median"] <= r["p75"] <= r["p90"] <= r["p97_5"]
    assert data["p_agreement"] is None and data["run_id"] == 1
    bad = CliRunner().invoke(app, ["montecarlo", "afghanistan-2013", "--draws", "0", "--no-store"])
    assert bad.exit_code == 2 and "--draws must be at least 1" in bad.output


def test_cli_forecast_with_draws_adds_intervals_and_pivotal_actors(tmp_path):
    res = CliRunner().invoke(app, ["forecast", "afghanistan-2013", "--draws", "300", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    point = {r["issue"]: r["forecast"] for r in data["issues"]}
    for row in data["intervals"]:
        assert row["p10"] <= row["median"] <= row["p90"]
        assert row["p10"] - 5 < point[row["issue"]] < row["p90"] + 5
    assert {p["issue"] for p in data["pivotal"]} == set(point)
    assert data["run_id"] == 1 and (tmp_path / "accord-runs.sqlite").exists()  # the conftest's private store
    table = CliRunner().invoke(app, ["forecast", "afghanistan-2013", "--draws", "100", "--no-store"])
    assert table.exit_code == 0 and "80% interval" in table.output and "pivotal" in table.output
    # --draws defaults to 500 since issue 13 (the answer block); --draws 0 gives point forecasts only
    plain = json.loads(
        CliRunner().invoke(app, ["forecast", "afghanistan-2013", "--json", "--draws", "0"]).stdout
    )
    assert "intervals" not in plain


def test_progress_bars_only_on_a_terminal_and_after_a_second(monkeypatch):
    import sys
    import time

    from accord.cli import analysis as cli_analysis

    with cli_analysis.progress_bars(quiet=False) as bars:  # pytest captures stdout: not a terminal
        assert bars is None
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    with cli_analysis.progress_bars(quiet=True) as bars:
        assert bars is None
    clock = iter([0.0, 0.5, 2.0])
    monkeypatch.setattr(time, "monotonic", lambda: next(clock))
    with cli_analysis.progress_bars(quiet=False) as bars:
        advance = bars(3, "work")
        advance(1)  # half a second in: nothing drawn yet
        assert not bars.progress.live.is_started
        advance(1)  # two seconds in: the bar appears
        assert bars.progress.live.is_started
        assert bars.progress.tasks[0].completed == 2
    assert not bars.progress.live.is_started


def test_agents_separate_peace_counts_as_agreement_but_not_as_full_agreement():
    # The flagship scenario allows a subset deal; a full agreement needs USA, AFG and TAL. In every
    # draw a full agreement is also an agreement, so P(full) <= P(any); removing the subset option
    # leaves only full agreements, so the two shares coincide.
    sc = load("afghanistan-2013")
    res = monte_carlo(sc, make_model("agents"), draws=200, seed=4)
    full, any_ = res.extra["full_agreement"].astype(bool), res.extra["agreement"].astype(bool)
    assert np.all(any_[full]) and res.p_full_agreement <= res.p_agreement
    assert res.agreement(sc)["p_full_agreement"] == res.p_full_agreement
    strict = sc.model_copy(update={"negotiation": sc.negotiation.model_copy(update={"allow_subset": False})})
    only_full = monte_carlo(strict, make_model("agents"), draws=200, seed=4)
    assert only_full.p_agreement == only_full.p_full_agreement
