"""The long table format: one row per actor and issue, for spreadsheets.

Required columns: actor, issue, position, salience, capability. Optional columns carry the rest of
what a table can hold (names, issue range and labels, status quo, source notes), so a scenario
written as a table reads back with the same actors, issues and stances. Relations, channels and
events do not fit one row per stance, nor does an actor without any stance; keep them in YAML.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ScenarioError
from .limits import LimitError, check_count, current
from .schema import Scenario
from .validate import scenario_from_data

REQUIRED = ("actor", "issue", "position", "salience", "capability")
OPTIONAL = (
    "actor_name",
    "issue_name",
    "min",
    "max",
    "min_label",
    "max_label",
    "status_quo",
    "source",
    "scenario",
)
NUMERIC = ("position", "salience", "capability", "min", "max", "status_quo")


def to_frame(scenario: Scenario) -> pd.DataFrame:
    """The scenario as accord's long table: one row per stance, actor and issue details repeated."""
    actors = {a.id: a for a in scenario.actors}
    rows = []
    for iss in scenario.issues:
        for aid in scenario.actor_ids:
            st = scenario.stances.get(aid, {}).get(iss.id)
            if st is None:
                continue
            rows.append(
                {
                    "actor": aid,
                    "issue": iss.id,
                    "position": st.position,
                    "salience": st.salience,
                    "capability": actors[aid].capability,
                    "actor_name": actors[aid].name,
                    "issue_name": iss.name,
                    "min": iss.min,
                    "max": iss.max,
                    "min_label": iss.min_label,
                    "max_label": iss.max_label,
                    "status_quo": iss.status_quo,
                    "source": st.source or "",
                    "scenario": scenario.name,
                }
            )
    return pd.DataFrame(rows, columns=list(REQUIRED + OPTIONAL))


def write_frame(frame: pd.DataFrame, path: Path, suffix: str) -> None:
    """Write the table so that it reads back as written.

    CSV ends its lines with CRLF (RFC 4180): Python's csv writer quotes a cell holding any
    character of its line terminator, so with CRLF a carriage return or line break inside a name
    stays inside its quoted cell (with "\n" alone a lone "\r" went out bare and split the row).
    XLSX text is escaped as OOXML's ``_xHHHH_`` wherever the XML would lose or refuse a character
    (a carriage return, control characters; a literal ``_xHHHH_`` gets its underscore escaped), as
    Excel itself does, and text starting with "=" is stored as text, not as a formula.
    """
    if suffix == ".xlsx":
        escaped = frame.map(lambda v: _xlsx_escape(v) if isinstance(v, str) else v)
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            escaped.to_excel(writer, index=False, sheet_name="stances")
            for row in writer.sheets["stances"].iter_rows(min_row=2):
                for cell in row:
                    if cell.data_type == "f":
                        cell.data_type = "s"
    else:
        frame.to_csv(path, index=False, lineterminator="\r\n")


_XLSX_UNSAFE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_XLSX_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _xlsx_escape(text: str) -> str:
    return _XLSX_UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def _xlsx_unescape(value: Any) -> Any:
    return _XLSX_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value) if isinstance(value, str) else value


