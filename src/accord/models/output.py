"""Write a Result to a run folder: forecast.csv, history.csv, run.json, plus the model's own tables.

The folder appears whole or not at all (:func:`accord.files.atomic_folder`): a run killed while
writing leaves no folder with forecast.csv but no run.json. An existing folder is replaced only
when it is empty or an earlier run folder (run.json and only .csv/.json files), never the current folder.
"""

from __future__ import annotations

from pathlib import Path

from ..files import atomic_folder
from ..jsonable import dumps
from .base import Result, Table
from .columns import Columns

MARKER = "run.json"


def write_result(result: Result, folder: str | Path) -> list[Path]:
    """Write a run's tables and facts as CSV/JSON into ``folder`` atomically; returns the files."""
    folder = Path(folder)
    names: list[str] = []

    def fill(tmp: Path) -> None:
        for name, table in result.given().items():  # forecast, history, then the model's own
            _csv(table, tmp, f"{name}.csv", names)
        for name, value in result.info.items():
            _text(dumps(value) + "\n", tmp, f"{name}.json", names)
        _text(dumps(result.meta) + "\n", tmp, MARKER, names)

    atomic_folder(folder, fill, replaceable=_earlier_run)
    return [folder / name for name in names]


def _earlier_run(folder: Path) -> bool:
    """An earlier run folder: run.json and nothing but the .csv and .json files a run writes."""
    entries = list(folder.iterdir())
    return (folder / MARKER).is_file() and all(
        e.is_file() and not e.is_symlink() and e.suffix in (".csv", ".json") for e in entries
    )


def _csv(table: Table, tmp: Path, name: str, names: list[str]) -> None:
    if isinstance(table, Columns):
        table.write_csv(tmp / name)  # the same text as to_csv, without importing pandas
    else:
        table.to_csv(tmp / name, index=False)
    names.append(name)


def _text(text: str, tmp: Path, name: str, names: list[str]) -> None:
    (tmp / name).write_text(text, encoding="utf-8")
    names.append(name)
