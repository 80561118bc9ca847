"""accord: model, simulate and forecast multi-party negotiations.

The public names are loaded on first use (see ``accord._lazy``): ``import accord`` stays cheap, so
the command line starts fast and a program that only reads scenarios never loads the model stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._lazy import lazy_attributes

if TYPE_CHECKING:
    from .models import Result, get_model, list_models, make_model
    from .scenario import Scenario, load, save

__getattr__, __dir__ = lazy_attributes(
    __name__,
    {
        "Scenario": ".scenario",
        "load": ".scenario",
        "save": ".scenario",
        "Result": ".models",
        "get_model": ".models",
        "list_models": ".models",
        "make_model": ".models",
        "__version__": "._version",
    },
    globals(),
)


def forecast(
    scenario: Scenario | str, model: str = "weighted-mean", seed: int | None = 0, **params: Any
) -> Result:
    """Run one model on a scenario (a Scenario, a path or an example name) and return its Result.

    The compromise model on Bueno de Mesquita's (1994) EC car-emissions table gives the published
    7.39 (shared/docs/models.md §4; tests/test_baselines.py):

    >>> round(forecast("ec-emissions", "weighted-mean").forecast_of("emissions"), 2)
    7.39
    """
    from .models import make_model
    from .scenario import Scenario, load

    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    return make_model(model, **params).run(scenario, seed)


__all__ = [
    "Result",
    "Scenario",
    "__version__",
    "forecast",
    "get_model",
    "list_models",
    "load",
    "make_model",
    "save",
]
