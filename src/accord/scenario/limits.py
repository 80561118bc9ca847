"""Every limit on what accord accepts, in one place, checked before any work starts.

A scenario is a few kilobytes describing tens of actors; a file or request far beyond that is a
mistake or an attack (alias bombs, 1,000-deep nesting, 5,000-digit numbers, 10^9 rounds, ranges
near 1e308 that overflow to infinity). Each limit below has a documented default (see
docs/explanation/scenario.md, "Limits") chosen well above every real scenario shipped or cited, and each can
be raised:

- per process, with the environment variable ``ACCORD_LIMIT_<NAME>`` (e.g.
  ``ACCORD_LIMIT_MAX_ACTORS=5000``), read at each check so a changed environment takes effect;
- per call, with ``Limits(...)`` passed to :func:`accord.scenario.io.load_text` and friends, or
  installed for a block with :func:`applied` (a context variable, so each thread or request of a
  server has its own).

A limit that is exceeded raises :class:`LimitError` naming the limit, the value found and how to
raise it.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any

from ..errors import ScenarioError

ENV_PREFIX = "ACCORD_LIMIT_"

# The parsers and the checks below recurse once per nesting level; Python's default recursion
# limit is 1,000 frames and each level costs a few, so depth may not be raised past this.
DEPTH_CEILING = 200


@dataclass(frozen=True)
class Limits:
    """What a scenario (and the model settings it carries) may hold; see the module docstring."""

    max_file_bytes: int = 16 * 1024 * 1024
    """Size of a scenario file or upload, and of an .xlsx workbook's unpacked contents."""
    max_depth: int = 32
    """Nesting depth of mappings and lists (a scenario needs 6; model settings a few more)."""
    max_nodes: int = 500_000
    """Values in a document after YAML aliases are expanded (stops "billion laughs" bombs)."""
    max_int_digits: int = 30
    """Digits of an integer anywhere (a 64-bit seed has 20)."""
    max_actors: int = 1_000
    max_issues: int = 200
    max_events: int = 10_000
    max_rounds: int = 1_000
    """Rounds of a deadline or an event, and rounds/turns settings of every model (weekly rounds
    for 19 years; a model's cost grows with its rounds)."""
    max_round_days: int = 3_660
    """Days in one round (ten years)."""
    max_magnitude: float = 1e12
    """Largest absolute value of an issue's ends, a capability, an event's amount, a model scale
    setting: products and sums of such values stay far from float overflow (1.8e308)."""
    max_exponent: float = 1e3
    """Shape parameters (strategy exponent and risk, Nash kappa) lie in [1/max_exponent, max_exponent]:
    powers of them stay finite and nonzero where it matters."""
    # Actors one run of a model may take: their cost grows with about the cube of the actors
    # (benchmarks/bench_limits.py; 3 issues, default settings, the 2-core CI machine).
    smp_max_actors: int = 200
    """SMP: 100 actors take ~5 s, 200 take ~40 s (KAPSARC's 160-actor scaling set must run)."""
    exchange_max_actors: int = 60
    """Exchange: 50 actors take ~2 s, 100 take ~17 s, 200 take ~280 s."""
    eum_max_actors: int = 300
    """EUM: 200 actors take ~3 s, 400 take ~16 s."""
    agents_max_actors: int = 200
    """Agents: 100 actors take ~2.4 s, 200 take ~12 s, 400 take ~38 s."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ScenarioError(f"limit {f.name} must be a positive number", value=value)
        if self.max_depth > DEPTH_CEILING:
            raise ScenarioError(
                "limit max_depth is too large: the parsers recurse once per level",
                value=self.max_depth,
                allowed=f"at most {DEPTH_CEILING}",
            )

    def replace(self, **changes: Any) -> Limits:
        """A copy with some limits changed (checked again like the defaults)."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, with any ``ACCORD_LIMIT_<NAME>`` variables applied."""
        environ = os.environ if environ is None else environ
        changes: dict[str, Any] = {}
        for f in fields(cls):
            text = environ.get(env_name(f.name))
            if text is None or not text.strip():
                continue
            kind = int if f.type in ("int", int) else float
            try:
                changes[f.name] = kind(text.strip().replace("_", ""))
            except ValueError:
                raise ScenarioError(
                    f"bad value in environment variable {env_name(f.name)}",
                    value=text,
                    allowed="an integer" if kind is int else "a number",
                ) from None
        return cls(**changes)


def env_name(limit: str) -> str:
    """The environment variable that sets a limit, e.g. ``ACCORD_LIMIT_MAX_ACTORS``."""
    return ENV_PREFIX + limit.upper()


_ENV_NAMES = tuple(env_name(f.name) for f in fields(Limits))
_CURRENT: contextvars.ContextVar[Limits | None] = contextvars.ContextVar("accord_limits", default=None)


