"""`accord serve`: the local web dashboard."""


import ipaddress
from typing import Annotated

import typer

from .app import app, console, err_console


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind; the default keeps the dashboard on this machine.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web dashboard (and its JSON API, documented at /docs) until Ctrl-C."""
    import uvicorn

    from ..web import create_app

    if not _is_loopback(host):
        err_console.print(f"[yellow]warning:[/] binding to {host}: anyone who can reach it can use the dashboard")
    console.print(f"accord dashboard on http://{host}:{port}/ (API docs: /docs); Ctrl-C stops it",
                  highlight=False, soft_wrap=True)
    uvicorn.run(create_app(), host=host, port=port, log_level="warning")
