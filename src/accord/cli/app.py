"""The Typer application and the one place where errors become messages and exit codes."""

from __future__ import annotations

import functools
import sys
from typing import Any, Callable, TypeVar

import typer
from rich.console import Console

from ..scenario.errors import AccordError

app = typer.Typer(
    name="accord",
    help="Model, simulate and forecast multi-party negotiations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> None:
    """Print one clear error line and exit with code 2 (bad input)."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


def checked_seed(value: int) -> int:
    """Typer callback for every --seed: refused while the options are read, before any work starts."""
    from ..models.base import check_seed

    try:
        return check_seed(value)
    except AccordError as exc:
        fail(str(exc))
        raise  # unreachable: fail() exits


def fail_on_errors(func: F) -> F:
    """Turn accord's typed errors (and unreadable files) into one message and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AccordError as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))
        except KeyboardInterrupt:
            err_console.print("interrupted")
            sys.exit(130)

    return wrapper  # type: ignore[return-value]
