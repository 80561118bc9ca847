"""Start-up cost: `import accord` and the light commands load only what they need.

Each check runs in a fresh interpreter and reads ``sys.modules`` when it exits, so an import
added at module level anywhere on the path (a cli module, a package ``__init__``) fails here.
Speed itself is measured by benchmarks/bench_cli.py, not asserted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import accord
from accord.cli.lazy import COMMANDS
from accord.models.registry import BUILTIN, list_models

SRC = Path(accord.__file__).resolve().parents[1]
HEAVY = (
    "numpy",
    "pandas",
    "scipy",
    "plotly",
    "fastapi",
    "uvicorn",
    "starlette",
    "dask",
    "spacy",
    "accord.report",
    "accord.web",
    "accord.analysis",
    "accord.models",
)
PROBE = """
import atexit, json, sys
atexit.register(lambda: sys.stderr.write("MODULES=" + json.dumps(sorted(sys.modules)) + "\\n"))
{body}
"""
CLI = "from accord.cli import main; sys.argv = ['accord'] + {args!r}; main()"


def loaded(body: str) -> tuple[set[str], subprocess.CompletedProcess]:
    env = {**os.environ, "PYTHONPATH": str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(body=body)], capture_output=True, text=True, env=env, timeout=120
    )
    line = next(x for x in done.stderr.splitlines() if x.startswith("MODULES="))
    return set(json.loads(line.removeprefix("MODULES="))), done


def heavy(modules: set[str], names=HEAVY) -> list[str]:
    return sorted(n for n in names if n in modules)


def test_import_accord_loads_no_model_report_or_web_stack():
    modules, _ = loaded("import accord")
    assert heavy(modules) == []
    assert "pydantic" not in modules  # not even the schema until a scenario is read


COMMAND_MODULES = sorted({f"accord.cli.{entry.module}" for entry in COMMANDS.values()})


def test_help_loads_no_model_report_or_web_stack():
    modules, done = loaded(CLI.format(args=["--help"]))
    assert done.returncode == 0 and "forecast" in done.stdout
    assert heavy(modules) == []
    assert "rich.markdown" not in modules and "pygments" not in modules  # Typer's Rich help formatter
    assert heavy(modules, COMMAND_MODULES) == []  # the list comes from the table in cli/lazy.py
    assert all(name in done.stdout for name in COMMANDS)


def test_version_prints_the_package_version():
    modules, done = loaded(CLI.format(args=["--version"]))
    assert done.returncode == 0 and done.stdout.strip() == f"accord {accord.__version__}"
    assert heavy(modules) == []


@pytest.mark.parametrize("scenario", ["afghanistan-2013", "ktab:dummyData_3Dim.csv"])
def test_validate_reads_the_scenario_without_numpy_or_pandas(scenario, shared):
    if scenario.startswith("ktab:"):
        scenario = str(shared / "data" / "ktab" / scenario.removeprefix("ktab:"))
    modules, done = loaded(CLI.format(args=["validate", scenario]))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok ")
    assert heavy(modules) == []
    # only the module of `validate` is imported, and its one line is printed without Rich
    assert heavy(modules, (*COMMAND_MODULES, "rich", "rich.console")) == ["accord.cli.core"]
    assert ("yaml" in modules) == scenario.endswith("2013")  # PyYAML only for a YAML file


def test_running_one_model_imports_that_model_only(tmp_path, shared):
    """SMP gives its tables as Columns, so `accord run` writes the run folder without pandas; a
    KTAB CSV and no --param need no PyYAML."""
    args = ["run", str(shared / "data" / "ktab" / "dummyData_3Dim.csv"), "-m", "smp", "-o", str(tmp_path)]
    modules, done = loaded(CLI.format(args=args))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "history.csv").is_file() and (tmp_path / "bargains.csv").is_file()
    assert (
        heavy(
            modules,
            (
                "pandas",
                "yaml",
                "numpy.ma",
                "scipy",
                "plotly",
                "fastapi",
                "accord.report",
                "accord.web",
                "accord.models.nash",
                "accord.models.eum",
                "accord.models.agents",
            ),
        )
        == []
    )


def test_the_builtin_index_matches_the_registered_models():
    builtin = {
        name: cls for name, cls in list_models().items() if cls.__module__.startswith("accord.models.")
    }
    assert set(BUILTIN) == set(builtin)
    for name, module in BUILTIN.items():
        assert builtin[name].__module__.startswith(f"accord.models.{module}"), name


def test_lazy_package_names_resolve_and_unknown_names_fail():
    assert accord.load("ec-emissions").name == "ec-emissions"
    assert {"load", "Scenario", "forecast"} <= set(dir(accord))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        accord.nope  # noqa: B018
