"""The run store: every analysis run and every sweep's tasks in one SQLite file.

Why SQLite: one file, no server, transactions and a UNIQUE constraint give exactly-once task
results for free. A sweep is planned up front (one row per task, result NULL); each finished task
fills its row in its own transaction, so a process killed at any instant leaves only whole task
results behind, and a restarted sweep computes only the rows still empty. The run row that closes a
sweep is written in the same transaction that marks the sweep finished (``runs.sweep_id`` is
UNIQUE), so a sweep yields exactly one run however often it is resumed. WAL mode lets a reader
(``accord runs list``) look while a sweep writes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import AccordError
from ..jsonable import jsonable

ENV_VAR = "ACCORD_STORE"

# What identifies a run or a sweep (the columns of RunInfo.row()), shared by both tables.
IDENTITY = """\
    kind TEXT NOT NULL,
    scenario TEXT NOT NULL,
    scenario_hash TEXT NOT NULL,
    model TEXT NOT NULL,
    params TEXT NOT NULL,
    seed INTEGER,
    accord_version TEXT NOT NULL,
"""

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS sweeps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    created TEXT NOT NULL,
{IDENTITY}    spec TEXT NOT NULL,
    n_tasks INTEGER NOT NULL,
    finished TEXT,
    failed TEXT,
    error TEXT
);
CREATE INDEX IF NOT EXISTS sweeps_key ON sweeps (key, finished);
CREATE TABLE IF NOT EXISTS tasks (
    sweep_id INTEGER NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
    task_index INTEGER NOT NULL,
    spec TEXT NOT NULL,
    result BLOB,
    finished TEXT,
    UNIQUE (sweep_id, task_index)
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
{IDENTITY}    sweep_id INTEGER UNIQUE REFERENCES sweeps (id),
    results TEXT NOT NULL,
    arrays BLOB
);
"""


class StoreError(AccordError):
    """A run store that cannot be opened, or a run id that is not in it."""


def default_path() -> Path:
    """ACCORD_STORE, else the user's data folder (XDG_DATA_HOME, ~/.local/share, %LOCALAPPDATA%)."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "accord" / "runs.sqlite"


def now() -> str:
    """The current UTC time to the second, as stored in the runs table."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def to_json(value: Any, sort_keys: bool = False) -> str:
    """JSON with NaN/inf as null and numpy scalars as numbers (SQLite and browsers need strict JSON)."""
    return json.dumps(jsonable(value), sort_keys=sort_keys, separators=(",", ":"))


def pack_arrays(arrays: Mapping[str, np.ndarray]) -> bytes:
    """Arrays as an .npz blob for a SQLite BLOB column (no pickle, so loading it is safe)."""
    buf = io.BytesIO()
    # numpy's stub types savez's **kwds as bool (allow_pickle's type leaks into them); they are arrays
    np.savez(buf, **{k: np.asarray(v) for k, v in arrays.items()})  # type: ignore[arg-type]
    return buf.getvalue()


