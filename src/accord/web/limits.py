"""The server's limits per request, and the cap on every request body.

A scenario is a few kilobytes; anything far larger is a mistake or an attack, and must be refused
before it is buffered, parsed or written anywhere. The body cap holds whether or not the client
sends a Content-Length. The other limits bound what one request may cost once it is accepted:
how long and how much memory its work may take in a worker process, and how many requests may
wait for a worker (see ``pool.py``).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException

MAX_BODY = 2 * 1024 * 1024  # bytes
MAX_DEPTH = (
    32  # nesting of a JSON body; a scenario needs about 10 (compare > variant > scenario > stances ...)
)
MAX_INT_DIGITS = 30  # a seed or a count never needs more; Python refuses to parse past 4,300 anyway
SEED_MAX = 2**63 - 1  # the range accord draws its own seeds from (models/base.py)


@dataclass(frozen=True)
class ServerLimits:
    """What one request may cost; `accord serve` options set them.

    ``time_limit`` is wall-clock seconds of work in a worker (waiting for a free worker is not
    counted); ``memory_limit`` is the address space of a worker process in MiB (RLIMIT_AS, so
    it caps what the process can map, not only what it touches); ``queue`` is how many requests
    may wait when every worker is busy before new ones are answered 503.
    """

    workers: int = 2
    time_limit: float = 120.0
    memory_limit: int = 2048
    queue: int = 64
    body: int = MAX_BODY


Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class _TooLarge(HTTPException):
    """An HTTPException, so that body parsers which wrap other errors as 400 pass it on as 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _message(limit))


class BodyLimit:
    """ASGI middleware: 413 when the declared or the streamed body exceeds ``limit`` bytes."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or answer 413 once the declared or received body exceeds the limit."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _refuse(send, self.limit)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _TooLarge(self.limit)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _TooLarge:
            if not started:
                await _refuse(send, self.limit)


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps({"detail": _message(limit)}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _message(limit: int) -> str:
    return f"request body too large; allowed: at most {limit // 1024} KiB"
