"""A model's output table as NumPy columns, made a pandas DataFrame only when someone asks for one.

Importing pandas costs a command-line run more than the SMP model's whole computation (see
benchmarks/bench_cli.py): `accord run` only writes its tables to CSV, so a model can return
``Columns`` and the run folder is written without pandas. Anything that reads a Result's tables
(``result.history``, ``result.tables``) gets the DataFrame the model would have built itself:
:meth:`Columns.frame` passes the same arrays to the same constructor.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


class Columns(Mapping[str, np.ndarray]):
    """Named 1-D arrays of one length, in order (column name -> values)."""

    def __init__(self, columns: Mapping[str, Any]) -> None:
        self._columns = {name: _array(values) for name, values in columns.items()}
        lengths = {len(v) for v in self._columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {sorted(lengths)}")

    def __getitem__(self, name: str) -> np.ndarray:
        return self._columns[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def where(self, keep: np.ndarray) -> Columns:
        """The rows where ``keep`` is true, in order."""
        return Columns({name: values[keep] for name, values in self._columns.items()})

    def frame(self) -> pd.DataFrame:
        """The DataFrame of these columns (pandas is imported here)."""
        import pandas as pd

        return pd.DataFrame(self._columns)

    def write_csv(self, path: Path) -> None:
        """The CSV ``DataFrame.to_csv(path, index=False)`` writes, without pandas.

        pandas formats a float column with ``ndarray.astype(str)`` and a missing value as an empty
        field, and hands every other value to the csv module as it is; so does this.
        """
        cells = [_csv_cells(values) for values in self._columns.values()]
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(list(self._columns))
            writer.writerows(zip(*cells, strict=True))


def _array(values: Any) -> np.ndarray:
    """A column as an array; text as Python strings (object), as pandas is given them."""
    array = np.asarray(values)
    return array.astype(object) if array.dtype.kind in "US" else array


def _csv_cells(values: np.ndarray) -> list[Any]:
    if values.dtype == np.float64:
        # Python floats: the csv module writes each as its shortest round-trip repr, the text that
        # ``astype(str)`` gives a float64 (both follow the same rule for switching to exponents), at a
        # fortieth of the cost; tests/test_columns.py checks the file against pandas'
        cells: list[Any] = values.tolist()
        for at in np.flatnonzero(np.isnan(values)).tolist():
            cells[at] = ""
        return cells
    if values.dtype.kind == "f":  # float32 and others: their own shortest text, not a float64's
        text = values.astype(str).astype(object)
        text[np.isnan(values)] = ""
        return text.tolist()
    if values.dtype.kind == "O":
        return ["" if v is None or (isinstance(v, float) and v != v) else v for v in values]
    return list(values)


def as_frame(table: pd.DataFrame | Columns) -> pd.DataFrame:
    """A model table as a DataFrame, whichever form the model gave it in."""
    return table.frame() if isinstance(table, Columns) else table
