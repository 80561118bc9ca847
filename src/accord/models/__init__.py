"""Models behind one protocol, found by name in the registry."""

from .base import BatchResult, Model, Result, StaticModel
from .registry import build_model, get_model, list_models, make_model, parse_params, register

__all__ = ["BatchResult", "Model", "Result", "StaticModel", "build_model", "get_model", "list_models", "make_model", "parse_params", "register"]
