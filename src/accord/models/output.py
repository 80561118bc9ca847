"""Write a Result to a folder: forecast.csv, history.csv, run.json, plus the model's own tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from ..files import atomic_write, atomic_write_text
from .base import Result


def write_result(result: Result, folder: str | Path) -> list[Path]:
    folder = Path(folder)
    written = [_csv(result.forecast, folder / "forecast.csv"), _csv(result.history, folder / "history.csv")]
    for name, table in result.tables.items():
        written.append(_csv(table, folder / f"{name}.csv"))
    for name, value in result.info.items():
        written.append(atomic_write_text(folder / f"{name}.json", _json(value)))
    written.append(atomic_write_text(folder / "run.json", _json(result.meta)))
    return written


def _csv(frame: pd.DataFrame, path: Path) -> Path:
    return atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False))


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, default=str) + "\n"
