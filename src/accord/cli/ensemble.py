"""`accord ensemble-fit`: fit the distributional ensemble's weights on a DEU-format file."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from ..errors import AccordError, ParameterError
from ..scenario.eu_council import CAPABILITIES
from .app import app, console, fail_on_errors
from .backtest import DRAWS, default_models
from .options import DeuFileArg, JobsOpt, SeedOpt, models_option

# NumPy and the analysis stack are imported inside the command, so `accord --help` stays fast
# (tests/test_startup.py).

ComponentsOpt = models_option("every registered model not itself fitted", every=False)


@app.command("ensemble-fit")
@fail_on_errors
def ensemble_fit(
    file: DeuFileArg,
    out: Annotated[
        Path,
        typer.Option(
            help="Where to write the weights (JSON); use them with `accord run SCENARIO -m ensemble --param "
            "weights=FILE`."
        ),
    ],
    model: ComponentsOpt = None,
    capability: Annotated[
        str, typer.Option(help="Actor capability: " + ", ".join(CAPABILITIES) + ".")
    ] = "equal",
    seed: SeedOpt = 0,
    draws: Annotated[int, typer.Option(help="Monte Carlo draws per issue for the components.")] = DRAWS,
    jobs: JobsOpt = None,
) -> None:
    """Fit the ensemble's gate on every issue of FILE (penalty chosen by CV grouped by proposal) and write it.

    The `ensemble` model reads the result with `accord run ... --param weights=FILE`; the shipped
    weights come from this command on the DEU III development split."""
    if draws < 1:
        raise ParameterError(f"--draws must be at least 1 (got {draws}); allowed: 1, 2, ...")
    import numpy as np

    from ..analysis.backtest import groups, outcomes, run_models, scale
    from ..analysis.ensemble_fit import fit_all
    from ..files import atomic_write_text
    from ..models import make_model
    from ..scenario.deu import read_deu

    data = read_deu(file, capability)
    if len(data.cases) < 10:
        raise AccordError(f"{file}: {len(data.cases)} scorable issues; allowed: at least 10 to fit weights")
    models = [make_model(m) for m in model] if model else default_models()[0]
    rng = np.random.default_rng(seed)
    base = run_models(models, {capability: data.cases}, rng, os.cpu_count() if jobs is None else jobs, draws)
    dists = {f.model: f.predictive for f in base if f.predictive is not None and f.predictive.available.any()}
    point = next((f.forecast for f in base if f.model == "weighted-mean"), None)
    if point is None:
        point = run_models([make_model("weighted-mean")], {capability: data.cases}, rng)[0].forecast
    lo, hi = scale(data.cases)
    spec = fit_all(dists, point, data.cases, outcomes(data.cases), groups(data.cases), lo, hi)
    spec = {"fitted_on": Path(file).name, "capability": capability, "seed": seed, "draws": draws, **spec}
    atomic_write_text(out, json.dumps(spec, indent=1) + "\n")
    console.print(
        f"{out}: weights of {len(spec['components'])} components fitted on {spec['cases']} issues "
        f"({spec['proposals']} proposals); penalty {spec['penalty']}; the 50/80/95% intervals are the "
        f"central ones at levels {'/'.join(f'{c:.3f}' for c in spec['levels'])} (calibrated by grouped CV)",
        highlight=False,
    )
