"""Turn raw data (parsed YAML/JSON, rows of a table) into a Scenario or one clear ScenarioError."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..errors import ScenarioError
from .events import EVENTS
from .limits import LimitError, current
from .rawdata import clean
from .schema import EVENT_TYPES, Scenario


def scenario_from_data(data: Any, file: str | None = None) -> Scenario:
    """Validate parsed data as a Scenario; any problem becomes one ScenarioError naming the field."""
    if data is None:
        raise ScenarioError(
            "the file is empty", file=file, allowed="a scenario: name, actors, issues, stances, ..."
        )
    if not isinstance(data, dict):
        raise ScenarioError(
            "the top level must be a mapping of scenario fields",
            file=file,
            value=type(data).__name__,
            allowed="name, actors, issues, stances, ...",
        )
    limits = current()
    data = clean(data, file)
    try:
        return Scenario.model_validate(data, context={"limits": limits})
    except ValidationError as exc:
        raise error_from_validation(exc, data, file) from None
    except LimitError as exc:
        raise exc.with_file(file) if file and not exc.file else exc from None


def error_from_validation(exc: ValidationError, data: Any, file: str | None) -> ScenarioError:
    """The first error, located by its field path, with the offending value and what is allowed.

    A misspelt field also shows up as a missing required one; naming the misspelling is the
    useful message, so unknown fields are reported first.
    """
    errors = exc.errors(include_url=False)
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = [str(p) for p in err["loc"] if not _is_union_tag(p)]
    raw = err["loc"]  # inside an event, pydantic puts its type after the index: events.3.shock.size
    tag = str(raw[2]) if len(raw) > 2 and raw[0] == "events" and _is_union_tag(raw[2]) else None
    path = ".".join(loc)
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "union_tag_invalid":
        return ScenarioError(
            "unknown event type",
            file=file,
            location=path + ".type",
            value=err["input"].get("type") if isinstance(err["input"], dict) else None,
            allowed=EVENT_TYPES,
        )
    if err["type"] == "union_tag_not_found":
        return ScenarioError("an event needs a `type`", file=file, location=path, allowed=EVENT_TYPES)
    if err["type"] == "missing":
        return ScenarioError("a required field is missing", file=file, location=path)
    if err["type"] == "extra_forbidden":
        return ScenarioError("unknown field", file=file, location=path, allowed=_allowed_fields(loc, tag))
    if not loc:
        # A cross-field check: its message already starts with the field path.
        location, _, rest = msg.partition(": ")
        if rest:
            return ScenarioError(rest, file=file, location=location)
        return ScenarioError(msg, file=file)
    value = err.get("input")
    if isinstance(value, (dict, list)):
        value = None
    return ScenarioError(msg, file=file, location=path, value=value, allowed=_expected_form(err, value))


def _expected_form(err: ErrorDetails, value: Any) -> str | None:
    """For a value of the wrong shape, the shape expected (issue 13: ``deadline: 2020-07-15`` is a
    bare date where a mapping such as ``{date: 2020-07-15}`` belongs)."""
    from .forms import FORMS

    kind = err["type"]
    if kind in ("model_type", "model_attributes_type", "dataclass_type"):
        name = (err.get("ctx") or {}).get("class_name", "")
        form = FORMS.get(name)
        if name == "Deadline" and value is not None:
            form = f"a mapping such as {{date: {value}}} or {{rounds: 80}}, not a bare value"
        return f"a mapping, e.g. {form}" if form and not form.startswith("a mapping") else form
    if kind in ("list_type", "tuple_type"):
        return "a list, e.g. [a, b]"
    if kind == "dict_type":
        return "a mapping, e.g. {key: value}"
    if kind.startswith("date_"):
        return "a date written YYYY-MM-DD, e.g. 2013-06-18"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        return "a whole number" if kind.startswith("int") else "a number"
    if kind in ("bool_parsing", "bool_type"):
        return "true or false"
    return None


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and part in EVENT_TYPES.split(", ")


def _allowed_fields(loc: list[str], event_type: str | None = None) -> str | None:
    from . import schema

    if event_type is not None:  # a field of an event: the fields its type declares
        return ", ".join(EVENTS.of(event_type).model_fields)

    names: dict[str, type[BaseModel]] = {
        "actors": schema.Actor,
        "issues": schema.Issue,
        "relations": schema.Relation,
        "channels": schema.Channel,
        "deadline": schema.Deadline,
        "negotiation": schema.Negotiation,
    }
    if len(loc) == 1:
        return ", ".join(Scenario.model_fields)
    model = names.get(loc[0])
    if loc[0] == "stances":
        model = schema.Stance
    if loc[0] == "issues" and len(loc) > 3 and loc[2] == "unit":
        model = schema.Unit
    return ", ".join(model.model_fields) if model else None
