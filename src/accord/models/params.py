"""A model's parameters, declared once in its ``__init__`` signature and checked by one validator.

In the spirit of scikit-learn's ``_parameter_constraints`` (``sklearn/utils/_param_validation.py``),
but read from the type hints instead of a second table: ``Literal["a", "b"]`` lists the choices,
``Annotated[float, Interval(0, 1)]`` bounds a number, ``int``/``float``/``str``/``bool`` say the type
and ``X | None`` lets None through. :class:`~accord.models.base.Model` calls :func:`check_params` on
every construction, so a model's ``__init__`` body only stores what it was given; a bad value gives
one :class:`~accord.errors.ParameterError` naming the model, the parameter, the value and what is
allowed. Checks that tie two parameters together (``min_turns <= max_turns``) or read a configurable
limit (``scenario.limits``) stay in the model.
"""

from __future__ import annotations

import functools
import inspect
import math
import types
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union

import numpy as np

from ..errors import ParameterError, clip


@dataclass(frozen=True)
class Interval:
    """Bounds on a number: ``low``/``high`` (None for unbounded), each end closed unless excluded.

    ``Interval(1)`` is "at least 1"; ``Interval(0, 1, closed="right")`` is "more than 0, up to 1".
    """

    low: float | None = None
    high: float | None = None
    closed: Literal["both", "left", "right", "neither"] = "both"

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies inside (NaN never does)."""
        if math.isnan(value):
            return False
        left = self.closed in ("both", "left")
        right = self.closed in ("both", "right")
        if self.low is not None and not (value >= self.low if left else value > self.low):
            return False
        return self.high is None or (value <= self.high if right else value < self.high)

    def inequality(self) -> str:
        """The bounds as maths: ">= 1", "> 0", "in [0, 1)"."""
        lo_open = self.closed in ("right", "neither")
        hi_open = self.closed in ("left", "neither")
        if self.high is None:
            return f"{'>' if lo_open else '>='} {self.low:g}" if self.low is not None else "a number"
        if self.low is None:
            return f"{'<' if hi_open else '<='} {self.high:g}"
        return f"in {'(' if lo_open else '['}{self.low:g}, {self.high:g}{')' if hi_open else ']'}"

    def describe(self, integer: bool) -> str:
        """What is allowed, in words: "an integer of at least 1", "0 to 1 (not 0)", "0 or more"."""
        lo_open = self.closed in ("right", "neither")
        hi_open = self.closed in ("left", "neither")
        if self.low is not None and self.high is None:
            if integer and not lo_open:
                return f"an integer of at least {self.low:g}"
            text = f"more than {self.low:g}" if lo_open else f"{self.low:g} or more"
        elif self.high is not None and self.low is None:
            text = f"less than {self.high:g}" if hi_open else f"{self.high:g} or less"
        elif self.low is None or self.high is None:
            text = "any value"
        else:
            text = f"{self.low:g} to {self.high:g}"
            excluded = [f"{end:g}" for end, open_ in ((self.low, lo_open), (self.high, hi_open)) if open_]
            if excluded:
                text += f" (not {' or '.join(excluded)})"
        return f"an integer, {text}" if integer else text


@dataclass(frozen=True)
class Spec:
    """One parameter's declared constraint: the types accepted, the choices or the bounds."""

    types: tuple[type, ...]
    choices: tuple[Any, ...] = ()
    interval: Interval | None = None
    optional: bool = False

    def problem(self, value: Any) -> tuple[str, str] | None:
        """(what it must be, what is allowed) when ``value`` breaks the constraint, else None."""
        if value is None and self.optional:
            return None
        if self.choices:
            if isinstance(value, bool) or value not in self.choices:
                return "one of the choices", ", ".join(map(str, self.choices))
            return None
        integer = int in self.types and float not in self.types
        if not _has_type(value, self.types):
            return _kind(self.types, self.interval), _allowed(self.types, self.interval, integer)
        if self.interval is not None and not self.interval.contains(float(value)):
            what = _kind(self.types, self.interval) if integer else self.interval.inequality()
            return what, self.interval.describe(integer)
        return None


def _has_type(value: Any, accepted: tuple[type, ...]) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool in accepted
    if float in accepted and isinstance(value, int | float | np.integer | np.floating):
        return True
    if int in accepted and isinstance(value, int | np.integer):
        return True
    return isinstance(value, tuple(t for t in accepted if t not in (int, float, bool)))


def _kind(accepted: tuple[type, ...], interval: Interval | None) -> str:
    if int in accepted and float not in accepted:
        if interval is not None and interval.low == 1 and interval.high is None:
            return "a positive integer"
        return "an integer" if interval is None else f"an integer {interval.inequality()}"
    if float in accepted:
        return "a number"
    return " or ".join(f"a {t.__name__}" for t in accepted)


def _allowed(accepted: tuple[type, ...], interval: Interval | None, integer: bool) -> str:
    if interval is not None:
        return interval.describe(integer)
    return _kind(accepted, None)


def _spec(hint: Any) -> Spec | None:
    """The constraint a type hint declares, or None when it declares none the validator can check."""
    interval = None
    if typing.get_origin(hint) is Annotated:
        hint, *extras = typing.get_args(hint)
        interval = next((e for e in extras if isinstance(e, Interval)), None)
    optional = False
    if typing.get_origin(hint) in (Union, types.UnionType):
        members = [a for a in typing.get_args(hint) if a is not type(None)]
        optional = len(members) < len(typing.get_args(hint))
        if len(members) != 1:
            return None
        hint = members[0]
    if typing.get_origin(hint) is Literal:
        return Spec((), tuple(typing.get_args(hint)), None, optional)
    origin = typing.get_origin(hint) or hint
    if not isinstance(origin, type) or origin is Any:
        return None
    return Spec((origin,), (), interval, optional)


@functools.cache
def specs(cls: type) -> dict[str, Spec]:
    """Every checkable parameter of ``cls.__init__`` and its declared constraint (read once per class)."""
    init = inspect.unwrap(cls.__init__)  # type: ignore[misc]
    hints = typing.get_type_hints(init, include_extras=True)
    out = {}
    for name in inspect.signature(init).parameters:
        spec = _spec(hints[name]) if name in hints else None
        if spec is not None:
            out[name] = spec
    return out


def check_params(cls: type, model: str, values: dict[str, Any]) -> None:
    """Raise ParameterError for the first parameter whose value breaks its declared constraint."""
    for name, spec in specs(cls).items():
        if name not in values:
            continue
        found = spec.problem(values[name])
        if found is not None:
            what, allowed = found
            raise ParameterError(
                f"{model}: {name} must be {what} (got {clip(values[name])}); allowed: {allowed}"
            )


def choices(cls: type, name: str) -> tuple[Any, ...]:
    """The choices ``cls.__init__`` declares for parameter ``name`` (its ``Literal``)."""
    return specs(cls)[name].choices


# The bounds models share, named once.
PositiveInt = Annotated[int, Interval(1)]
Probability = Annotated[float, Interval(0, 1)]
NonNegative = Annotated[float, Interval(0)]
