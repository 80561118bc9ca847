"""Request bodies accepted only in the form the API documents, and parsed without surprises.

Python's ``json`` module accepts what JSON does not (``NaN``, ``Infinity``, numbers that overflow
to infinity such as ``1e400``), lets lone surrogates (``"\\ud800"``) through to code that cannot
encode them, raises its own ``ValueError`` on integers past 4,300 digits and ``RecursionError``
on deep nesting, and keeps the last of duplicate keys. Each of these used to end as an HTTP 500
(the error response itself could not be rendered); here each is a 422 naming the problem.

The content type is checked per route against what its OpenAPI operation declares (JSON models
take ``application/json``; the upload declares ``application/octet-stream``). Besides giving a
clear 415 for a wrong type, this is what keeps a cross-site page from forging a POST: a browser
sends a cross-origin POST without asking the server first only with ``text/plain``, form or no
content type (the Fetch standard's "CORS-safelisted request headers"), and this server answers no
CORS preflight, so a page elsewhere cannot send the types accepted here.
"""

from __future__ import annotations

import email.message
import json
import math
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute

from .limits import MAX_DEPTH, MAX_INT_DIGITS


class BadBody(HTTPException):
    """A body refused before validation; an HTTPException so FastAPI passes it on unchanged."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(status, message)


def _constant(name: str) -> Any:
    raise BadBody(f"the body is not valid JSON: {name} is not a JSON number; allowed: finite numbers")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadBody(
            f"the body has a number too large for a float ({_cut(text)}); "
            "allowed: finite numbers, at most about 1.8e308"
        )
    return value


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise BadBody(
            f"the body has an integer of {len(text.lstrip('-'))} digits; "
            f"allowed: at most {MAX_INT_DIGITS} digits"
        )
    return int(text)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise BadBody(f"the body has the key {_cut(key)!r} twice in one object; allowed: each key once")
        out[key] = value
    return out


def _cut(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def _check_tree(data: Any) -> None:
    """Depth and text checks, iteratively (the point is to survive what recursion would not)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            _check_text(node)
            continue
        if not isinstance(node, (dict, list)):
            continue
        if depth > MAX_DEPTH:
            raise BadBody(
                f"the body is nested more than {MAX_DEPTH} levels deep; allowed: at most {MAX_DEPTH}"
            )
        if isinstance(node, dict):
            for key, value in node.items():
                _check_text(key)
                stack.append((value, depth + 1))
        else:
            stack.extend((value, depth + 1) for value in node)


def _check_text(text: str) -> None:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise BadBody(
                f"the body has a lone UTF-16 surrogate (\\u{ord(text[exc.start]):04x}) in a string; "
                "allowed: Unicode text"
            ) from None


def strict_loads(raw: bytes) -> Any:
    """Parse a JSON body, or raise BadBody (422) saying what is wrong with it."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadBody(f"the body is not UTF-8 (byte {exc.start}); allowed: JSON in UTF-8") from None
    try:
        data = json.loads(
            text, parse_constant=_constant, parse_float=_float, parse_int=_int, object_pairs_hook=_object
        )
    except json.JSONDecodeError as exc:
        raise BadBody(
            f"the body is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise BadBody(
            f"the body is nested more than {MAX_DEPTH} levels deep; allowed: at most {MAX_DEPTH}"
        ) from None
    _check_tree(data)
    return data


class StrictRequest(Request):
    """A request whose JSON body is parsed strictly (no NaN, no duplicate keys)."""

    async def json(self) -> Any:
        """The body parsed by strict_loads, once per request."""
        if not hasattr(self, "_json"):
            self._json = strict_loads(await self.body())
        return self._json


def declared_types(route: APIRoute) -> frozenset[str] | None:
    """The media types a route's OpenAPI operation declares for its body; None if it takes none."""
    content = ((route.openapi_extra or {}).get("requestBody") or {}).get("content")
    if content:
        return frozenset(content)
    return frozenset({"application/json"}) if route.body_field is not None else None


def media_type(header: str | None) -> str | None:
    """The bare media type of a Content-Type header (parameters dropped, lower case), or None."""
    if not header:
        return None
    message = email.message.Message()
    message["content-type"] = header
    return message.get_content_type()


class StrictRoute(APIRoute):
    """An APIRoute that refuses undeclared content types (415) and parses JSON strictly."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """FastAPI's handler, behind a check of the content type the route declares."""
        handler = super().get_route_handler()
        accepted = declared_types(self)

        async def strict_handler(request: Request) -> Response:
            if accepted is not None:
                got = media_type(request.headers.get("content-type"))
                if got not in accepted:
                    raise BadBody(
                        f"content type {got or 'missing'!r} is not accepted here; "
                        f"allowed: {', '.join(sorted(accepted))}",
                        status=415,
                    )
            return await handler(StrictRequest(request.scope, request.receive))

        return strict_handler
