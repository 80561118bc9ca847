"""The long table format: one row per actor and issue, for spreadsheets.

Required columns: actor, issue, position, salience, capability. Optional columns carry the rest of
what a table can hold (names, issue range and labels, status quo, source notes), so a scenario
written as a table reads back with the same actors, issues and stances. Relations, channels and
events do not fit one row per stance; keep them in YAML.
"""

from __future__ import annotations

import math
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import ScenarioError
from .schema import Scenario
from .validate import scenario_from_data

REQUIRED = ("actor", "issue", "position", "salience", "capability")
OPTIONAL = ("actor_name", "issue_name", "min", "max", "min_label", "max_label", "status_quo", "source", "scenario")
NUMERIC = ("position", "salience", "capability", "min", "max", "status_quo")


def to_frame(scenario: Scenario) -> pd.DataFrame:
    actors = {a.id: a for a in scenario.actors}
    rows = []
    for iss in scenario.issues:
        for aid in scenario.actor_ids:
            st = scenario.stances.get(aid, {}).get(iss.id)
            if st is None:
                continue
            rows.append({
                "actor": aid, "issue": iss.id, "position": st.position, "salience": st.salience,
                "capability": actors[aid].capability, "actor_name": actors[aid].name,
                "issue_name": iss.name, "min": iss.min, "max": iss.max, "min_label": iss.min_label,
                "max_label": iss.max_label, "status_quo": iss.status_quo, "source": st.source or "",
                "scenario": scenario.name,
            })
    return pd.DataFrame(rows, columns=list(REQUIRED + OPTIONAL))


def write_frame(frame: pd.DataFrame, path: Path, suffix: str) -> None:
    if suffix == ".xlsx":
        frame.to_excel(path, index=False, sheet_name="stances")
    else:
        frame.to_csv(path, index=False)


def read_table(path: Path) -> Scenario:
    file = str(path)
    xlsx = path.suffix.lower() == ".xlsx"
    try:
        if xlsx:
            frame = pd.read_excel(path, dtype=object, engine="openpyxl")
        else:
            frame = pd.read_csv(path, dtype=object, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    except (zipfile.BadZipFile, KeyError) as exc:
        raise ScenarioError(
            f"not an Excel workbook ({exc})", file=file,
            allowed="an .xlsx workbook whose first sheet has the columns " + ", ".join(REQUIRED),
        ) from None
    except pd.errors.EmptyDataError:
        raise ScenarioError("the file is empty", file=file, allowed="a header row " + ",".join(REQUIRED)) from None
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise ScenarioError(f"cannot read the table: {str(exc).splitlines()[0]}", file=file) from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise ScenarioError(
            f"missing column {missing[0]!r}", file=file, location="header row",
            allowed="columns " + ", ".join(REQUIRED) + " (optional: " + ", ".join(OPTIONAL) + ")",
        )
    if frame.empty:
        raise ScenarioError("the table has no rows", file=file, allowed="one row per actor and issue")
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
                raise ScenarioError(f"empty {col}", file=file, location=f"{row}, column {col}", allowed=f"an {col} id")
        aid, iid = str(vals["actor"]).strip(), str(vals["issue"]).strip()
        for col in ("position", "salience", "capability"):
            if vals.get(col) is None:
                raise ScenarioError(f"empty {col}", file=file, location=f"{row}, column {col}", allowed="a number")
        actor = actors.setdefault(aid, {"id": aid, "name": vals.get("actor_name") or "", "capability": vals["capability"]})
        if actor["capability"] != vals["capability"]:
            raise ScenarioError(
                f"actor {aid!r} has two capabilities", file=file, location=f"{row}, column capability",
                value=vals["capability"], allowed=f"the same value on every row of the actor ({actor['capability']})",
            )
        issue = issues.setdefault(iid, {"id": iid, "name": vals.get("issue_name") or ""})
        for col in ("min", "max", "min_label", "max_label", "status_quo"):
            if vals.get(col) not in (None, ""):
                issue[col] = vals[col]
        if iid in stances.setdefault(aid, {}):
            raise ScenarioError(
                f"a second row for actor {aid!r} on issue {iid!r}", file=file, location=row,
                allowed="one row per actor and issue",
            )
        stances[aid][iid] = {"position": vals["position"], "salience": vals["salience"]}
        rows[(aid, iid)] = k + 2
        if vals.get("source"):
            stances[aid][iid]["source"] = str(vals["source"])
        if vals.get("scenario"):
            name = str(vals["scenario"])
    return {"name": name, "actors": list(actors.values()), "issues": list(issues.values()), "stances": stances}


def _cell(value: Any, col: str, row: str, file: str) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if col in NUMERIC:
        try:
            number = float(str(value).strip())
        except ValueError:
            raise ScenarioError("not a number", file=file, location=f"{row}, column {col}", value=value, allowed="a number") from None
        if not math.isfinite(number):
            raise ScenarioError("not a finite number", file=file, location=f"{row}, column {col}", value=value, allowed="a finite number")
        return number
    return str(value)
