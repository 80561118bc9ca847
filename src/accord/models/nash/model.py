"""The asymmetric Nash bargaining solution, issue by issue.

x* = argmax_x Σ_i c_i log(U_i(x) − U_i(d)) subject to U_i(x) ≥ U_i(d), with
U_i(x) = −s_i |x − x_i|^κ (Nash 1950; Harsanyi; the DEU application in Achen 2006 and Schneider,
Finke & Bailer 2010). The disagreement point d is the status quo, or, when asked, each actor's
worst point of the scale. On one dimension the feasible set is the intersection of the intervals
around each actor's ideal that it prefers to d; when that set is empty the status quo stands (any
actor at d is a veto player).
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

import numpy as np

from ...errors import UnsupportedScenario
from ...scenario.arrays import ScenarioArrays
from ...scenario.limits import check_exponent
from ..base import StaticModel
from ..params import Interval
from ..registry import register
from .core import nash_bargain_1d


@register
class NashBargaining(StaticModel):
    """Asymmetric Nash bargaining solution with the status quo as disagreement point."""

    name: ClassVar[str] = "nash"
    tags: ClassVar[frozenset[str]] = frozenset({"static", "needs-status-quo", "batch"})
    summary: ClassVar[str] = "asymmetric Nash bargaining solution (disagreement = status quo)"

    def __init__(
        self,
        kappa: Annotated[float, Interval(1)] = 2.0,  # 1 linear, 2 quadratic utility loss
        disagreement: Literal["status_quo", "worst"] = "status_quo",
    ) -> None:
        check_exponent(kappa, "nash: kappa")
        self.kappa = kappa
        self.disagreement = disagreement

    def instance_tags(self) -> frozenset[str]:
        """Only the status-quo disagreement point needs a status quo: "worst" drops that tag."""
        tags = type(self).tags
        return tags if self.disagreement == "status_quo" else tags - {"needs-status-quo"}

    def forecast_batch(self, arrays: ScenarioArrays, rng: np.random.Generator | None = None) -> np.ndarray:
        """The asymmetric Nash bargaining solution per issue and draw (the status quo if none is feasible)."""
        pos = arrays.position
        lead = pos.shape[:-2]
        sal = np.broadcast_to(arrays.salience, pos.shape)
        cap = np.broadcast_to(arrays.capability[..., :, None], pos.shape)
        out = np.empty(lead + (arrays.n_issues,))
        for idx in np.ndindex(*lead):
            for i in range(arrays.n_issues):
                d = None if self.disagreement == "worst" else float(arrays.status_quo[i])
                if d is not None and np.isnan(d):
                    raise UnsupportedScenario(
                        f"model 'nash' needs a status quo on issue {arrays.issues[i]!r}"
                    )
                out[idx + (i,)] = nash_bargain_1d(
                    pos[idx][:, i],
                    cap[idx][:, i],
                    sal[idx][:, i],
                    d,
                    float(arrays.lo[i]),
                    float(arrays.hi[i]),
                    self.kappa,
                )
        return out
