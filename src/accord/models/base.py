"""The model protocol: what every model is and returns.

Like a scikit-learn estimator, a model takes its parameters only in ``__init__`` and does its work
in ``run(scenario, rng)``, which returns a :class:`Result`. The contract is declared here once:

- parameters: the ``__init__`` signature says what is allowed (``Literal`` choices,
  ``Annotated[float, Interval(...)]`` bounds, see :mod:`accord.models.params`); every construction
  is checked against it before the body runs, so no model writes its own type or range checks;
- ``run`` is a template: it checks support, makes the one generator and the arrays, calls the
  model's ``run_once`` and assembles the Result with the metadata every run records;
- optional hooks with defaults: ``forecast_batch`` (the vectorised Monte Carlo path; a class that
  overrides it gets the ``batch`` tag, one that does not cannot claim it), ``params_from_settings``
  (parameters from the settings a scenario carries for the model) and ``instance_tags`` (tags that
  depend on the parameters: ``model.tags`` is the instance's, ``Model.tags`` the class's);
- ``extra_tables``: the tables a run adds beside history and forecast, with their columns; the
  conformance suite (``accord.testing``) checks every run against it.
"""

from __future__ import annotations

import functools
import inspect
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias, cast

import numpy as np

from ..errors import ParameterError, UnsupportedScenario, clip
from ..jsonable import jsonable
from ..scenario.arrays import ScenarioArrays, to_arrays
from ..scenario.limits import check_model_actors
from ..scenario.schema import Scenario
from .columns import Columns, as_frame
from .params import check_params

if TYPE_CHECKING:
    import pandas as pd

Table: TypeAlias = "pd.DataFrame | Columns"  # a model's table; Columns keeps pandas out of `accord run`

TAGS = {
    "static": "one-shot forecast with no dynamics",
    "dynamic": "positions move round by round",
    "stochastic": "draws from the random generator",
    "multi-issue": "issues interact (not just solved one by one)",
    "single-issue": "needs a scenario with exactly one issue",
    "needs-status-quo": "every issue must have a status quo",
    "batch": "has a vectorised forecast_batch path for Monte Carlo",
    "agents": "simulates negotiating parties with channels and events",
    "baseline": "a null forecaster every elaborate model must beat (the CLI's default models)",
    "fitted": "combines other models with weights fitted on past outcomes (shipped as data)",
}

HISTORY_COLUMNS = ["round", "actor", "issue", "position"]
PER_ISSUE = "<issue>"  # in a declared table's columns: one column per scenario issue, named by its id


class Result:
    """What a run returns: the trajectory, the forecast, and where it came from.

    ``history`` is the tidy long table (round, actor, issue, position on the scenario's scale);
    ``forecast`` has one row per issue with at least (issue, forecast); ``tables`` holds further
    tidy tables a model produces (e.g. winning probabilities, offers, events) and ``info`` further
    JSON-able facts (e.g. an agreement's outcome). A model may give its tables as DataFrames or
    as :class:`~accord.models.columns.Columns`; they read as DataFrames here, made on first use.
    """

    def __init__(
        self,
        history: Table,
        forecast: Table,
        meta: dict[str, Any],
        tables: Mapping[str, Table] | None = None,
        info: dict[str, Any] | None = None,
    ) -> None:
        self.meta = meta
        self.info = {} if info is None else info
        self._given: dict[str, Table] = {"forecast": forecast, "history": history, **(tables or {})}
        self._frames: dict[str, pd.DataFrame] = {}
        self._tables: dict[str, pd.DataFrame] | None = None

    def _frame(self, name: str) -> pd.DataFrame:
        if name not in self._frames:
            self._frames[name] = as_frame(self._given[name])
        return self._frames[name]

    @property
    def history(self) -> pd.DataFrame:
        """The tidy trajectory: round, actor, issue, position."""
        return self._frame("history")

    @property
    def forecast(self) -> pd.DataFrame:
        """One row per issue: issue, forecast and any further per-issue columns."""
        return self._frame("forecast")

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The further tables, by name (the same dict on every access)."""
        if self._tables is None:
            self._tables = {name: self._frame(name) for name in list(self._given)[2:]}
        return self._tables

    def given(self) -> dict[str, Table]:
        """Every table as the model gave it, forecast and history first (the run folder's writer
        needs no DataFrame)."""
        return dict(self._given)

    def forecast_of(self, issue: str) -> float:
        """The forecast for one issue (KeyError when the model did not forecast it)."""
        forecast = self._given["forecast"]
        if isinstance(forecast, Columns):
            issues = list(forecast["issue"])
            if issue not in issues:
                raise KeyError(issue)
            return float(forecast["forecast"][issues.index(issue)])
        return float(cast(float, forecast.set_index("issue").loc[issue, "forecast"]))


@dataclass(frozen=True)
class BatchResult:
    """Many draws at once: per-draw forecasts and any other per-draw outputs (e.g. agreement)."""

    forecast: np.ndarray  # (draws, issues)
    extra: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (draws, ...)


SEED_MAX = 2**63 - 1  # NumPy takes any integer >= 0; the run store keeps seeds as SQLite INTEGERs (64-bit)


def check_seed(seed: object) -> int:
    """The seed as an int, or a ParameterError naming the allowed range (NumPy refuses negative seeds)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= int(seed) <= SEED_MAX:
        raise ParameterError(f"seed {clip(seed)} is out of range; allowed: 0 to {SEED_MAX}")
    return int(seed)


