"""Models behind one protocol, found by name in the registry (names load on first use)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_attributes

if TYPE_CHECKING:
    from .base import BatchResult, Model, Result, StaticModel
    from .registry import build_model, get_model, list_models, make_model, parse_params, register

_NAMES = {
    **dict.fromkeys(("BatchResult", "Model", "Result", "StaticModel"), ".base"),
    **dict.fromkeys(
        ("build_model", "get_model", "list_models", "make_model", "parse_params", "register"), ".registry"
    ),
}
__getattr__, __dir__ = lazy_attributes(__name__, _NAMES, globals())
__all__ = [
    "BatchResult",
    "Model",
    "Result",
    "StaticModel",
    "build_model",
    "get_model",
    "list_models",
    "make_model",
    "parse_params",
    "register",
]