def read_table(path: Path) -> Scenario:
    """A scenario from a long-table .csv or .xlsx file."""
    data = path.read_bytes()
    if path.suffix.lower() == ".xlsx":
        return read_xlsx_bytes(data, str(path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            "the file is not UTF-8 text", file=str(path), location=f"byte {exc.start}"
        ) from None
    return read_csv_text(text, str(path))


def read_csv_text(text: str, file: str) -> Scenario:
    """A scenario from accord's long CSV table (one row per actor and issue)."""
    return _from_frame(
        lambda: pd.read_csv(
            io.StringIO(text, newline=""), dtype=object, keep_default_na=False, na_values=[""]
        ),
        file,
    )


def read_xlsx_bytes(data: bytes, file: str) -> Scenario:
    """An .xlsx workbook's first sheet; its unpacked size counts against ``max_file_bytes`` (zip bombs)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ScenarioError(
            f"not an Excel workbook ({exc})",
            file=file,
            allowed="an .xlsx workbook whose first sheet has the columns " + ", ".join(REQUIRED),
        ) from None
    if unpacked > current().max_file_bytes:
        raise LimitError("max_file_bytes", unpacked, "the unpacked size of the workbook in bytes", file=file)

    # Text such as "null" or "NA" is an id like any other; only an empty cell is missing (as in CSV).
    def read() -> pd.DataFrame:
        frame = pd.read_excel(
            io.BytesIO(data), dtype=object, engine="openpyxl", keep_default_na=False, na_values=[""]
        )
        return frame.map(_xlsx_unescape)

    return _from_frame(read, file)


def _from_frame(read: Callable[[], pd.DataFrame], file: str) -> Scenario:
    try:
        frame = read()
    except (zipfile.BadZipFile, KeyError) as exc:
        raise ScenarioError(
            f"not an Excel workbook ({exc})",
            file=file,
            allowed="an .xlsx workbook whose first sheet has the columns " + ", ".join(REQUIRED),
        ) from None
    except pd.errors.EmptyDataError:
        raise ScenarioError(
            "the file is empty", file=file, allowed="a header row " + ",".join(REQUIRED)
        ) from None
    except (ValueError, TypeError, OSError, pd.errors.ParserError) as exc:
        raise ScenarioError(f"cannot read the table: {str(exc).splitlines()[0]}", file=file) from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise ScenarioError(
            f"missing column {missing[0]!r}",
            file=file,
            location="header row",
            allowed="columns " + ", ".join(REQUIRED) + " (optional: " + ", ".join(OPTIONAL) + ")",
        )
    if frame.empty:
        raise ScenarioError("the table has no rows", file=file, allowed="one row per actor and issue")
    check_count("max_nodes", frame.size, "the number of cells", file=file)
    check_count("max_actors", frame["actor"].nunique(), "the number of actors", file=file)
    check_count("max_issues", frame["issue"].nunique(), "the number of issues", file=file)
    rows: dict[tuple[str, str], int] = {}
    data = _rows_to_data(frame, file, rows)
    try:
        return scenario_from_data(data, file)
    except ScenarioError as exc:
        raise _at_row(exc, rows) from None


def _at_row(exc: ScenarioError, rows: dict[tuple[str, str], int]) -> ScenarioError:
    """Point a schema error on stances.<actor>.<issue>... at the table row it came from."""
    parts = (exc.location or "").split(".")
    row = rows.get((parts[1], parts[2])) if len(parts) >= 3 and parts[0] == "stances" else None
    if row is None:
        return exc
    column = parts[3] if len(parts) > 3 else None
    where = f"row {row}" + (f", column {column}" if column else "") + f" ({exc.location})"
    return ScenarioError(exc.message, file=exc.file, location=where, value=exc.value, allowed=exc.allowed)


def _rows_to_data(frame: pd.DataFrame, file: str, rows: dict[tuple[str, str], int]) -> dict[str, Any]:
    """The scenario dict the table holds; ``rows`` is filled with each stance's row number (header = 1)."""
    actors: dict[str, dict[str, Any]] = {}
    issues: dict[str, dict[str, Any]] = {}
    stances: dict[str, dict[str, Any]] = {}
    name = "table"
    for k, rec in enumerate(frame.to_dict("records")):
        row = f"row {k + 2}"
        vals = {c: _cell(rec.get(c), c, row, file) for c in frame.columns if c in REQUIRED + OPTIONAL}
        for col in ("actor", "issue"):
            if vals.get(col) in (None, ""):
                raise ScenarioError(
                    f"empty {col}", file=file, location=f"{row}, column {col}", allowed=f"an {col} id"
                )
        aid, iid = str(vals["actor"]).strip(), str(vals["issue"]).strip()
        for col in ("position", "salience", "capability"):
            if vals.get(col) is None:
                raise ScenarioError(
                    f"empty {col}", file=file, location=f"{row}, column {col}", allowed="a number"
                )
        actor = actors.setdefault(
            aid, {"id": aid, "name": vals.get("actor_name") or "", "capability": vals["capability"]}
        )
        if actor["capability"] != vals["capability"]:
            raise ScenarioError(
                f"actor {aid!r} has two capabilities",
                file=file,
                location=f"{row}, column capability",
                value=vals["capability"],
                allowed=f"the same value on every row of the actor ({actor['capability']})",
            )
        issue = issues.setdefault(iid, {"id": iid, "name": vals.get("issue_name") or ""})
        for col in ("min", "max", "min_label", "max_label", "status_quo"):
            if vals.get(col) not in (None, ""):
                issue[col] = vals[col]
        if iid in stances.setdefault(aid, {}):
            raise ScenarioError(
                f"a second row for actor {aid!r} on issue {iid!r}",
                file=file,
                location=row,
                allowed="one row per actor and issue",
            )
        stances[aid][iid] = {"position": vals["position"], "salience": vals["salience"]}
        rows[(aid, iid)] = k + 2
        if vals.get("source"):
            stances[aid][iid]["source"] = str(vals["source"])
        if vals.get("scenario"):
            name = str(vals["scenario"])
    return {
        "name": name,
        "actors": list(actors.values()),
        "issues": list(issues.values()),
        "stances": stances,
    }


def _cell(value: Any, col: str, row: str, file: str) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if col in NUMERIC:
        try:
            number = float(str(value).strip())
        except ValueError:
            raise ScenarioError(
                "not a number", file=file, location=f"{row}, column {col}", value=value, allowed="a number"
            ) from None
        if not math.isfinite(number):
            raise ScenarioError(
                "not a finite number",
                file=file,
                location=f"{row}, column {col}",
                value=value,
                allowed="a finite number",
            )
        return number
    return str(value)