def as_generator(rng: np.random.Generator | int | None) -> tuple[np.random.Generator, int | None]:
    """One generator for the whole run, and the seed to record when one was given."""
    if isinstance(rng, np.random.Generator):
        return rng, None
    if rng is None:
        # a fresh SeedSequence's entropy is an int
        seed = int(cast(int, np.random.SeedSequence().entropy) % (2**63))
        return np.random.default_rng(seed), seed
    seed = check_seed(rng)
    return np.random.default_rng(seed), seed


@dataclass(frozen=True)
class Output:
    """What a model's ``run_once`` computes; ``Model.run`` adds the metadata and makes it a Result."""

    history: Table
    forecast: Table
    tables: Mapping[str, Table] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)


class _Tags:
    """``Model.tags`` on a class is what the class declares; on an instance, ``instance_tags()``."""

    def __init__(self, declared: frozenset[str]) -> None:
        self.declared = declared

    def __get__(self, obj: Model | None, owner: type) -> frozenset[str]:
        return self.declared if obj is None else obj.instance_tags()


class Model(ABC):  # noqa: B024  (every hook has a default; __init_subclass__ requires run_once or run)
    """Base of every model: the declared contract, the run template and result assembly."""

    name: ClassVar[str] = ""
    tags: ClassVar[frozenset[str]] = frozenset()
    summary: ClassVar[str] = ""
    # table name -> its columns (PER_ISSUE expands to the scenario's issue ids), beside history/forecast
    extra_tables: ClassVar[Mapping[str, tuple[str, ...]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            type.__setattr__(cls, "__init__", _validated(cls, cls.__dict__["__init__"]))
        declared = cls.__dict__.get("tags", cls.tags)
        batch = cls.forecast_batch is not Model.forecast_batch
        if "batch" in declared and not batch:
            raise TypeError(f"{cls.__name__} is tagged 'batch' but does not define forecast_batch")
        type.__setattr__(cls, "tags", _Tags(frozenset(declared) | ({"batch"} if batch else set())))
        if cls.run is Model.run and cls.run_once is Model.run_once:
            raise TypeError(f"{cls.__name__} defines neither run_once (the usual hook) nor run")

    def get_params(self) -> dict[str, Any]:
        """The constructor arguments and their values, so a run can be recorded and repeated."""
        sig = inspect.signature(type(self).__init__)
        return {p: getattr(self, p) for p in sig.parameters if p != "self"}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    @classmethod
    def params_from_settings(cls, settings: Mapping[str, Any]) -> dict[str, Any]:
        """Parameters from the settings a scenario carries for this model (``scenario.models[name]``).

        By default the settings are the parameters; a model whose scenario files use other names
        (SMP reads KTAB's XML names) or carry facts that are not parameters overrides this.
        """
        return dict(settings)

    def instance_tags(self) -> frozenset[str]:
        """This instance's tags: the class's, unless a parameter changes what the model needs."""
        return type(self).tags

    def declared_tables(self) -> Mapping[str, tuple[str, ...]]:
        """The extra tables this instance's runs produce: ``extra_tables`` unless parameters change them."""
        return self.extra_tables

    def check_supported(self, scenario: Scenario) -> None:
        """Raise UnsupportedScenario with a clear reason when this model cannot run the scenario
        (or LimitError when it has more actors than this model's limit allows)."""
        check_model_actors(self.name, len(scenario.actors))
        if "single-issue" in self.tags and len(scenario.issues) != 1:
            raise UnsupportedScenario(
                f"model {self.name!r} handles one issue at a time; scenario {scenario.name!r} has "
                f"{len(scenario.issues)} issues"
            )
        if self.needs_status_quo():
            missing = [i.id for i in scenario.issues if i.status_quo is None]
            if missing:
                raise UnsupportedScenario(
                    f"model {self.name!r} needs a status quo on every issue; none is set for "
                    + ", ".join(missing)
                )

    def needs_status_quo(self) -> bool:
        """Whether every issue needs a status quo (the instance is tagged ``needs-status-quo``)."""
        return "needs-status-quo" in self.tags

    def run(self, scenario: Scenario, rng: np.random.Generator | int | None = None) -> Result:
        """Run the model on a scenario with one random generator (or a seed).

        The opening every model shares is done here once (support check, generator and recorded
        seed, the arrays); the model's own work is ``run_once``.
        """
        self.check_supported(scenario)
        gen, seed = as_generator(rng)
        out = self.run_once(scenario, to_arrays(scenario), gen)
        return self.result(scenario, seed, out.history, out.forecast, out.tables, out.info)

    def run_once(self, scenario: Scenario, arrays: ScenarioArrays, rng: np.random.Generator) -> Output:
        """The model's own work on a supported scenario: history, forecast, extra tables and facts.

        Every concrete model defines it, or (the agents simulator, whose ``play`` shares the opening
        with seats taken by policies) overrides ``run`` itself; class creation refuses a model with
        neither, so this body runs only for a ``super()`` call from a model that has none to call.
        """
        raise TypeError(f"{type(self).__name__}.run_once: Model has no run_once to inherit")

    def forecast_batch(self, arrays: ScenarioArrays, rng: np.random.Generator | None = None) -> np.ndarray:
        """Per-issue forecasts, shape (draws, issues), for arrays with a leading draw axis.

        The optional vectorised path Monte Carlo uses (the ``batch`` tag says a model has it). A
        model without one is run draw by draw by ``run_batch``, which needs the scenario; this
        default says so.
        """
        raise UnsupportedScenario(
            f"model {self.name!r} has no vectorised forecast_batch; use run_batch (one run per draw)"
        )

    def run_batch(self, scenario: Scenario, arrays: ScenarioArrays, rng: np.random.Generator) -> BatchResult:
        """Forecasts for arrays with a leading draw axis (Monte Carlo).

        The vectorised ``forecast_batch`` when the model has one; otherwise one ``run`` per draw,
        each with its own generator spawned from ``rng`` so draws do not share random streams.
        Models with richer per-draw outputs (the agents simulator) override this.
        """
        if "batch" in self.tags:
            return BatchResult(np.asarray(self.forecast_batch(arrays, rng), dtype=float))
        from ..scenario.arrays import with_arrays

        draws = arrays.position.shape[0]
        capability = np.broadcast_to(arrays.capability, (draws, arrays.n_actors))
        out = np.empty((draws, arrays.n_issues))
        for d, child in enumerate(rng.spawn(draws)):
            one = arrays.with_values(
                capability=capability[d], position=arrays.position[d], salience=arrays.salience[d]
            )
            out[d] = self.run(with_arrays(scenario, one), child).forecast["forecast"].to_numpy(dtype=float)
        return BatchResult(out)

    def result(
        self,
        scenario: Scenario,
        seed: int | None,
        history: Table,
        forecast: Table,
        tables: Mapping[str, Table] | None = None,
        info: dict[str, Any] | None = None,
    ) -> Result:
        """A Result with the metadata every run records (model, parameters, seed, version, scenario hash)."""
        from .. import __version__

        _check_finite(self.name, scenario, forecast, history, tables or {})
        meta = {
            "model": self.name,
            "params": jsonable(self.get_params()),
            "seed": seed,
            "accord_version": __version__,
            "scenario": scenario.name,
            "scenario_hash": scenario.content_hash(),
        }
        return Result(history=history, forecast=forecast, meta=meta, tables=tables or {}, info=info or {})


def _check_finite(
    model: str,
    scenario: Scenario,
    forecast: Table,
    history: Table,
    tables: Mapping[str, Table],
) -> None:
    """No result leaves a model with an infinite number, or a NaN forecast.

    The scenario limits keep every input far from overflow, so this never fires on an accepted
    scenario; it is the guarantee behind "outputs are always finite" (JSON has no Infinity), and
    it names the model rather than letting a later writer fail. NaN stays allowed in the history
    and in tables, where it means "no stance".
    """
    frames = {"history": history, **tables}
    bad = [name for name, frame in frames.items() if _has_inf(frame)]
    if not np.isfinite(_forecast_values(forecast)).all():
        bad.insert(0, "forecast")
    if bad:
        raise UnsupportedScenario(
            f"model {model!r} gave non-finite numbers on scenario {scenario.name!r} (in {', '.join(bad)});"
            " narrow the issue ranges or capabilities (see the limits in docs/explanation/scenario.md)"
        )


def _forecast_values(forecast: Table) -> np.ndarray:
    """The forecast column as floats (a value that is no number reads as NaN)."""
    if isinstance(forecast, Columns):
        values = forecast["forecast"]
        if values.dtype.kind in "iuf":
            return values.astype(float)
    import pandas as pd

    column = as_frame(forecast)["forecast"]
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)


def _has_inf(table: Table) -> bool:
    """Whether a numeric column holds an infinity (pandas' "number" columns: ints and floats)."""
    if isinstance(table, Columns):
        return any(v.dtype.kind == "f" and np.isinf(v).any() for v in table.values())
    return any(
        np.isinf(table[col].to_numpy(dtype=float, na_value=np.nan)).any()
        for col in table.select_dtypes("number")
    )


def history_columns(arrays: ScenarioArrays, positions: np.ndarray) -> Columns:
    """The tidy trajectory from positions of shape (rounds, actors, issues); absent stances dropped."""
    rounds, n, m = positions.shape
    values = positions.reshape(-1)
    table = Columns(
        {
            "round": np.repeat(np.arange(rounds), n * m),
            "actor": np.tile(np.repeat(np.array(arrays.actors, dtype=object), m), rounds),
            "issue": np.tile(np.array(arrays.issues, dtype=object), rounds * n),
            "position": values,
        }
    )
    return table.where(~np.isnan(values))


def history_frame(arrays: ScenarioArrays, positions: np.ndarray) -> pd.DataFrame:
    """:func:`history_columns` as a DataFrame."""
    return history_columns(arrays, positions).frame()


def forecast_columns(arrays: ScenarioArrays, values: np.ndarray, **columns: np.ndarray) -> Columns:
    """One row per issue with its forecast and any further per-issue columns."""
    return Columns(
        {
            "issue": np.array(arrays.issues, dtype=object),
            "forecast": np.asarray(values, dtype=float),
            **columns,
        }
    )


def forecast_frame(arrays: ScenarioArrays, values: np.ndarray, **columns: np.ndarray) -> pd.DataFrame:
    """:func:`forecast_columns` as a DataFrame."""
    return forecast_columns(arrays, values, **columns).frame()


class StaticModel(Model):
    """A model whose forecast is a pure function of the arrays: run() is forecast_batch on one draw."""

    tags: ClassVar[frozenset[str]] = frozenset({"static", "batch"})

    @abstractmethod
    def forecast_batch(self, arrays: ScenarioArrays, rng: np.random.Generator | None = None) -> np.ndarray:
        """Per-issue forecasts, shape (..., issues), for arrays with optional leading draw axes."""

    def run_once(self, scenario: Scenario, arrays: ScenarioArrays, rng: np.random.Generator) -> Output:
        """The forecast on the scenario's own inputs: ``forecast_batch`` on a single draw."""
        values = self.forecast_batch(arrays, rng)
        return Output(history_frame(arrays, arrays.position[None]), forecast_frame(arrays, values))


def _validated(cls: type[Model], init: Callable[..., None]) -> Callable[..., None]:
    """``init`` preceded by the check of every argument against the constraint its signature declares."""
    signature = inspect.signature(init)

    @functools.wraps(init)
    def __init__(self: Model, *args: Any, **kwargs: Any) -> None:
        bound = signature.bind(self, *args, **kwargs)  # a TypeError for unknown names, as before
        bound.apply_defaults()
        values = dict(bound.arguments)
        values.pop(next(iter(signature.parameters)))
        check_params(cls, cls.name or cls.__name__, values)
        init(self, *args, **kwargs)

    return __init__
