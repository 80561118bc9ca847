"""`accord serve`: the local web dashboard."""

from typing import TYPE_CHECKING, Annotated

import typer

from .app import app, console, err_console, fail

if TYPE_CHECKING:
    import socket

WILDCARDS = ("0.0.0.0", "::", "")


def _is_loopback(host: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to bind; the default keeps the dashboard on this machine.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            help="A host name the dashboard may be reached by besides localhost, 127.0.0.1 and [::1] "
            "(and the bound address); repeat for several. Other names are refused, against DNS rebinding."
        ),
    ] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes running requests.")] = 2,
    time_limit: Annotated[float, typer.Option(min=0.1, help="Seconds of work one request may take.")] = 120.0,
    memory_limit: Annotated[
        int, typer.Option(min=256, help="MiB of address space per worker process (so per request).")
    ] = 2048,
    queue: Annotated[int, typer.Option(min=0, help="Requests that may wait for a worker before 503.")] = 64,
) -> None:
    """Serve the web dashboard (and its JSON API, documented at /docs) until Ctrl-C."""
    sock = _bind(host, port)  # before anything is printed: a busy port is one clear error line
    import uvicorn

    from ..web import create_app
    from ..web.limits import ServerLimits

    if not _is_loopback(host):
        err_console.print(
            f"[yellow]warning:[/] binding to {host}: anyone who can reach it can use the dashboard"
        )
    names = [*(allow_host or []), *([host] if host not in WILDCARDS else [])]
    limits = ServerLimits(workers=workers, time_limit=time_limit, memory_limit=memory_limit, queue=queue)
    port = sock.getsockname()[1]
    console.print(
        f"accord dashboard on http://{host}:{port}/ (API docs: /docs); Ctrl-C stops it",
        highlight=False,
        soft_wrap=True,
    )
    server = uvicorn.Server(
        uvicorn.Config(create_app(limits, names), host=host, port=port, log_level="warning")
    )
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


def _bind(host: str, port: int) -> "socket.socket":
    """A listening socket on host:port, or exit 2 with one line naming the problem.

    uvicorn would print the URL and then a log error with a traceback-like text; binding here and
    handing the socket to uvicorn also leaves no window in which another process takes the port.
    """
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        fail(
            f"--host {host}: cannot resolve the address ({exc.strerror}); allowed: an IP address or host name"
        )
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            fail(
                f"port {port} on {host} is already in use (another `accord serve` or program); "
                f"pick a free one with --port, e.g. --port {port + 1 if port < 65535 else 8000}"
            )
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    sock.set_inheritable(True)
    return sock
