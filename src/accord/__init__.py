"""accord: model, simulate and forecast multi-party negotiations."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("accord")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.1.0"

from .scenario import Scenario, load, save  # noqa: E402
from .models import Result, get_model, list_models, make_model  # noqa: E402


def forecast(scenario: "Scenario | str", model: str = "weighted-mean", seed: int | None = 0, **params):
    """Run one model on a scenario (a Scenario, a path or an example name) and return its Result."""
    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    return make_model(model, **params).run(scenario, seed)


__all__ = ["Result", "Scenario", "__version__", "forecast", "get_model", "list_models", "load", "make_model", "save"]
