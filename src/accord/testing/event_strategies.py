"""Hypothesis strategies for scenario events, read from each event type's declaration.

Nothing here names a type: a field's ``Ref`` says which ids it may take (``ActorId``: one of the
scenario's actors; ``Annotated[Id, Ref("threat")]``: the id of a threat listed before it), its
``OnScale`` marker and its bounds (``ge``/``le``) the numbers, the class's ``one_of`` which fields to
give exactly one of. So a new event type gets a strategy the moment it is registered, and
tests/test_event_types.py fails if one of its fields has a type this module cannot generate (add the
type to ``_maker`` then). Needs hypothesis (the ``test`` extra).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import annotated_types as at
from hypothesis import strategies as st
from pydantic.fields import FieldInfo

from ..scenario.event_kinds import (
    EVENTS,
    EventBase,
    EventTypes,
    FieldRef,
    OnScale,
    field_refs,
    field_scales,
    plain_type,
)

Draw = Callable[[st.SearchStrategy[Any]], Any]
Maker = Callable[[Draw, dict[str, Any]], Any]  # draws one field's value, given the fields drawn before

DEFAULT_START = dt.date(2013, 6, 1)
UNBOUNDED = 10.0  # half-width for a number the schema leaves unbounded (a `by`, a shock's `size`)


@dataclass(frozen=True)
class EventContext:
    """What generated events may name: the scenario's ids, each issue's (min, max), its start date,
    and the ids of the events listed so far by type."""

    actors: tuple[str, ...]
    issues: dict[str, tuple[float, float]]
    channels: tuple[str, ...] = ()
    start: dt.date | None = DEFAULT_START
    events: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def ids(self, kind: str) -> tuple[str, ...]:
        """The ids a ``Ref(kind)`` may take here."""
        scenario = {"actor": self.actors, "issue": tuple(self.issues), "channel": self.channels}
        return scenario[kind] if kind in scenario else self.events.get(kind, ())


def event_strategy(
    name: str, ctx: EventContext, registry: EventTypes = EVENTS
) -> st.SearchStrategy[dict[str, Any]] | None:
    """Valid events of type ``name`` (as a scenario file holds them), or None when ``ctx`` lacks what
    the type must name (a channel event without channels or pairs, a threat outcome before any threat)."""
    cls = registry.of(name)
    refs = {r.field: r for r in field_refs(cls)}
    scales = dict(field_scales(cls))
    plan: list[tuple[str, bool, Maker | None]] = []
    for fname, info in cls.model_fields.items():
        if fname == "type" or fname in EventBase.model_fields:
            continue
        maker = _maker(cls, name, fname, info, refs.get(fname), scales.get(fname), ctx)
        if maker is None and info.is_required():
            return None
        plan.append((fname, info.is_required(), maker))
    makers = {fname: maker for fname, _, maker in plan}
    groups = [[f for f in group if makers.get(f) is not None] for group in cls.one_of]
    if not all(groups):
        return None
    grouped = {f for group in cls.one_of for f in group}

    @st.composite
    def build(draw: Draw) -> dict[str, Any]:
        chosen = {draw(st.sampled_from(group)) for group in groups}
        body: dict[str, Any] = {"type": name}
        for fname, required, maker in plan:
            give = fname in chosen if fname in grouped else required or draw(st.booleans())
            if maker is not None and give:
                body[fname] = maker(draw, body)
        return {**body, **draw(_when(ctx))}

    return build()


@st.composite
def event_lists(
    draw: Draw, ctx: EventContext, max_size: int = 6, registry: EventTypes = EVENTS
) -> list[dict[str, Any]]:
    """A valid ``events`` list: any registered types the context allows, each later event free to name
    the earlier ones (types some field refers to always get an id; others sometimes)."""
    referenced = {r.kind for cls in registry.classes() for r in field_refs(cls)}
    out: list[dict[str, Any]] = []
    named: dict[str, tuple[str, ...]] = {}
    for k in range(draw(st.integers(0, max_size))):
        here = replace(ctx, events=named)
        options = [(n, s) for n in registry.names() if (s := event_strategy(n, here, registry)) is not None]
        name, strategy = draw(st.sampled_from(options))
        event = draw(strategy)
        if name in referenced or draw(st.booleans()):
            event["id"] = f"e{k}"
            named = {**named, name: named.get(name, ()) + (event["id"],)}
        out.append(event)
    return out


def _when(ctx: EventContext) -> st.SearchStrategy[dict[str, Any]]:
    rounds = st.builds(lambda r: {"round": r}, st.integers(0, 100))
    if ctx.start is None:
        return rounds
    start = ctx.start
    dates = st.builds(lambda d: {"date": (start + dt.timedelta(days=d)).isoformat()}, st.integers(0, 600))
    return dates | rounds


def _maker(
    cls: type[EventBase],
    name: str,
    fname: str,
    info: FieldInfo,
    ref: FieldRef | None,
    marker: OnScale | None,
    ctx: EventContext,
) -> Maker | None:
    """How to draw one field's value; None when the context has nothing it may name."""
    if ref is not None:
        pool = ctx.ids(ref.kind)
        if len(pool) < ref.arity:
            return None
        if ref.arity == 1:
            return lambda draw, body: draw(st.sampled_from(pool))
        if ref.arity == 0:  # a list of any length
            return lambda draw, body: draw(st.lists(st.sampled_from(pool), unique=True)) if pool else []
        return lambda draw, body: draw(
            st.lists(st.sampled_from(pool), min_size=ref.arity, max_size=ref.arity, unique=True)
        )
    kind = plain_type(info.annotation)
    lo, hi = _bounds(info)
    scale = marker.scale_for(name) if marker is not None else None
    if kind is float and scale == "salience":
        return lambda draw, body: draw(_num(0.0, 100.0))
    if kind is float and scale == "issue":
        return lambda draw, body: draw(_num(*ctx.issues.get(body.get("issue", ""), (lo, hi))))
    if kind is float:
        return lambda draw, body: draw(_num(lo, hi))
    if kind is int:
        return lambda draw, body: draw(st.integers(int(max(lo, 0)), int(min(hi, 100))))
    if kind is bool:
        return lambda draw, body: draw(st.booleans())
    if kind is str:
        return lambda draw, body: draw(st.text(max_size=30))
    if kind is dt.date:
        start = ctx.start or DEFAULT_START
        return lambda draw, body: (start + dt.timedelta(days=draw(st.integers(0, 600)))).isoformat()
    raise TypeError(f"{cls.__name__}.{fname}: no strategy for {info.annotation}; add it to {__name__}._maker")


def _bounds(info: FieldInfo) -> tuple[float, float]:
    """The field's declared bounds (``ge``/``le``; ``gt``/``lt`` nudged inside), or +-UNBOUNDED around
    the one given (around 0 when none is)."""
    lo = hi = None
    for m in info.metadata:
        if isinstance(m, at.Ge | at.Gt):
            bound = float(m.ge if isinstance(m, at.Ge) else m.gt)
            lo = bound if isinstance(m, at.Ge) else math.nextafter(bound, math.inf)
        if isinstance(m, at.Le | at.Lt):
            bound = float(m.le if isinstance(m, at.Le) else m.lt)
            hi = bound if isinstance(m, at.Le) else math.nextafter(bound, -math.inf)
    if lo is None and hi is None:
        return -UNBOUNDED, UNBOUNDED
    if lo is None:
        assert hi is not None
        return hi - 2 * UNBOUNDED, hi
    return lo, hi if hi is not None else lo + 2 * UNBOUNDED


def _num(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)
