"""Refuse requests a web page elsewhere could make a browser send to the local dashboard.

Two attacks reach a server on 127.0.0.1 from a page on the internet:

- **DNS rebinding**: the page's own name is re-pointed at 127.0.0.1, so the browser treats the
  dashboard as the page's origin and lets it read the answers. The request still carries the
  attacker's name in ``Host``, so only names on an allow-list are served (loopback names, plus
  what ``accord serve --allow-host`` adds).
- **Cross-site request forgery**: a page posts to the dashboard without reading the answer. An
  unsafe method is refused when the browser says it comes from another site (``Sec-Fetch-Site``)
  or from another origin (``Origin`` not matching ``Host``). Clients that are not browsers send
  neither header and are let through; the content-type rule in ``strict.py`` is the second wall.

The same defences as Jupyter's ``allow_remote_access`` host check and the OWASP CSRF cheat
sheet's "verifying origin with standard headers".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def host_name(host: str) -> str | None:
    """The name in a Host header or an origin's authority, lower case, without port or brackets."""
    try:
        return urlsplit(f"//{host}").hostname
    except ValueError:
        return None


def allowed_name(name: str) -> str | None:
    """A configured name as ``host_name`` gives it: a bare IPv6 address gets its brackets first."""
    name = name.strip()
    return host_name(f"[{name}]" if name.count(":") > 1 and not name.startswith("[") else name)


def _authority(origin: str) -> str | None:
    try:
        return urlsplit(origin).netloc.lower()
    except ValueError:
        return None


def shown(names: Iterable[str]) -> str:
    """Host names as shown in messages (IPv6 addresses in brackets)."""
    return ", ".join(f"[{n}]" if ":" in n else n for n in names)


class HostGuard:
    """ASGI middleware: 400 for a Host not on the list, 403 for a cross-site unsafe request."""

    def __init__(self, app: ASGIApp, allowed: Iterable[str] = ()) -> None:
        self.app = app
        extra = [name for name in (allowed_name(a) for a in allowed) if name]
        self.allowed = tuple(dict.fromkeys([*LOOPBACK_NAMES, *extra]))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or answer it with the status and message from ``problem``."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        problem = self.problem(scope.get("method", "GET"), headers)
        if problem is None:
            await self.app(scope, receive, send)
            return
        status, message = problem
        if scope["type"] == "websocket":  # the app has none; refuse the handshake all the same
            await send({"type": "websocket.close", "code": 1008, "reason": message[:120]})
            return
        body = json.dumps({"detail": message, "message": message}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def problem(self, method: str, headers: Headers) -> tuple[int, str] | None:
        """Why a request is refused (status, message), or None: an unknown Host, or a cross-site unsafe
        request."""
        host = headers.get("host", "")
        if host_name(host) not in self.allowed:
            return 400, (
                f"host {host[:80]!r} is not served here; allowed: {shown(self.allowed)} "
                "(add a name with `accord serve --allow-host NAME`)"
            )
        if method in SAFE_METHODS:
            return None
        site = headers.get("sec-fetch-site")
        if site in ("cross-site", "same-site"):
            return (
                403,
                f"a {site} request may not {method} here; allowed: requests from this dashboard's own pages",
            )
        origin = headers.get("origin")
        if origin is not None and _authority(origin) != host.lower():
            return 403, (
                f"a request from origin {origin[:80]!r} may not {method} here; "
                "allowed: requests from this dashboard's own pages"
            )
        return None
