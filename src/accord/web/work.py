"""The dashboard's heavy work, run in worker processes (``pool.py``) and answered as a finished reply.

Everything a POST does with a client's scenario happens here: parsing (a hostile upload can cost
far more than its size), validation, model runs, figures and reports. Each job returns a
``Reply`` already rendered to bytes, so an error is mapped to its HTTP status inside the worker,
where the exception is (accord's errors carry keyword fields that do not survive pickling), and
the server process only copies bytes.

Status mapping: accord's own errors (bad scenario, unknown model, unsupported scenario) are 422
with the message; input nested past what Python can recurse is 422; running out of the worker's
memory is 503 with the limit; anything else is a bug, logged with its traceback, and 500 with a
generic message (never the exception text, which can carry server paths).
"""

from __future__ import annotations

import logging
import re
import resource
from typing import Any

from ..errors import AccordError, ScenarioError
from ..models import build_model, list_models
from ..models.base import Result
from ..report import figures, report_html
from ..scenario import dumps_yaml
from ..scenario.schema import Scenario
from . import answer
from .reply import Reply, clip, error_reply, figure_json, json_reply, parse_scenario
from .upload import parse_upload

log = logging.getLogger("accord.web")


def init_worker(memory_mib: int) -> None:
    """Runs once in each worker: load every model, then cap the address space."""
    list_models()  # the registry's first load imports every model; do it before the cap and the clock
    if memory_mib > 0:
        limit = memory_mib * 1024 * 1024
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ValueError, OSError):  # a platform without RLIMIT_AS (macOS): the time limit still holds
            log.warning("cannot cap worker memory at %d MiB on this platform", memory_mib)


def field_path(location: str | None) -> list[str | int]:
    """'actors.0.capability' -> ['actors', 0, 'capability']; a line/row location is not a path."""
    if not location or not re.fullmatch(r"[^\s,]+(\.[^\s,]+)*", location):
        return []
    return [int(p) if p.isdigit() else p for p in location.split(".")]


def scenario_error(exc: ScenarioError) -> Reply:
    """A 422 reply for a scenario error, naming where in the request it is."""
    where = list(getattr(exc, "where", ("body",)))
    value = exc.value if isinstance(exc.value, (str, int, float, bool)) else None
    detail = {
        "loc": where + field_path(exc.location),
        "msg": clip(exc.message),
        "type": "scenario_error",
        "location": exc.location,
        "allowed": exc.allowed,
        "input": clip(value, 200) if isinstance(value, str) else value,
    }
    return error_reply(422, str(exc), [detail])


def execute(job: str, *args: Any) -> Reply:
    """Run one job by name and map whatever it raises to a reply (see the module docstring)."""
    try:
        return JOBS[job](*args)
    except ScenarioError as exc:
        return scenario_error(exc)
    except AccordError as exc:
        return error_reply(
            422, str(exc), [{"loc": ["body"], "msg": clip(str(exc)), "type": type(exc).__name__}]
        )
    except RecursionError:
        return error_reply(
            422, "the input is nested too deeply to process; allowed: a scenario as documented"
        )
    except MemoryError:
        return error_reply(
            503,
            "the request needed more memory than a request may use here "
            "(`accord serve --memory-limit`); make the scenario or the run smaller",
        )
    except Exception:
        log.exception("internal error in %s", job)
        return error_reply(500, f"internal error while handling {job}; it is logged on the server")


def _run_payload(scenario: Scenario, model: str, result: Result) -> dict[str, Any]:
    forecast = [
        {
            "issue": i.id,
            "name": i.name or i.id,
            "forecast": result.forecast_of(i.id),
            "min": i.min,
            "max": i.max,
        }
        for i in scenario.issues
    ]
    charts = {
        "forecast": figures.forecast_figure(scenario, {model: result.forecast}),
        "positions": figures.position_map_figure(scenario, result.forecast),
    }
    if result.history["round"].nunique() > 1:  # a static model has no trajectory to show
        charts["trajectories"] = figures.trajectory_figure(scenario, result.history, f"Positions: {model}")
    return {
        "model": model,
        "forecast": forecast,
        "outcome": result.info.get("outcome"),
        "figures": {k: figure_json(f) for k, f in charts.items()},
    }


def _safe_filename(name: str, suffix: str) -> str:
    return (re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "scenario") + suffix


def _attachment(name: str) -> dict[str, str]:
    return {"content-disposition": f'attachment; filename="{name}"'}


def validate(scenario: dict[str, Any]) -> Reply:
    """The validated scenario with defaults filled in."""
    return json_reply({"scenario": parse_scenario(scenario).model_dump(mode="json", exclude_none=True)})


def upload(data: bytes, filename: str) -> Reply:
    """A scenario from an uploaded file, as JSON; errors point at the file field."""
    try:
        scenario = parse_upload(data, filename)
    except ScenarioError as exc:
        exc.where = ("file",)  # type: ignore[attr-defined]
        raise
    return json_reply({"scenario": scenario.model_dump(mode="json", exclude_none=True)})


def to_yaml(scenario: dict[str, Any]) -> Reply:
    """The scenario as a YAML download."""
    sc = parse_scenario(scenario)
    return Reply(
        200, "application/x-yaml", dumps_yaml(sc).encode(), _attachment(_safe_filename(sc.name, ".yaml"))
    )


def run(scenario: dict[str, Any], model: str, seed: int) -> Reply:
    """One model's forecast for a scenario."""
    sc = parse_scenario(scenario)
    return json_reply(_run_payload(sc, model, build_model(model, sc).run(sc, seed)))


def compare(variants: list[tuple[str, dict[str, Any]]], model: str, seed: int) -> Reply:
    """One model's forecasts for several variants, keyed by variant name (repeated names numbered)."""
    scenarios = [
        parse_scenario(data, ("body", "variants", k, "scenario")) for k, (_, data) in enumerate(variants)
    ]
    forecasts: dict[str, Any] = {}
    for (name, _), sc in zip(variants, scenarios, strict=True):
        label = name if name not in forecasts else f"{name} ({len(forecasts) + 1})"
        forecasts[label] = build_model(model, sc).run(sc, seed).forecast
    rows = [
        {"variant": name, "issue": rec["issue"], "forecast": float(rec["forecast"])}
        for name, table in forecasts.items()
        for rec in table.to_dict("records")
    ]
    return json_reply(
        {
            "model": model,
            "rows": rows,
            "figure": figure_json(figures.compare_figure(scenarios[0], forecasts)),
        }
    )


def report(scenario: dict[str, Any], models: list[str] | None, draws: int, seed: int) -> Reply:
    """The HTML report of a scenario as a download."""
    sc = parse_scenario(scenario)
    html = report_html(sc, models, draws=draws, seed=seed)
    return Reply(
        200, "text/html; charset=utf-8", html.encode(), _attachment(_safe_filename(sc.name, "-report.html"))
    )


def play(*args: Any) -> Reply:
    """One step of a game in the browser (web/play.py, imported on first use)."""
    from .play import play as step

    return step(*args)


def ping() -> Reply:
    """A no-op job: the workers answer once they have imported accord."""
    return json_reply("ready")


JOBS = {
    "validate": validate,
    "upload": upload,
    "yaml": to_yaml,
    "run": run,
    "compare": compare,
    "report": report,
    "ping": ping,
    "play": play,
    "forecast": answer.forecast,
    "variants": answer.variants,
    "patch": answer.patched,
}
