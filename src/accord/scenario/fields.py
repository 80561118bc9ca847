"""Field types shared by the scenario schema and its timed events."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\s].*[^\s]$|^[^\s]$")]
Source = Annotated[str | None, Field(default=None, description="Where the value comes from, or why.")]


class _Strict(BaseModel):
    # defer_build: a model's validator is built when first used, not when its module is imported;
    # reading a scenario builds Scenario's (which holds every nested model's schema) once, rather
    # than each nested model's as well (start-up time of `accord validate`, benchmarks/bench_cli.py).
    model_config = ConfigDict(extra="forbid", validate_assignment=True, defer_build=True)
