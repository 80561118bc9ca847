"""The Typer application and the one place where errors become messages and exit codes.

Start-up cost matters for a command line: help is rendered by Typer's plain formatter
(``rich_markup_mode=None``; the Rich formatter alone loads Markdown and Pygments, about 0.3 s),
and the Rich consoles are created on first output, so `accord --help` loads neither.
"""

import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from ..errors import AccordError
from .lazy import LazyGroup

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


def _version(value: bool) -> None:
    if value:
        from .._version import __version__

        print(f"accord {__version__}")
        raise typer.Exit()


app = typer.Typer(
    name="accord",
    help="Model, simulate and forecast multi-party negotiations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=LazyGroup,
)


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the accord version and exit."
    ),
) -> None:
    """Model, simulate and forecast multi-party negotiations."""


class _LazyConsole:
    """A Rich console created on first use (importing Rich costs start-up time)."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def real(self) -> "Console":
        """The Rich console itself (for Rich objects that need one, e.g. progress bars)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real(), name)


console: "Console" = _LazyConsole()  # type: ignore[assignment]
err_console: "Console" = _LazyConsole(stderr=True)  # type: ignore[assignment]

F = TypeVar("F", bound=Callable[..., Any])


def new_table(**options: Any) -> "Table":
    """A Rich table (Rich is imported on first use)."""
    from rich.table import Table

    return Table(**options)


def show(table: "Table", title: str | None = None) -> None:
    """Print a table under its title. The title is its own line, wrapped (if at all) at the
    terminal's width: a table title would be wrapped to the table's width, which breaks a long
    title over several short lines above a narrow table."""
    if title:
        console.print(f"[bold]{title}[/]", highlight=False, soft_wrap=True)
    console.print(table)


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
