"""Dask: a real LocalCluster with two worker processes gives the serial numbers exactly.

The `--workers N` path (which starts such a cluster itself) is run by benchmarks/bench_montecarlo.py;
one cluster per test module keeps this file fast.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from accord.analysis.montecarlo import CHUNK, monte_carlo
from accord.analysis.parallel import Executor
from accord.analysis.whatif import compare
from accord.cli import app
from accord.models import make_model
from accord.scenario import load
from accord.scenario.errors import ParameterError

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as c:
        yield c


def test_monte_carlo_and_whatif_on_the_cluster_equal_serial(cluster):
    sc, model = load("afghanistan-2013"), make_model("weighted-median")
    on_dask = Executor(scheduler=cluster.scheduler_address)
    serial = monte_carlo(sc, model, draws=5 * CHUNK + 17, seed=3)
    spread = monte_carlo(sc, model, draws=5 * CHUNK + 17, seed=3, executor=on_dask)
    assert np.array_equal(serial.forecasts, spread.forecasts)
    variants = ["zero-option-executed", "doha-office-reopens"]
    a = compare(sc, variants, model, draws=2 * CHUNK, seed=4)
    b = compare(sc, variants, model, draws=2 * CHUNK, seed=4, executor=on_dask)
    for name in a.names:
        assert np.array_equal(a.forecasts[name], b.forecasts[name])


def test_cli_scheduler_option_matches_serial(cluster):
    args = ["montecarlo", "afghanistan-2013", "--draws", "600", "--seed", "8", "--json", "--no-store"]
    serial = json.loads(CliRunner().invoke(app, args).stdout)
    res = CliRunner().invoke(app, [*args, "--scheduler", cluster.scheduler_address])
    assert res.exit_code == 0, res.output
    spread = json.loads(res.stdout)
    assert spread["issues"] == serial["issues"] and spread["executor"].startswith("dask scheduler")


def test_bad_executor_options_are_refused():
    with pytest.raises(ParameterError, match="not both"):
        Executor(scheduler="tcp://x:1", workers=2)
    with pytest.raises(ParameterError, match="at least 1"):
        Executor(workers=0)
