"""Typed errors for bad input.

Every error carries where it happened (file, row/line or field path), the bad value and what is
allowed, so the faces (CLI, web) can print one clear message and never a traceback.
"""

from __future__ import annotations

import re
from typing import Any

VALUE_CHARS = 200  # an echoed value is cut to this many characters
MESSAGE_CHARS = 4000  # and a whole message to this many (a list of problems, say)
_LONG_QUOTED = re.compile(rf"'[^'\n]{{{VALUE_CHARS + 8},}}'|\"[^\"\n]{{{VALUE_CHARS + 8},}}\"")


def clip(value: Any, limit: int = VALUE_CHARS) -> str:
    """The repr of a value for a message, cut to ``limit`` characters, saying how long it was.

    Messages echo the bad value so a user can find it; a million-character value would bury the
    message (and a terminal or a log) instead, so only its beginning is shown.

    >>> clip("x" * 1000, limit=5)
    "'xxxx...' (1,000 characters)"
    >>> clip(3.5)
    '3.5'
    """
    text = repr(value)
    if len(text) <= limit:
        return text
    if isinstance(value, (str, bytes)):  # keep it a quoted string, so it reads as the value it was
        quote = text[-1]
        return f"{text[:limit]}...{quote} ({len(value):,} characters)"
    return f"{text[:limit]}... ({len(text):,} characters as text)"


def _clip_message(message: str) -> str:
    """Cut quoted values longer than VALUE_CHARS in an already formatted message, then the message."""
    message = _LONG_QUOTED.sub(lambda m: clip(m[0][1:-1]), message)
    if len(message) > MESSAGE_CHARS:
        message = f"{message[:MESSAGE_CHARS]}... (message cut; {len(message):,} characters in all)"
    return message


class AccordError(Exception):
    """Base class of every error accord raises on purpose (bad input, unsupported scenario).

    Every message is bounded: values quoted in it are cut (see ``clip``), so no input can make an
    error the size of the input.
    """

    def __init__(self, *args: Any) -> None:
        if args and isinstance(args[0], str):
            args = (_clip_message(args[0]), *args[1:])
        super().__init__(*args)


class ScenarioError(AccordError):
    """A scenario file or object that cannot be accepted."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        location: str | None = None,
        value: Any = None,
        allowed: str | None = None,
    ) -> None:
        self.message = _clip_message(message)
        self.file = file
        self.location = location
        self.value = value
        self.allowed = allowed
        super().__init__(self.render())

    def render(self) -> str:
        """The one-line message: file and location, what is wrong, the value given and what is allowed."""
        where = ": ".join(p for p in (self.file, self.location) if p)
        text = f"{where}: {self.message}" if where else self.message
        if self.value is not None:
            text += f" (got {clip(self.value)})"
        if self.allowed:
            text += f"; allowed: {self.allowed}"
        return text

    def with_file(self, file: str) -> ScenarioError:
        """Attach the file name once it is known (readers of in-memory text do not know it)."""
        return ScenarioError(
            self.message, file=file, location=self.location, value=self.value, allowed=self.allowed
        )


class UnsupportedScenario(AccordError):
    """A valid scenario that a model cannot run (e.g. a one-issue model on several issues)."""


class ParameterError(AccordError, ValueError):
    """A model parameter outside what the model accepts."""
