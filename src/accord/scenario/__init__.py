"""Scenarios: the schema, its readers and writers, and the shipped examples.

Names load on first use (``accord._lazy``): reading a YAML scenario must not pay for NumPy or
pandas, which only the array view and the table formats need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_attributes

if TYPE_CHECKING:
    from ..errors import AccordError, ParameterError, ScenarioError, UnsupportedScenario
    from .arrays import ScenarioArrays, to_arrays, with_arrays
    from .examples import example_names, example_path
    from .io import load, loads_json, loads_yaml, save
    from .schema import Actor, Channel, Deadline, Issue, Negotiation, Relation, Scenario, Stance
    from .yamltext import dumps_yaml

_NAMES = {
    **dict.fromkeys(("ScenarioArrays", "to_arrays", "with_arrays"), ".arrays"),
    **dict.fromkeys(("AccordError", "ParameterError", "ScenarioError", "UnsupportedScenario"), "..errors"),
    **dict.fromkeys(("example_names", "example_path"), ".examples"),
    **dict.fromkeys(("load", "loads_json", "loads_yaml", "save"), ".io"),
    "dumps_yaml": ".yamltext",
    **dict.fromkeys(
        ("Actor", "Channel", "Deadline", "Issue", "Negotiation", "Relation", "Scenario", "Stance"), ".schema"
    ),
}
__getattr__, __dir__ = lazy_attributes(__name__, _NAMES, globals())
__all__ = [
    "AccordError",
    "Actor",
    "Channel",
    "Deadline",
    "Issue",
    "Negotiation",
    "ParameterError",
    "Relation",
    "Scenario",
    "ScenarioArrays",
    "ScenarioError",
    "Stance",
    "UnsupportedScenario",
    "dumps_yaml",
    "example_names",
    "example_path",
    "load",
    "loads_json",
    "loads_yaml",
    "save",
    "to_arrays",
    "with_arrays",
]
