"""Turn raw data (parsed YAML/JSON, rows of a table) into a Scenario or one clear ScenarioError."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from .errors import ScenarioError
from .schema import EVENT_TYPES, Scenario


def scenario_from_data(data: Any, file: str | None = None) -> Scenario:
    if data is None:
        raise ScenarioError("the file is empty", file=file, allowed="a scenario: name, actors, issues, stances, ...")
    if not isinstance(data, dict):
        raise ScenarioError(
            "the top level must be a mapping of scenario fields",
            file=file,
            value=type(data).__name__,
            allowed="name, actors, issues, stances, ...",
        )
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise error_from_validation(exc, data, file) from None


def error_from_validation(exc: ValidationError, data: Any, file: str | None) -> ScenarioError:
    """The first error, located by its field path, with the offending value and what is allowed.

    A misspelt field also shows up as a missing required one; naming the misspelling is the
    useful message, so unknown fields are reported first.
    """
    errors = exc.errors(include_url=False)
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = [str(p) for p in err["loc"] if not _is_union_tag(p)]
    path = ".".join(loc)
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "union_tag_invalid":
        return ScenarioError(
            "unknown event type", file=file, location=path + ".type",
            value=err["input"].get("type") if isinstance(err["input"], dict) else None,
            allowed=EVENT_TYPES,
        )
    if err["type"] == "union_tag_not_found":
        return ScenarioError("an event needs a `type`", file=file, location=path, allowed=EVENT_TYPES)
    if err["type"] == "missing":
        return ScenarioError("a required field is missing", file=file, location=path)
    if err["type"] == "extra_forbidden":
        return ScenarioError("unknown field", file=file, location=path, allowed=_allowed_fields(loc))
    if not loc:
        # A cross-field check: its message already starts with the field path.
        location, _, rest = msg.partition(": ")
        if rest:
            return ScenarioError(rest, file=file, location=location)
        return ScenarioError(msg, file=file)
    value = err.get("input")
    if isinstance(value, (dict, list)):
        value = None
    return ScenarioError(msg, file=file, location=path, value=value)


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and part in EVENT_TYPES.split(", ")


def _allowed_fields(loc: list[str]) -> str | None:
    from . import schema

    names = {
        "actors": schema.Actor, "issues": schema.Issue, "relations": schema.Relation,
        "channels": schema.Channel, "deadline": schema.Deadline, "negotiation": schema.Negotiation,
    }
    if len(loc) == 1:
        return ", ".join(Scenario.model_fields)
    model = names.get(loc[0])
    if loc[0] == "stances":
        model = schema.Stance
    if loc[0] == "issues" and len(loc) > 3 and loc[2] == "unit":
        model = schema.Unit
    return ", ".join(model.model_fields) if model else None
