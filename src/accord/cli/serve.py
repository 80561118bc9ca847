"""`accord serve`: the local web dashboard."""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from .app import app, console, err_console

WILDCARDS = ("0.0.0.0", "::", "")


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind; the default keeps the dashboard on this machine.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
    allow_host: Annotated[list[str] | None, typer.Option(
        help="A host name the dashboard may be reached by besides localhost, 127.0.0.1 and [::1] "
             "(and the bound address); repeat for several. Other names are refused, against DNS rebinding.",
    )] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes running requests.")] = 2,
    time_limit: Annotated[float, typer.Option(min=0.1, help="Seconds of work one request may take.")] = 120.0,
    memory_limit: Annotated[int, typer.Option(
        min=256, help="MiB of address space per worker process (so per request).")] = 2048,
    queue: Annotated[int, typer.Option(min=0, help="Requests that may wait for a worker before 503.")] = 64,
) -> None:
    """Serve the web dashboard (and its JSON API, documented at /docs) until Ctrl-C."""
    import uvicorn

    from ..web import create_app
    from ..web.limits import ServerLimits

    if not _is_loopback(host):
        err_console.print(f"[yellow]warning:[/] binding to {host}: anyone who can reach it can use the dashboard")
    names = [*(allow_host or []), *([host] if host not in WILDCARDS else [])]
    limits = ServerLimits(workers=workers, time_limit=time_limit, memory_limit=memory_limit, queue=queue)
    console.print(f"accord dashboard on http://{host}:{port}/ (API docs: /docs); Ctrl-C stops it",
                  highlight=False, soft_wrap=True)
    uvicorn.run(create_app(limits, names), host=host, port=port, log_level="warning")
