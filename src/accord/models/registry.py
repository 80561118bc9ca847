"""The model registry: every model by name, with its tags.

Built-in models register themselves with :func:`register` when their module is imported; every
module and folder of ``accord.models`` is imported when the whole registry is first listed, so
adding a model is adding a folder (``models/<name>/``, its ``__init__`` importing ``model.py``).
Other packages plug in through the ``accord.models`` entry-point group (name = model name, value =
the class).

Asking for one built-in model by name imports only its module (``BUILTIN``, read from the folder
names): `accord run -m smp` need not load SciPy for the Nash model. A test checks that index
against the full discovery.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import AccordError, ParameterError

if TYPE_CHECKING:
    from ..scenario.schema import Scenario
    from .base import Model

M = TypeVar("M", bound="type[Model]")
_PACKAGE = Path(__file__).parent


def _builtin_index() -> dict[str, str]:
    """Built-in model name -> the module of accord.models that registers it, without importing any.

    A model's folder is named after it (``models/<name>/``, ``-`` written ``_``), so the folders
    are listed, not written down; only the baselines share one module.
    """
    folders = {
        info.name.replace("_", "-"): info.name for info in pkgutil.iter_modules([str(_PACKAGE)]) if info.ispkg
    }
    return {
        "weighted-mean": "baselines",
        "weighted-median": "baselines",
        "status-quo": "baselines",
        **folders,
    }


BUILTIN = _builtin_index()
_MODELS: dict[str, type[Model]] = {}
_loaded = False
_lock = threading.Lock()


class RegistryError(AccordError):
    """Two different models claim one name: which one a user gets must never depend on import order."""


def register(cls: M) -> M:
    """Add a model class under its ``name``; a second, different class under that name is an error.

    Registering the same class again (a module imported twice, a test helper called twice) is a
    no-op; a class is "the same" when it is that object or has the same module and qualified name
    (``importlib.reload`` makes a new object for the same definition).
    """
    if not cls.name:
        raise TypeError(f"{cls.__name__} has no `name`")
    existing = _MODELS.get(cls.name)
    if existing is not None and existing is not cls and _where(existing) != _where(cls):
        raise RegistryError(
            f"model name {cls.name!r} is already registered by {_where(existing)}; cannot register "
            f"{_where(cls)} under it; allowed: a name not in {', '.join(sorted(_MODELS))}"
        )
    _MODELS[cls.name] = cls
    return cls


def _where(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _load() -> None:
    global _loaded
    if _loaded:
        return
    # Concurrent first calls (a web server's threads) must all see the complete registry.
    with _lock:
        if _loaded:
            return
        package = importlib.import_module("accord.models")
        for info in pkgutil.iter_modules(package.__path__):
            if info.name not in ("base", "registry"):
                importlib.import_module(f"accord.models.{info.name}")
        for ep in entry_points(group="accord.models"):
            cls = ep.load()
            if ep.name != cls.name:
                raise RegistryError(
                    f"entry point {ep.name!r} ({ep.value}) loads model {cls.name!r}; "
                    f"allowed: an entry-point name equal to the model's `name`"
                )
            register(cls)  # a plugin cannot silently shadow a built-in model, nor one another
        _loaded = True


def list_models() -> dict[str, type[Model]]:
    """Every registered model by name, loading the built-ins first."""
    _load()
    return dict(sorted(_MODELS.items()))


def models_tagged(tag: str) -> list[str]:
    """The names of the registered models with ``tag`` (class-level tags), in the registry's order."""
    return [name for name, cls in list_models().items() if tag in cls.tags]


def get_model(name: str) -> type[Model]:
    """The model class of that name, or a ParameterError listing the known ones."""
    if name not in _MODELS and name in BUILTIN:
        importlib.import_module(f"accord.models.{BUILTIN[name]}")
    if name in _MODELS:
        return _MODELS[name]
    models = list_models()
    if name not in models:
        raise ParameterError(f"unknown model {name!r}; allowed: {', '.join(models)}")
    return models[name]


def make_model(name: str, **params: Any) -> Model:
    """An instance of the named model; bad parameters give a ParameterError naming the allowed ones."""
    cls = get_model(name)
    try:
        return cls(**params)
    except TypeError as exc:
        import inspect

        allowed = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
        raise ParameterError(
            f"bad parameters for model {name!r}: {exc}; allowed: {', '.join(allowed) or 'none'}"
        ) from None


def build_model(name: str, scenario: Scenario, params: dict[str, Any] | None = None) -> Model:
    """A model configured by the settings the scenario carries for it, overridden by ``params``."""
    cls = get_model(name)
    settings = cls.params_from_settings(scenario.models.get(name, {}))
    return make_model(name, **{**settings, **(params or {})})


def parse_params(pairs: list[str]) -> dict[str, Any]:
    """Parse command-line ``key=value`` pairs; values are read as YAML scalars (3 -> int, x -> str)."""
    if not pairs:
        return {}  # PyYAML is imported only when there is a value to read
    import yaml

    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ParameterError(f"bad --param {pair!r}; allowed: key=value")
        try:
            params[key.strip()] = yaml.safe_load(value) if value.strip() else ""
        except yaml.YAMLError:
            params[key.strip()] = value
    return params
