"""The dashboard's FastAPI app: a JSON API under /api/ and one static page that calls it.

Scenarios travel as JSON in request bodies and are validated by accord's own schema, so a bad
value comes back as 422 naming its field path. Examples are addressed by name from the shipped
list; nothing here opens a path the client supplies.

Requests pass three walls before any work: the Host allow-list and cross-site check
(``guard.py``), the body size cap (``limits.py``) and the declared content type with strict JSON
(``strict.py``). The work itself runs in a bounded pool of worker processes with a time and a
memory limit per request (``pool.py``, ``work.py``). Every client error is a 4xx with a message
and no server path; a request over a limit is 503 saying which limit and how to raise it.

The API docs at /docs are Swagger UI served from the ``fastapi-offline`` package's copy, so they
work without a network (FastAPI's default loads them from a CDN and is blank offline).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import plotly
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..models import list_models
from ..scenario import example_names, load
from .guard import HostGuard
from .limits import SEED_MAX, BodyLimit, ServerLimits
from .pool import WorkPool
from .reply import Reply, clip
from .strict import StrictRoute
from .upload import ALLOWED

STATIC = Path(str(resources.files("accord.web") / "static"))
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
SCENARIO_DOC = "A scenario document, as in a YAML/JSON scenario file (see the README's scenario format)."
MODEL_DOC = "A registered model name (GET /api/models)."
SEED_DOC = "Seed of the random generator; runs are reproducible from it."
LIMITS_DOC = {
    503: {
        "description": "Over a per-request limit (time, memory) or the server is busy; the "
        "message says which and how to raise it."
    }
}


# A valid scenario in the schema: /docs shows it, and Schemathesis builds its requests around it
# (without one, generated scenarios fail validation before a model or a seed is ever reached).
EXAMPLE = load("ec-emissions").model_dump(mode="json", exclude_none=True)


class ScenarioBody(BaseModel):
    """A request that carries a scenario document."""

    scenario: dict[str, Any] = Field(description=SCENARIO_DOC, examples=[EXAMPLE])


class RunRequest(ScenarioBody):
    """Run one model on a scenario."""

    model: str = Field("weighted-mean", max_length=80, description=MODEL_DOC)
    seed: int = Field(0, ge=0, le=SEED_MAX, description=SEED_DOC)


class Variant(ScenarioBody):
    """One named scenario of a comparison."""

    name: str = Field(min_length=1, max_length=80)


class CompareRequest(BaseModel):
    """Run one model on several scenario variants."""

    variants: list[Variant] = Field(min_length=1, max_length=20)
    model: str = Field("weighted-mean", max_length=80, description=MODEL_DOC)
    seed: int = Field(0, ge=0, le=SEED_MAX, description=SEED_DOC)


class ReportRequest(ScenarioBody):
    """Build the HTML report for a scenario."""

    models: list[str] | None = Field(
        None, max_length=20, description="Models to run; default: every registered model."
    )
    draws: int = Field(100, ge=0, le=2000)
    seed: int = Field(0, ge=0, le=SEED_MAX, description=SEED_DOC)


class PlayRequest(ScenarioBody):
    """One step of a game: the decisions so far (as the last reply gave them) and the next move."""

    actor: str = Field(min_length=1, max_length=80, description="The actor id the person plays.")
    seed: int = Field(0, ge=0, le=SEED_MAX, description=SEED_DOC)
    decisions: list[dict[str, Any]] = Field(default_factory=list, max_length=5000)
    move: dict[str, Any] | None = Field(
        None,
        description="The waiting round's decision: action (propose, accept, reject, auto), terms "
        "(issue id -> value in the issue's units), accept (proposer ids), events.",
    )
    draws: int = Field(200, ge=0, le=2000, description="Monte Carlo draws of the P(agreement) chart.")


class ForecastRequest(ScenarioBody):
    """The answer block: deal probabilities, terms, intervals, pivotal actors, what-ifs."""

    chosen: str = Field(
        "weighted-mean", max_length=80, description="The model of the intervals and pivotal actors."
    )
    models: list[str] = Field(
        ["agents"],
        max_length=20,
        description="Further models; those tagged `agents` give the deal probabilities and what-ifs.",
    )
    draws: int = Field(200, ge=0, le=2000, description="Monte Carlo draws (0: point forecasts only).")
    whatif_draws: int = Field(100, ge=0, le=1000, description="Draws per shipped what-if variant.")
    seed: int = Field(0, ge=0, le=SEED_MAX, description=SEED_DOC)


class PatchRequest(ScenarioBody):
    """A what-if patch to apply to a scenario (the format of the shipped variants)."""

    patch: dict[str, Any] = Field(
        description="remove_actors, remove_events, set (dotted paths), add_events; see docs/analysis.md"
    )


def _message(status: int, message: str, detail: Any = None) -> JSONResponse:
    return JSONResponse(
        status_code=status,
        content={"detail": message if detail is None else detail, "message": clip(message)},
    )


def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    response = _message(exc.status_code, str(exc.detail))
    response.headers.update(exc.headers or {})
    return response


def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's 422 for a request that fails its model, with a message and no echo of large inputs."""
    detail = []
    for err in exc.errors():
        value = err.get("input")
        value = (
            clip(value, 200)
            if isinstance(value, str)
            else value
            if isinstance(value, (int, float, bool))
            else None
        )
        detail.append({"loc": list(err["loc"]), "msg": err["msg"], "type": err["type"], "input": value})
    message = "; ".join(f"{'.'.join(map(str, d['loc']))}: {d['msg']}" for d in detail[:5])
    return _message(422, message, detail)


