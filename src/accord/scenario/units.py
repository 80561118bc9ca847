"""What a position on an issue's scale means in the world: a linear unit, labelled levels, or both.

Models compute on each issue's numeric scale (0-100 in most scenarios); an analyst reads "9,000 US
troops" or "a talks-only office", not "45". An issue may therefore declare its mapping::

    unit: {name: US troops, per_point: 200}                 # value = offset + per_point * position
    unit: {levels: {0: no office, 30: talks-only address, 100: embassy with flag}}

and every output shows the value in those units beside the scale position. The mapping is the
analyst's, stated in the scenario (with a ``source``), never inferred.
"""

import math

from pydantic import Field, model_validator

from .fields import Source, _Strict

NEAR = 0.05  # a position within 5% of the range of a labelled level reads as that level


class Unit(_Strict):
    """An issue's unit: ``name`` with ``per_point`` (and ``offset``), and/or labelled ``levels``."""

    name: str = Field(default="", description="What the linear mapping counts, e.g. 'US troops'.")
    per_point: float | None = Field(
        default=None,
        allow_inf_nan=False,
        description="Units per scale point: value = offset + per_point * position.",
    )
    offset: float = Field(default=0.0, allow_inf_nan=False, description="The value at position 0.")
    levels: dict[float, str] = Field(
        default_factory=dict,
        description="Labelled positions on the scale, e.g. {0: no office, 30: talks-only address}.",
    )
    source: Source = None

    @model_validator(mode="after")
    def _some_mapping(self) -> "Unit":
        if self.per_point is None and not self.levels:
            raise ValueError(
                "a unit needs `per_point` (with `name`) or `levels`, e.g. "
                "{name: US troops, per_point: 200} or {levels: {0: none, 100: all}}"
            )
        if self.per_point is not None and not self.name.strip():
            raise ValueError("a unit with `per_point` needs a `name`, e.g. {name: US troops, per_point: 200}")
        if self.per_point == 0:
            raise ValueError("per_point: 0 maps every position to the same value; allowed: a non-zero number")
        return self

    def value(self, position: float) -> float | None:
        """The position in units (linear mapping), or None without one."""
        return None if self.per_point is None else self.offset + self.per_point * position

    def level(self, position: float, span: float) -> str | None:
        """The label of the level the position sits at (within 5% of the range), else None."""
        if not self.levels:
            return None
        at, label = min(self.levels.items(), key=lambda kv: (abs(kv[0] - position), kv[0]))
        return label if abs(at - position) <= NEAR * span * (1 + 1e-9) else None

    def describe(self, position: float, span: float, short: bool = False) -> str:
        """Text for a position: '9,000 US troops', 'talks-only address', or 'between A and B' (left
        out when ``short``: table cells show a level only where the position sits at one, and the
        table's legend lists the levels).

        The Afghanistan scenario's two kinds of unit (1 point = 200 US troops; the office's levels):

        >>> Unit(name="US troops", per_point=200).describe(41.4, span=100)
        '8,280 US troops'
        >>> office = Unit(levels={0: "no office abroad", 30: "talks-only office", 100: "Emirate embassy"})
        >>> office.describe(31, span=100), office.describe(60, span=100)
        ('talks-only office', 'between talks-only office and Emirate embassy')
        """
        parts = []
        value = self.value(position)
        if value is not None:
            parts.append(f"{format_amount(value, abs(self.per_point or 1))} {self.name}")
        label = self.level(position, span)
        if label is not None:
            parts.append(label)
        elif self.levels and value is None and not short:
            below = [k for k in self.levels if k < position]
            above = [k for k in self.levels if k > position]
            if below and above:
                parts.append(f"between {self.levels[max(below)]} and {self.levels[min(above)]}")
            else:
                near = max(below) if below else min(above)
                parts.append(f"{'beyond' if below else 'below'} {self.levels[near]}")
        return "; ".join(parts)

    def amount(self, position: float) -> str:
        """The linear value alone ('8,280'), or '' without a linear mapping."""
        value = self.value(position)
        return "" if value is None else format_amount(value, abs(self.per_point or 1))

    def scale_note(self) -> str:
        """One line saying what the scale's numbers mean, for legends."""
        parts = []
        if self.per_point is not None:
            zero = (
                f"{format_amount(self.offset, abs(self.per_point))} {self.name} at 0, " if self.offset else ""
            )
            parts.append(f"{zero}1 point = {self.per_point:g} {self.name}")
        if self.levels:
            parts.append(", ".join(f"{k:g} = {v}" for k, v in sorted(self.levels.items())))
        return "; ".join(parts)


def format_amount(value: float, step: float) -> str:
    """A value with the precision its unit step supports: 8,280 troops, 0.35 %, not 8280.000."""
    if step >= 1 or abs(value) >= 1000:
        return f"{value:,.0f}"
    digits = min(6, max(0, -math.floor(math.log10(step)))) if step > 0 else 2
    return f"{value:,.{digits}f}"
