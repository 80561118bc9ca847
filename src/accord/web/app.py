"""The dashboard's FastAPI app: a JSON API under /api/ and one static page that calls it.

Scenarios travel as JSON in request bodies and are validated by accord's own schema, so a bad
value comes back as 422 naming its field path. Examples are addressed by name from the shipped
list; nothing here opens a path the client supplies.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import plotly
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from .. import __version__
from ..models import list_models
from ..models.base import Result
from ..report import figures, report_html
from ..models import build_model
from ..scenario import dumps_yaml, example_names, load
from ..scenario.errors import AccordError, ScenarioError
from ..scenario.schema import Scenario
from ..scenario.validate import scenario_from_data
from .limits import MAX_BODY, BodyLimit
from .upload import ALLOWED, parse_upload

STATIC = Path(str(resources.files("accord.web") / "static"))
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
SCENARIO_DOC = "A scenario document, as in a YAML/JSON scenario file (see the README's scenario format)."


class ScenarioBody(BaseModel):
    scenario: dict[str, Any] = Field(description=SCENARIO_DOC)


class RunRequest(ScenarioBody):
    model: str = Field("weighted-mean", description="A registered model name (GET /api/models).")
    seed: int = 0


class Variant(ScenarioBody):
    name: str = Field(min_length=1, max_length=80)


class CompareRequest(BaseModel):
    variants: list[Variant] = Field(min_length=1, max_length=20)
    model: str = "weighted-mean"
    seed: int = 0


class ReportRequest(ScenarioBody):
    models: list[str] | None = Field(None, description="Models to run; default: every registered model.")
    draws: int = Field(100, ge=0, le=2000)
    seed: int = 0


def parse_scenario(data: dict[str, Any], where: tuple[str | int, ...] = ("body", "scenario")) -> Scenario:
    """Validate a scenario document; errors carry ``where`` so the 422 names the request field."""
    try:
        return scenario_from_data(data)
    except ScenarioError as exc:
        exc.where = where  # type: ignore[attr-defined]
        raise


def field_path(location: str | None) -> list[str | int]:
    """'actors.0.capability' -> ['actors', 0, 'capability']; a line/row location is not a path."""
    if not location or not re.fullmatch(r"[^\s,]+(\.[^\s,]+)*", location):
        return []
    return [int(p) if p.isdigit() else p for p in location.split(".")]


def _scenario_error(request: Request, exc: ScenarioError) -> JSONResponse:
    where = list(getattr(exc, "where", ("body",)))
    detail = {"loc": where + field_path(exc.location), "msg": exc.message, "type": "scenario_error",
              "location": exc.location, "allowed": exc.allowed,
              "input": exc.value if isinstance(exc.value, (str, int, float, bool)) else None}
    return JSONResponse(status_code=422, content={"detail": [detail], "message": str(exc)})


def _accord_error(request: Request, exc: AccordError) -> JSONResponse:
    return JSONResponse(status_code=422, content={"detail": [{"loc": ["body"], "msg": str(exc),
                                                              "type": type(exc).__name__}],
                                                  "message": str(exc)})


def _figure(fig) -> dict:
    return json.loads(fig.to_json())


def _run_payload(scenario: Scenario, model: str, result: Result) -> dict[str, Any]:
    forecast = [{"issue": i.id, "name": i.name or i.id, "forecast": result.forecast_of(i.id), "min": i.min,
                 "max": i.max} for i in scenario.issues]
    charts = {
        "forecast": figures.forecast_figure(scenario, {model: result.forecast}),
        "positions": figures.position_map_figure(scenario, result.forecast),
    }
    if result.history["round"].nunique() > 1:  # a static model has no trajectory to show
        charts["trajectories"] = figures.trajectory_figure(scenario, result.history, f"Positions: {model}")
    return {"model": model, "forecast": forecast, "outcome": result.info.get("outcome"),
            "figures": {k: _figure(f) for k, f in charts.items()}}


def _safe_filename(name: str, suffix: str) -> str:
    return (re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "scenario") + suffix


def create_app() -> FastAPI:
    app = FastAPI(title="accord", version=__version__,
                  description="Forecast multi-party negotiations: examples, upload, run, compare, report.")
    # Import every model now: the registry's lazy first load is not thread-safe, and the first
    # concurrent requests would otherwise see a half-filled registry ("unknown model").
    list_models()
    app.add_middleware(BodyLimit, limit=MAX_BODY)
    app.add_exception_handler(ScenarioError, _scenario_error)
    app.add_exception_handler(AccordError, _accord_error)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(PLOTLY_JS, media_type="text/javascript")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/api/examples", summary="The shipped example scenarios")
    def examples() -> list[dict[str, str]]:
        return [{"name": n, "title": load(n).title} for n in example_names()]

    @app.get("/api/examples/{name}", summary="One shipped example, by name")
    def example(name: str) -> dict[str, Any]:
        if name not in example_names():
            raise HTTPException(404, f"no shipped example {name!r}; allowed: {', '.join(example_names())}")
        return {"scenario": load(name).model_dump(mode="json", exclude_none=True)}

    @app.get("/api/models", summary="The registered models and their tags")
    def models() -> list[dict[str, Any]]:
        return [{"name": n, "tags": sorted(c.tags), "summary": c.summary} for n, c in list_models().items()]

    @app.post("/api/scenario/validate", summary="Validate a scenario document")
    def validate(body: ScenarioBody) -> dict[str, Any]:
        return {"scenario": parse_scenario(body.scenario).model_dump(mode="json", exclude_none=True)}

    @app.post(
        "/api/scenario/upload",
        summary=f"Parse an uploaded scenario file ({ALLOWED}); the raw file is the request body",
        openapi_extra={"requestBody": {"required": True, "content": {
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}},
    )
    async def upload(request: Request, filename: str) -> dict[str, Any]:
        data = await request.body()
        try:
            scenario = parse_upload(data, filename)
        except ScenarioError as exc:
            exc.where = ("file",)  # type: ignore[attr-defined]
            raise
        return {"scenario": scenario.model_dump(mode="json", exclude_none=True)}

    @app.post("/api/scenario/yaml", summary="The scenario as a YAML file", response_class=Response)
    def to_yaml(body: ScenarioBody) -> Response:
        sc = parse_scenario(body.scenario)
        return Response(dumps_yaml(sc), media_type="application/x-yaml", headers={
            "content-disposition": f'attachment; filename="{_safe_filename(sc.name, ".yaml")}"'})

    @app.post("/api/run", summary="Run one model on a scenario: forecast and figures")
    def run(body: RunRequest) -> dict[str, Any]:
        sc = parse_scenario(body.scenario)
        return _run_payload(sc, body.model, build_model(body.model, sc).run(sc, body.seed))

    @app.post("/api/compare", summary="Run one model on several variants and compare the forecasts")
    def compare(body: CompareRequest) -> dict[str, Any]:
        scenarios = [parse_scenario(v.scenario, ("body", "variants", k, "scenario"))
                     for k, v in enumerate(body.variants)]
        forecasts: dict[str, Any] = {}
        for v, sc in zip(body.variants, scenarios):
            label = v.name if v.name not in forecasts else f"{v.name} ({len(forecasts) + 1})"
            forecasts[label] = build_model(body.model, sc).run(sc, body.seed).forecast
        rows = [{"variant": name, "issue": rec["issue"], "forecast": float(rec["forecast"])}
                for name, table in forecasts.items() for rec in table.to_dict("records")]
        return {"model": body.model, "rows": rows,
                "figure": _figure(figures.compare_figure(scenarios[0], forecasts))}

    @app.post("/api/report", summary="The self-contained HTML report of a scenario", response_class=HTMLResponse)
    def report(body: ReportRequest) -> HTMLResponse:
        sc = parse_scenario(body.scenario)
        html = report_html(sc, body.models, draws=body.draws, seed=body.seed)
        return HTMLResponse(html, headers={
            "content-disposition": f'attachment; filename="{_safe_filename(sc.name, "-report.html")}"'})

    return app
