"""What-if: run scenario variants side by side with the base, on the same random draws.

Every variant is run on exactly the base's perturbations (common random numbers: chunk ``c`` of
every variant uses the generator of chunk ``c``, and the shocks are drawn for the base's actors and
issues), so a difference between variant and base in one draw is due to the patch alone. The
intervals reported are those of the paired per-draw differences, which are much narrower than the
difference of two independent intervals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..models.base import Model
from ..scenario.schema import Scenario
from .montecarlo import DEFAULT_NOISE, QUANTILES, NoiseSpec, ProgressFactory, sweep_draws
from .parallel import SERIAL, Executor
from .patch import Patch, PatchError, apply_patch, load_patch, shipped_patches
from .store import RunStore

DIFF_COLUMNS = [
    "variant",
    "issue",
    "base_median",
    "median",
    "diff_median",
    "diff_p2_5",
    "diff_p10",
    "diff_p25",
    "diff_p75",
    "diff_p90",
    "diff_p97_5",
    "diff_mean",
]

__all__ = ["Comparison", "Patch", "apply_patch", "compare", "load_patch", "shipped_patches"]


@dataclass
class Comparison:
    """Per-draw forecasts of the base and each variant, and their paired differences."""

    issues: tuple[str, ...]
    names: tuple[str, ...]  # "base" first, then the variants
    forecasts: dict[str, np.ndarray]  # name -> (draws, issues)
    extra: dict[str, dict[str, np.ndarray]]  # name -> per-draw extras
    meta: dict[str, Any]
    run_id: int | None = None
    differences: pd.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        self.differences = differences(self.issues, self.forecasts)

    def agreement(self) -> pd.DataFrame | None:
        """P(agreement) per variant and its paired change from the base (models that report it)."""
        if "agreement" not in self.extra["base"]:
            return None
        base = np.asarray(self.extra["base"]["agreement"], dtype=float)
        rows = []
        for name in self.names:
            agreed = np.asarray(self.extra[name]["agreement"], dtype=float)
            row = {"variant": name, "p_agreement": agreed.mean(), "diff": (agreed - base).mean()}
            if "full_agreement" in self.extra[name]:
                row["p_full_agreement"] = float(np.mean(self.extra[name]["full_agreement"]))
            rows.append(row)
        return pd.DataFrame(rows)

    def to_json(self) -> dict[str, Any]:
        """The JSON the CLI and web API give: metadata, per-variant differences and agreement."""
        out = {**self.meta, "run_id": self.run_id, "differences": self.differences.to_dict(orient="records")}
        agreement = self.agreement()
        if agreement is not None:
            out["agreement"] = agreement.to_dict(orient="records")
        return out


def differences(issues: Sequence[str], forecasts: dict[str, np.ndarray]) -> pd.DataFrame:
    base = forecasts["base"]
    rows = []
    for name, f in forecasts.items():
        if name == "base":
            continue
        diff = f - base
        q = np.quantile(diff, list(QUANTILES.values()), axis=0)
        for k, issue in enumerate(issues):
            row = {
                "variant": name,
                "issue": issue,
                "base_median": float(np.median(base[:, k])),
                "median": float(np.median(f[:, k])),
                "diff_mean": float(diff[:, k].mean()),
            }
            row.update({f"diff_{q_name}": float(q[j, k]) for j, q_name in enumerate(QUANTILES)})
            rows.append(row)
    return pd.DataFrame(rows, columns=DIFF_COLUMNS)


def compare(
    scenario: Scenario,
    patches: Sequence[Patch | str],
    model: Model,
    draws: int = 1000,
    seed: int = 0,
    noise: NoiseSpec = DEFAULT_NOISE,
    *,
    executor: Executor = SERIAL,
    store: RunStore | None = None,
    progress: ProgressFactory | None = None,
) -> Comparison:
    """Monte Carlo of the base and every patched variant on common random numbers.

    Every patch is checked in full (by the schema and by the model) before any draw is made, and
    all their problems are reported together: a bad patch never leaves a half-run sweep behind.
    """
    loaded = [p if isinstance(p, Patch) else load_patch(p) for p in patches]
    model.check_supported(scenario)  # a base the model refuses is not the patches' fault
    variants, problems = [], []
    for p in loaded:
        try:
            variants.append(apply_patch(scenario, p, model.check_supported))
        except PatchError as exc:
            problems += exc.problems
    if problems:
        raise PatchError(problems)
    names = ("base", *(p.name for p in loaded))
    done = sweep_draws(
        "whatif",
        [scenario, *variants],
        model,
        draws,
        seed,
        noise,
        executor,
        store,
        progress,
        {"variants": {p.name: sc.content_hash() for p, sc in zip(loaded, variants, strict=True)}},
    )
    result = Comparison(
        tuple(scenario.issue_ids),
        names,
        {n: f for n, (f, _) in zip(names, done.outputs, strict=True)},
        {n: e for n, (_, e) in zip(names, done.outputs, strict=True)},
        {**done.meta, "variants": list(names[1:])},
    )
    if store is not None:
        results = result.to_json()
        results["table"] = results.pop("differences")
        arrays = {f"{n}.forecasts": f for n, f in result.forecasts.items()}
        result.run_id = store.record_run(done.info, results, arrays, done.sweep_id)
    return result
