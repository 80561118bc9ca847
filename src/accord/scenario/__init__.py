"""Scenarios: the schema, its readers and writers, and the shipped examples."""

from .arrays import ScenarioArrays, to_arrays, with_arrays
from .errors import AccordError, ParameterError, ScenarioError, UnsupportedScenario
from .examples import example_names, example_path
from .io import dumps_yaml, load, loads_json, loads_yaml, save
from .schema import Actor, Channel, Deadline, Issue, Negotiation, Relation, Scenario, Stance

__all__ = [
    "AccordError", "Actor", "Channel", "Deadline", "Issue", "Negotiation", "ParameterError",
    "Relation", "Scenario", "ScenarioArrays", "ScenarioError", "Stance", "UnsupportedScenario",
    "dumps_yaml", "example_names", "example_path", "load", "loads_json", "loads_yaml", "save",
    "to_arrays", "with_arrays",
]
