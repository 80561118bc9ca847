"""Dask: a real LocalCluster with two worker processes gives the serial numbers exactly.

One cluster serves the whole module: it is started by ``Executor(workers=2)`` (the `--workers 2`
path) and its scheduler address is then used the way `--scheduler ADDRESS` uses a remote one.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from typer.testing import CliRunner

from accord.analysis.montecarlo import CHUNK, monte_carlo
from accord.analysis.parallel import Executor
from accord.analysis.whatif import compare
from accord.cli import app
from accord.errors import ParameterError
from accord.models import make_model
from accord.scenario import load

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def local():
    with Executor(workers=2) as ex:
        pids = set(ex._client.run(os.getpid).values())
        assert len(pids) == 2 and os.getpid() not in pids  # two worker processes besides this one
        yield ex


def test_monte_carlo_and_whatif_on_the_cluster_equal_serial(local):
    sc, model = load("afghanistan-2013"), make_model("weighted-median")
    serial = monte_carlo(sc, model, draws=5 * CHUNK + 17, seed=3)
    spread = monte_carlo(sc, model, draws=5 * CHUNK + 17, seed=3, executor=local)
    assert np.array_equal(serial.forecasts, spread.forecasts)
    variants = ["zero-option-executed", "doha-office-reopens"]
    remote = Executor(scheduler=local.address)
    a = compare(sc, variants, model, draws=2 * CHUNK, seed=4)
    b = compare(sc, variants, model, draws=2 * CHUNK, seed=4, executor=remote)
    for name in a.names:
        assert np.array_equal(a.forecasts[name], b.forecasts[name])


def test_cli_scheduler_option_matches_serial(local):
    args = ["montecarlo", "afghanistan-2013", "--draws", "600", "--seed", "8", "--json", "--no-store"]
    serial = json.loads(CliRunner().invoke(app, args).stdout)
    res = CliRunner().invoke(app, [*args, "--scheduler", local.address])
    assert res.exit_code == 0, res.output
    spread = json.loads(res.stdout)
    assert spread["issues"] == serial["issues"] and spread["executor"].startswith("dask scheduler")


def test_bad_executor_options_are_refused():
    with pytest.raises(ParameterError, match="not both"):
        Executor(scheduler="tcp://x:1", workers=2)
    with pytest.raises(ParameterError, match="at least 1"):
        Executor(workers=0)
