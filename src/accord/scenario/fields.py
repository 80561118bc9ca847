"""Field types shared by the scenario schema and its timed events."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\s].*[^\s]$|^[^\s]$")]
Source = Annotated[str | None, Field(default=None, description="Where the value comes from, or why.")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)
