"""The contract declared on Model: parameters read from the signature, hooks with defaults, tables.

Every registered model is held to it from the registry, so a new model is covered without an edit.
"""

from __future__ import annotations

import json
import math
from typing import Annotated, ClassVar, Literal

import numpy as np
import pytest

import accord
from accord.errors import ParameterError
from accord.jsonable import dumps, jsonable
from accord.models import build_model, list_models, make_model
from accord.models.base import Model, Output, StaticModel, forecast_frame, history_frame
from accord.models.baselines import WeightedMean
from accord.models.output import write_result
from accord.models.params import Interval, specs
from accord.testing import check_model
from accord.testing.checks import check_protocol, check_run_output

MODELS = sorted(list_models())


def _bad_values(spec):
    """Values that break a declared constraint, with a piece of what the message must say is allowed."""
    if spec.choices:
        yield "no-such-choice", ", ".join(map(str, spec.choices))
    elif spec.interval is not None:
        iv = spec.interval
        if iv.low is not None:
            yield iv.low - 1, f"{iv.low:g}"
        if iv.high is not None:
            yield iv.high + 1, f"{iv.high:g}"
        yield "text", "allowed"


@pytest.mark.parametrize("name", MODELS)
def test_every_declared_constraint_is_enforced_with_one_clear_message(name):
    cls = list_models()[name]
    declared = specs(cls)
    for param, spec in declared.items():
        for value, allowed in _bad_values(spec):
            with pytest.raises(ParameterError) as err:
                make_model(name, **{param: value})
            text = str(err.value)
            assert text.startswith(f"{name}: {param} "), text
            assert repr(value) in text and "allowed: " in text and allowed in text, text


def test_the_constraints_are_read_from_the_signatures():
    assert specs(list_models()["nash"])["disagreement"].choices == ("status_quo", "worst")
    assert specs(list_models()["eum"])["q"].interval == Interval(0, 1)
    assert specs(list_models()["agents"])["harden"].interval == Interval(0, 1, closed="right")
    assert make_model("agents", harden=1.0).harden == 1.0  # the closed end is allowed, the open one not
    with pytest.raises(ParameterError, match=r"harden must be in \(0, 1\] \(got 0\)"):
        make_model("agents", harden=0)


def test_tags_follow_the_parameters():
    nash = list_models()["nash"]
    assert "needs-status-quo" in nash.tags  # the class default
    assert "needs-status-quo" in make_model("nash").tags
    assert "needs-status-quo" not in make_model("nash", disagreement="worst").tags
    assert make_model("nash", disagreement="worst").tags <= nash.tags


def test_the_batch_tag_is_there_exactly_when_forecast_batch_is():
    assert "batch" in WeightedMean.tags and "batch" not in list_models()["smp"].tags

    class Mean(WeightedMean):
        name: ClassVar[str] = "mean-again"
        tags: ClassVar[frozenset[str]] = frozenset({"static"})  # batch is derived, not forgotten

    assert "batch" in Mean.tags
    with pytest.raises(TypeError, match="tagged 'batch' but does not define forecast_batch"):

        class Claims(Model):
            name: ClassVar[str] = "claims"
            tags: ClassVar[frozenset[str]] = frozenset({"static", "batch"})

            def run_once(self, scenario, arrays, rng):
                return Output(history_frame(arrays, arrays.position[None]), forecast_frame(arrays, arrays.lo))

    with pytest.raises(TypeError, match="defines neither run_once"):

        class Nothing(Model):
            name: ClassVar[str] = "nothing"


def test_settings_from_the_scenario_go_through_the_hook():
    sc = accord.load("ec-emissions").model_copy(update={"models": {"exchange": {"rounds": 3}}})
    assert build_model("exchange", sc).rounds == 3  # the default hook: settings are the parameters
    assert Model.params_from_settings({"rounds": 3}) == {"rounds": 3}
    with pytest.raises(ParameterError, match="exchange: rounds must be a positive integer"):
        build_model("exchange", sc.model_copy(update={"models": {"exchange": {"rounds": 0}}}))


class _Shifted(StaticModel):
    """A model whose parameters the validator checks though its __init__ has no check of its own."""

    name: ClassVar[str] = "shifted"
    summary: ClassVar[str] = "weighted mean moved toward the scale's low end"

    def __init__(
        self, share: Annotated[float, Interval(0, 1)] = 0.5, end: Literal["low", "high"] = "low"
    ) -> None:
        self.share, self.end = share, end

    def forecast_batch(self, arrays, rng=None):
        mean = WeightedMean().forecast_batch(arrays, rng)
        return mean + self.share * ((arrays.lo if self.end == "low" else arrays.hi) - mean)


def test_a_subclass_gets_the_validator_without_writing_it():
    assert _Shifted(0.25).share == 0.25
    with pytest.raises(
        ParameterError, match=r"shifted: share must be in \[0, 1\] \(got 2\); allowed: 0 to 1"
    ):
        _Shifted(2)
    with pytest.raises(ParameterError, match="shifted: end must be one of the choices .*allowed: low, high"):
        _Shifted(end="middle")
    check_model(_Shifted(), [accord.load("ec-emissions")], skip=["check_pivotal"])


class _UndeclaredTable(WeightedMean):
    name: ClassVar[str] = "undeclared"

    def run_once(self, scenario, arrays, rng):
        out = super().run_once(scenario, arrays, rng)
        return Output(out.history, out.forecast, {"notes": out.forecast[["issue"]]})


class _WrongColumns(_UndeclaredTable):
    extra_tables: ClassVar[dict[str, tuple[str, ...]]] = {"notes": ("issue", "note")}


@pytest.mark.parametrize(
    "broken, needle",
    [
        (_UndeclaredTable(), "declared \\(extra_tables\\): \\[\\]"),
        (_WrongColumns(), "declared: \\['issue', 'note'\\]"),
    ],
)
def test_the_conformance_suite_checks_the_declared_tables(broken, needle):
    scenarios = [accord.load("ec-emissions")]
    with pytest.raises(AssertionError, match=needle):
        check_run_output(broken, scenarios)
    check_protocol(broken, scenarios)  # the rest of the protocol holds: only the tables are wrong


def test_one_json_converter_for_metadata_run_folders_and_the_store(tmp_path):
    value = {1: np.float64(math.nan), "a": (np.int64(2), np.array([1.5, math.inf]))}
    assert jsonable(value) == {"1": None, "a": [2, [1.5, None]]}
    assert json.loads(dumps(value)) == jsonable(value)
    from accord.analysis import store

    assert store.jsonable is jsonable
    result = make_model("weighted-mean").run(accord.load("ec-emissions"), np.int64(3))
    write_result(result, tmp_path / "run")
    meta = json.loads((tmp_path / "run" / "run.json").read_text())
    assert meta["seed"] == 3 and meta["params"] == {}