def current() -> Limits:
    """The limits in force: those installed by :func:`applied`, else the defaults and environment.

    Models check their parameters against the limits once per actor and run, tens of thousands of
    times in a backtest, so the limits read from the environment are cached by the values of the
    ``ACCORD_LIMIT_*`` variables (reading those is cheap; parsing and checking them was 15% of a
    DEU backtest): a changed variable still takes effect on the next call.
    """
    installed = _CURRENT.get()
    if installed is not None:
        return installed
    return _from_env_values(_env_values())


# CPython's os.environ keeps the variables in a plain dict (``_data``) under keys made by its
# ``encodekey`` and values made by ``encodevalue`` (bytes on POSIX); these are its functions at
# import, so an os.environ replaced later is noticed and read through ``get``.
_ENCODEKEY: Callable[[str], Any] | None = getattr(os.environ, "encodekey", None)
_DECODEVALUE: Callable[[Any], str] = getattr(os.environ, "decodevalue", str)
_ENCODED_NAMES = tuple(map(_ENCODEKEY, _ENV_NAMES)) if _ENCODEKEY is not None else ()


def _env_values() -> tuple[Any, ...]:
    """The values of the ``ACCORD_LIMIT_*`` variables as stored (None where unset), the cache key.

    ``os.environ.get`` takes about a microsecond per variable that is not set (it raises and
    catches a KeyError), which made reading fifteen of them the largest part of setting up one
    negotiation of the agents model. The dict behind ``os.environ`` is the one that assigning or
    deleting a variable through ``os.environ`` updates, so looking the names up in it directly is
    as current and about thirty times faster."""
    env = os.environ
    data = getattr(env, "_data", None)
    if isinstance(data, dict) and _ENCODEKEY is not None and getattr(env, "encodekey", None) is _ENCODEKEY:
        return tuple(map(data.get, _ENCODED_NAMES))
    return tuple(env.get(name) for name in _ENV_NAMES)


@functools.lru_cache(maxsize=8)
def _from_env_values(values: tuple[Any, ...]) -> Limits:
    """The limits for these values of the variables (stored ones decoded as os.environ decodes them)."""
    return Limits.from_env(
        {
            name: v if isinstance(v, str) else _DECODEVALUE(v)
            for name, v in zip(_ENV_NAMES, values, strict=True)
            if v is not None
        }
    )


@contextlib.contextmanager
def applied(limits: Limits | None) -> Iterator[Limits]:
    """Install ``limits`` (or keep the current ones, if None) for the block."""
    if limits is None:
        yield current()
        return
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)


class LimitError(ScenarioError):
    """A value beyond one of the :class:`Limits`; the message says which and how to raise it."""

    def __init__(
        self,
        limit: str,
        value: Any,
        what: str,
        *,
        file: str | None = None,
        location: str | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.limit = limit
        bound = getattr(limits or current(), limit)
        super().__init__(
            f"{what} exceeds the limit {limit} = {bound:g}",
            file=file,
            location=location,
            value=value,
            allowed=f"at most {bound:g}; to raise it set the environment variable {env_name(limit)} "
            f"or, in Python, use Limits({limit}=...)",
        )


def check_count(limit: str, count: int, what: str, **where: Any) -> None:
    """Refuse ``count`` things when it exceeds the named limit."""
    if count > getattr(current(), limit):
        raise LimitError(limit, count, what, **where)


def check_magnitude(value: float, what: str, **where: Any) -> None:
    """Refuse a number larger in size than ``max_magnitude`` (so sums and products stay far from overflow)."""
    if abs(value) > current().max_magnitude:
        raise LimitError("max_magnitude", value, f"the size of {what}", **where)


def check_exponent(value: float, what: str, limits: Limits | None = None, **where: Any) -> None:
    """A shape parameter must lie in [1 / max_exponent, max_exponent] (of ``limits``, else the current
    ones: a caller checking many values reads the limits once)."""
    bound = (limits or current()).max_exponent
    if not 1 / bound <= value <= bound:
        raise ScenarioError(
            f"{what} is out of range",
            value=value,
            allowed=f"{1 / bound:g} to {bound:g} (limit max_exponent; to widen it set the environment "
            f"variable {env_name('max_exponent')} or, in Python, use Limits(max_exponent=...))",
            **where,
        )


def check_model_actors(model: str, actors: int) -> None:
    """Refuse a scenario with more actors than the model's own limit (``<model>_max_actors``), if any."""
    limit = f"{model.replace('-', '_')}_max_actors"
    if hasattr(current(), limit):
        check_count(limit, actors, f"model {model!r}: the number of actors")


def check_model_rounds(model: str, **values: Any) -> None:
    """Rounds/turns settings of a model (from the command line, the web or the scenario file)."""
    bound = current().max_rounds
    for key, value in values.items():
        if isinstance(value, int) and not isinstance(value, bool) and value > bound:
            raise LimitError("max_rounds", value, f"{model}: {key}")
