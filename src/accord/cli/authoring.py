"""Authoring commands: `accord schema` (the scenario JSON Schema) and `accord new` (a template)."""

import json
from pathlib import Path
from typing import Annotated

import typer

from ..errors import ParameterError
from .app import app, console, fail_on_errors


@app.command()
def schema() -> None:
    """Print the JSON Schema of a scenario file (every field; see docs/reference/scenario.md)."""
    from ..scenario.schema import Scenario

    print(json.dumps(Scenario.model_json_schema(), indent=2))


@app.command()
@fail_on_errors
def new(
    name: Annotated[str, typer.Argument(help="The scenario's id, e.g. my-talks.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write; default: NAME.yaml.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented scenario template to start from (valid as written)."""
    from ..files import atomic_write_text
    from ..scenario import loads_yaml
    from ..scenario.template import template

    target = output or Path(f"{name}.yaml")
    if target.exists() and not force:
        raise ParameterError(
            f"{target}: the file exists; allowed: another --output, or --force to overwrite it"
        )
    text = template(name)
    loads_yaml(text, str(target))  # a bad NAME (say, with spaces) fails here with the schema's message
    atomic_write_text(target, text)
    console.print(
        f"wrote {target}; edit it, then `accord validate {target}`", highlight=False, soft_wrap=True
    )
