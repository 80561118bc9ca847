"""Replies of the dashboard's worker jobs: rendered bytes that pickle back to the app process.

Shared by the jobs in ``work.py`` and ``answer.py`` and by the app (``clip``), so that every reply,
an answer or an error, is strict JSON in one shape.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from ..errors import ScenarioError
from ..scenario.schema import Scenario
from ..scenario.validate import scenario_from_data

MAX_MESSAGE = 1000  # characters of an error message; longer ones are cut, saying how long they were


class Reply(NamedTuple):
    """A worker's answer to a job, in a form that pickles back to the app process."""

    status: int
    media_type: str
    body: bytes
    headers: dict[str, str]


def json_reply(content: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    """A JSON reply, with strict JSON (NaN is refused) so browsers can parse it."""
    body = json.dumps(content, allow_nan=False, ensure_ascii=False, separators=(",", ":")).encode()
    return Reply(status, "application/json", body, headers or {})


def error_reply(status: int, message: str, detail: list[dict[str, Any]] | None = None) -> Reply:
    """An error reply in FastAPI's shape (``detail``) plus a one-line ``message``."""
    message = clip(message)
    return json_reply({"detail": detail or message, "message": message}, status)


def clip(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` cut to ``limit`` characters, so a huge bad value cannot bloat an error reply."""
    return text if len(text) <= limit else f"{text[:limit]}... (cut: {len(text)} characters in all)"


def parse_scenario(data: dict[str, Any], where: tuple[str | int, ...] = ("body", "scenario")) -> Scenario:
    """Validate a scenario document; errors carry ``where`` so the 422 names the request field."""
    try:
        return scenario_from_data(data)
    except ScenarioError as exc:
        exc.where = where  # type: ignore[attr-defined]
        raise


def figure_json(fig) -> dict:
    """A plotly figure as the JSON the browser's Plotly.react takes."""
    return json.loads(fig.to_json())
