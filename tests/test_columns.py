"""Model tables given as Columns: the CSV pandas writes, the DataFrame pandas builds, the checks.

The reference for every comparison is pandas itself (``DataFrame.to_csv``, ``pd.DataFrame``) on
the same arrays: Columns exists only so that `accord run` can skip importing pandas.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from accord.errors import UnsupportedScenario
from accord.models.base import Model, Output, Result
from accord.models.columns import Columns
from accord.scenario import load

AWKWARD = {
    "round": np.array([0, 1, 2, 3, 4, 5], dtype=np.int64),
    "actor": np.array(["A", "B,C", 'say "no"', "line\nbreak", "", "Zoë"], dtype=object),
    "value": np.array([0.1, 1e-20, 1e16, -0.0, math.nan, 2 / 3]),
    # where the text switches to exponents, the extremes and a non-terminating sum
    "edges": np.array([1e-5, 1e-4, 9999999999999998.0, 5e-324, 1.7976931348623157e308, 0.1 + 0.2]),
    "single": np.array([0.1, 1 / 3, 1e-20, 1e16, math.nan, -0.0], dtype=np.float32),
    "infinite": np.array([math.inf, -math.inf, 1.0, 100.0, 123456789012345.6, -2.5]),
    "agreed": np.array([True, False, True, True, False, False]),
    "note": np.array([None, "x", math.nan, "y", "z", "w"], dtype=object),
}


def test_the_csv_is_the_text_pandas_writes(tmp_path):
    Columns(AWKWARD).write_csv(tmp_path / "columns.csv")
    pd.DataFrame(AWKWARD).to_csv(tmp_path / "pandas.csv", index=False)
    assert (tmp_path / "columns.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def test_an_empty_table_writes_its_header_as_pandas_does(tmp_path):
    empty = {c: np.empty(0, dtype=object) for c in ("round", "actor")}
    Columns(empty).write_csv(tmp_path / "columns.csv")
    pd.DataFrame([], columns=["round", "actor"]).astype(object).to_csv(tmp_path / "pandas.csv", index=False)
    assert (tmp_path / "columns.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def test_the_frame_is_the_one_pandas_builds_from_the_arrays():
    pd.testing.assert_frame_equal(Columns(AWKWARD).frame(), pd.DataFrame(AWKWARD), check_exact=True)
    listed = Columns({"issue": ["a", "b"], "x": [1.0, 2.0]}).frame()  # text lists become object arrays
    pd.testing.assert_frame_equal(listed, pd.DataFrame({"issue": ["a", "b"], "x": [1.0, 2.0]}))
    assert list(Columns(AWKWARD).where(np.array([1, 0, 0, 0, 0, 1], bool))["round"]) == [0, 5]
    with pytest.raises(ValueError, match="different lengths"):
        Columns({"a": [1, 2], "b": [1]})


def test_a_result_reads_its_columns_as_dataframes():
    forecast = Columns({"issue": np.array(["tax", "aid"], dtype=object), "forecast": [3.5, 7.0]})
    history = Columns({"round": [0], "actor": ["A"], "issue": ["tax"], "position": [3.5]})
    extra = pd.DataFrame({"round": [0], "gain": [1.0]})
    result = Result(history, forecast, {"model": "m"}, {"gains": extra})
    assert result.forecast_of("aid") == 7.0
    assert Result(history, forecast.frame(), {}).forecast_of("aid") == 7.0
    with pytest.raises(KeyError):
        result.forecast_of("nope")
    pd.testing.assert_frame_equal(result.history, history.frame())
    assert result.tables is result.tables and result.tables["gains"] is extra
    assert list(result.given()) == ["forecast", "history", "gains"]


class _Infinite(Model):
    name = "infinite"

    def run_once(self, scenario, arrays, rng):
        n = arrays.n_issues
        risk = Columns({"round": [0], "risk": [math.inf]})
        forecast = Columns({"issue": np.array(arrays.issues, dtype=object), "forecast": np.zeros(n)})
        return Output(Columns({"round": [0], "position": [1.0]}), forecast, {"risk": risk})


def test_an_infinity_in_columns_is_refused_like_one_in_a_dataframe():
    with pytest.raises(UnsupportedScenario, match=r"non-finite numbers .*\(in risk\)"):
        _Infinite().run(load("ec-emissions"), 0)