def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    return _message(500, "internal error; it is logged on the server")


def _reply(reply: Reply) -> Response:
    return Response(reply.body, status_code=reply.status, media_type=reply.media_type, headers=reply.headers)


def create_app(limits: ServerLimits | None = None, allow_hosts: Iterable[str] = ()) -> FastAPI:
    """The FastAPI app: routes, strict JSON, host guard and body limit, and the worker pool's lifespan."""
    limits = limits or ServerLimits()
    pool = WorkPool(limits)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool.start()
        try:
            yield
        finally:
            pool.close()

    app = FastAPIOffline(
        title="accord",
        version=__version__,
        lifespan=lifespan,
        description="Forecast multi-party negotiations: examples, upload, run, compare, report.",
    )
    app.router.route_class = StrictRoute
    app.state.pool = pool
    # Import every model now: the registry's lazy first load is not thread-safe, and the first
    # concurrent requests would otherwise see a half-filled registry ("unknown model").
    list_models()
    app.add_middleware(BodyLimit, limit=limits.body)
    app.add_middleware(HostGuard, allowed=allow_hosts)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _internal_error)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/play", include_in_schema=False)
    def play_page() -> FileResponse:
        return FileResponse(STATIC / "play.html")

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
            raise HTTPException(
                404, f"no shipped example {name[:80]!r}; allowed: {', '.join(example_names())}"
            )
        return {"scenario": load(name).model_dump(mode="json", exclude_none=True)}

    @app.get("/api/examples/{name}/variants", summary="The shipped what-if patches of one example")
    async def example_variants(name: str) -> Response:
        return _reply(await pool.run("variants", name))

    @app.get("/api/models", summary="The registered models and their tags")
    def models() -> list[dict[str, Any]]:
        return [{"name": n, "tags": sorted(c.tags), "summary": c.summary} for n, c in list_models().items()]

    @app.get(
        "/api/status", summary="The server's per-request limits and how many requests are running or waiting"
    )
    def status() -> dict[str, Any]:
        return {
            "version": __version__,
            "active": pool.active,
            "workers": limits.workers,
            "queue": limits.queue,
            "time_limit_s": limits.time_limit,
            "memory_limit_mib": limits.memory_limit,
            "body_limit_kib": limits.body // 1024,
        }

    @app.post("/api/scenario/validate", summary="Validate a scenario document", responses=LIMITS_DOC)
    async def validate(body: ScenarioBody) -> Response:
        return _reply(await pool.run("validate", body.scenario))

    @app.post(
        "/api/scenario/upload",
        responses=LIMITS_DOC,
        summary=f"Parse an uploaded scenario file ({ALLOWED}); the raw file is the request body",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        },
    )
    async def upload(request: Request, filename: str = Query(min_length=1, max_length=255)) -> Response:
        return _reply(await pool.run("upload", await request.body(), filename))

    @app.post(
        "/api/scenario/yaml",
        summary="The scenario as a YAML file",
        response_class=Response,
        responses=LIMITS_DOC,
    )
    async def to_yaml(body: ScenarioBody) -> Response:
        return _reply(await pool.run("yaml", body.scenario))

    @app.post("/api/run", summary="Run one model on a scenario: forecast and figures", responses=LIMITS_DOC)
    async def run(body: RunRequest) -> Response:
        return _reply(await pool.run("run", body.scenario, body.model, body.seed))

    @app.post(
        "/api/forecast",
        summary="The answer first: deal probabilities per coalition, terms, intervals, pivotal actors",
        responses=LIMITS_DOC,
    )
    async def forecast(body: ForecastRequest) -> Response:
        args = (body.scenario, body.models, body.chosen, body.seed, body.draws, body.whatif_draws)
        return _reply(await pool.run("forecast", *args))

    @app.post("/api/patch", summary="Apply a what-if patch to a scenario", responses=LIMITS_DOC)
    async def patch(body: PatchRequest) -> Response:
        return _reply(await pool.run("patch", body.scenario, body.patch))

    @app.post(
        "/api/compare",
        summary="Run one model on several variants and compare the forecasts",
        responses=LIMITS_DOC,
    )
    async def compare(body: CompareRequest) -> Response:
        variants = [(v.name, v.scenario) for v in body.variants]
        return _reply(await pool.run("compare", variants, body.model, body.seed))

    @app.post(
        "/api/report",
        summary="The self-contained HTML report of a scenario",
        response_class=Response,
        responses=LIMITS_DOC,
    )
    async def report(body: ReportRequest) -> Response:
        return _reply(await pool.run("report", body.scenario, body.models, body.draws, body.seed))

    @app.post("/api/play", summary="One round of a game: a person plays one party", responses=LIMITS_DOC)
    async def play(body: PlayRequest) -> Response:
        args = (body.scenario, body.actor, body.seed, body.decisions, body.move, body.draws)
        return _reply(await pool.run("play", *args))

    return app