def unpack_arrays(blob: bytes | None) -> dict[str, np.ndarray]:
    """The arrays of a blob from pack_arrays (none for a NULL blob); pickled objects are refused."""
    if not blob:
        return {}
    with np.load(io.BytesIO(blob), allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


@dataclass(frozen=True)
class RunInfo:
    """What identifies a run or sweep: scenario, model, parameters, seed, and the code version."""

    kind: str
    scenario: str
    scenario_hash: str
    model: str
    params: dict[str, Any]
    seed: int | None

    def row(self) -> tuple:
        """The values of the columns that the runs and sweeps tables share, in their order."""
        from .. import __version__

        return (
            self.kind,
            self.scenario,
            self.scenario_hash,
            self.model,
            to_json(self.params),
            self.seed,
            __version__,
        )


class RunStore:
    """A SQLite run store at ``path`` (created on first use)."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.executescript(SCHEMA)
            _add_missing_columns(self._conn)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(
                f"{self.path}: cannot open the run store ({exc}); allowed: a writable file path "
                f"(--store or {ENV_VAR})"
            ) from None

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _tx(self) -> sqlite3.Connection:
        """A write transaction that takes the lock up front, so two writers never deadlock."""
        return _Transaction(self._conn)  # type: ignore[return-value]

    # ---- runs ---------------------------------------------------------------------------------

    def record_run(
        self,
        info: RunInfo,
        results: Mapping[str, Any],
        arrays: Mapping[str, np.ndarray] | None = None,
        sweep_id: int | None = None,
    ) -> int:
        """Insert one run; with ``sweep_id`` the sweep is marked finished in the same transaction.

        A sweep closes into exactly one run: if another process finished the same sweep first, its
        run's id is returned and nothing is added.
        """
        with self._tx() as conn:
            if sweep_id is not None:
                row = conn.execute("SELECT id FROM runs WHERE sweep_id = ?", (sweep_id,)).fetchone()
                if row is not None:
                    return int(row["id"])
            cur = conn.execute(
                "INSERT INTO runs (created, kind, scenario, scenario_hash, model, params, seed, "
                "accord_version, "
                "sweep_id, results, arrays) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (now(), *info.row(), sweep_id, to_json(results), pack_arrays(arrays) if arrays else None),
            )
            if sweep_id is not None:
                conn.execute("UPDATE sweeps SET finished = ? WHERE id = ?", (now(), sweep_id))
            assert cur.lastrowid is not None  # set by the INSERT just above
            return int(cur.lastrowid)

    def runs(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The most recent runs first (without their results), for `accord runs list`."""
        sql = (
            "SELECT id, created, kind, scenario, scenario_hash, model, params, seed, accord_version, "
            "sweep_id "
            "FROM runs ORDER BY id DESC"
        )
        rows = self._conn.execute(sql + (" LIMIT ?" if limit else ""), (limit,) if limit else ()).fetchall()
        return [_run_row(r) for r in rows]

    def run(self, run_id: int) -> dict[str, Any]:
        """One run with its results and arrays; a StoreError naming the store for an unknown id."""
        row = self._conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: no run with id {run_id}; allowed: an id from `accord runs list`")
        out = _run_row(row)
        out["results"] = json.loads(row["results"])
        out["arrays"] = unpack_arrays(row["arrays"])
        return out

    # ---- sweeps -------------------------------------------------------------------------------

    def open_sweep(self, key: str, info: RunInfo, spec: Mapping[str, Any], tasks: list[Any]) -> int:
        """The unfinished sweep with this key (to resume it), or a new one with every task planned."""
        with self._tx() as conn:
            row = conn.execute(
                "SELECT id, n_tasks FROM sweeps WHERE key = ? AND finished IS NULL ORDER BY id DESC LIMIT 1",
                (key,),
            ).fetchone()
            if row is not None and row["n_tasks"] == len(tasks):
                # a failed sweep is tried again (its finished tasks are still valid: same key, same numbers)
                conn.execute("UPDATE sweeps SET failed = NULL, error = NULL WHERE id = ?", (row["id"],))
                return int(row["id"])
            cur = conn.execute(
                "INSERT INTO sweeps (key, created, kind, scenario, scenario_hash, model, params, seed, "
                "accord_version, spec, n_tasks) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (key, now(), *info.row(), to_json(spec), len(tasks)),
            )
            assert cur.lastrowid is not None  # set by the INSERT just above
            sweep_id = int(cur.lastrowid)
            conn.executemany(
                "INSERT INTO tasks (sweep_id, task_index, spec) VALUES (?,?,?)",
                [(sweep_id, i, to_json(t)) for i, t in enumerate(tasks)],
            )
            return sweep_id

    def put_task(self, sweep_id: int, index: int, result: Mapping[str, np.ndarray]) -> bool:
        """Store one task's result; False when it was already there (a task is never stored twice)."""
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE tasks SET result = ?, finished = ? WHERE sweep_id = ? AND task_index = ? AND result "
                "IS NULL",
                (pack_arrays(result), now(), sweep_id, index),
            )
            return cur.rowcount == 1

    def fail_sweep(self, sweep_id: int, reason: str) -> None:
        """Mark a sweep failed with the reason (bad input): rerunning it unchanged would fail the same way."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE sweeps SET failed = ?, error = ? WHERE id = ? AND finished IS NULL",
                (now(), reason, sweep_id),
            )

    def task_results(self, sweep_id: int) -> dict[int, dict[str, np.ndarray]]:
        """The finished tasks' arrays of a sweep by task index: what a resumed sweep need not run again."""
        rows = self._conn.execute(
            "SELECT task_index, result FROM tasks WHERE sweep_id = ? AND result IS NOT NULL", (sweep_id,)
        ).fetchall()
        return {int(r["task_index"]): unpack_arrays(r["result"]) for r in rows}

    def sweep(self, sweep_id: int) -> dict[str, Any]:
        """One sweep's record and how many of its tasks are done."""
        row = self._conn.execute("SELECT * FROM sweeps WHERE id = ?", (sweep_id,)).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: no sweep with id {sweep_id}")
        done = self._conn.execute(
            "SELECT COUNT(*) FROM tasks WHERE sweep_id = ? AND result IS NOT NULL", (sweep_id,)
        ).fetchone()[0]
        out = {k: row[k] for k in row.keys()}
        out["params"], out["spec"], out["done"] = (
            json.loads(row["params"]),
            json.loads(row["spec"]),
            int(done),
        )
        out["status"] = "finished" if row["finished"] else "failed" if row["failed"] else "unfinished"
        run = self._conn.execute("SELECT id FROM runs WHERE sweep_id = ?", (sweep_id,)).fetchone()
        out["run_id"] = None if run is None else int(run["id"])
        return out

    def sweeps(self, unfinished: bool = False) -> list[dict[str, Any]]:
        """Every sweep (or only the unfinished ones), oldest first."""
        sql = "SELECT id FROM sweeps" + (" WHERE finished IS NULL" if unfinished else "") + " ORDER BY id"
        return [self.sweep(int(r[0])) for r in self._conn.execute(sql).fetchall()]


class _Transaction:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    """Stores written by an older accord lack the sweep failure columns; add them in place."""
    have = {r[1] for r in conn.execute("PRAGMA table_info(sweeps)")}
    for column in ("failed", "error"):
        if column not in have:
            conn.execute(f"ALTER TABLE sweeps ADD COLUMN {column} TEXT")


def _run_row(row: sqlite3.Row) -> dict[str, Any]:
    out = {
        k: row[k]
        for k in (
            "id",
            "created",
            "kind",
            "scenario",
            "scenario_hash",
            "model",
            "seed",
            "accord_version",
            "sweep_id",
        )
    }
    out["params"] = json.loads(row["params"])
    return out
