"""Typed errors for bad input.

Every error carries where it happened (file, row/line or field path), the bad value and what is
allowed, so the faces (CLI, web) can print one clear message and never a traceback.
"""

from __future__ import annotations

from typing import Any


class AccordError(Exception):
    """Base class of every error accord raises on purpose (bad input, unsupported scenario)."""


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
        self.message = message
        self.file = file
        self.location = location
        self.value = value
        self.allowed = allowed
        super().__init__(self.render())

    def render(self) -> str:
        where = ": ".join(p for p in (self.file, self.location) if p)
        text = f"{where}: {self.message}" if where else self.message
        if self.value is not None:
            text += f" (got {self.value!r})"
        if self.allowed:
            text += f"; allowed: {self.allowed}"
        return text

    def with_file(self, file: str) -> "ScenarioError":
        """Attach the file name once it is known (readers of in-memory text do not know it)."""
        return ScenarioError(
            self.message, file=file, location=self.location, value=self.value, allowed=self.allowed
        )


class UnsupportedScenario(AccordError):
    """A valid scenario that a model cannot run (e.g. a one-issue model on several issues)."""


class ParameterError(AccordError, ValueError):
    """A model parameter outside what the model accepts."""
