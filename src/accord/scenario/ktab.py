"""Importers for KTAB's scenario files (CSV and XML), the inputs of KAPSARC's SMP.

KTAB's numbers are kept on their printed 0-100 scale; the SMP model rescales to [0,1] itself.
The XML's model parameters, PRNG seed and accommodation ("IdealAdjustment") matrix are kept under
``scenario.models["smp"]`` so a run can use them.
"""

from __future__ import annotations

import csv
import io
import itertools
from typing import TYPE_CHECKING, Any

from ..errors import ScenarioError
from .limits import LimitError, check_count, current
from .validate import scenario_from_data

if TYPE_CHECKING:
    import _csv  # the reader type, whose line_num reports where a CSV error lies


def looks_like_ktab_csv(text: str) -> bool:
    """Whether a CSV text is in KTAB's layout (a scenario line, then a header starting "Actor"),
    not accord's long table."""
    try:
        rows = list(itertools.islice(_csv_rows(text), 2))
    except csv.Error:
        return False
    return len(rows) == 2 and len(rows[0]) >= 4 and rows[1][:1] == ["Actor"]


def _csv_rows(text: str) -> _csv.Reader:
    # newline="" lets the csv module see \r, \n and \r\n as the line ends they are
    return csv.reader(io.StringIO(text, newline=""), skipinitialspace=True)


def read_csv_text(text: str, file: str) -> Any:
    """A scenario from KTAB's CSV: line 1 names the scenario and counts actors and dimensions,
    line 2 is the header, then one line per actor (blank lines after line 2 are skipped)."""
    reader = _csv_rows(text)
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise ScenarioError(f"not valid CSV: {exc}", file=file, location=f"line {reader.line_num}") from None
    head = [c.strip() for c in lines[0]] if lines else []
    if len(head) < 4 or not any(head):
        raise ScenarioError(
            "line 1 is not a KTAB scenario line",
            file=file,
            location="line 1",
            value=",".join(head),
            allowed="scenario name, description, number of actors, number of dimensions",
        )
    if len(lines) < 2 or not any(c.strip() for c in lines[1]):
        raise ScenarioError(
            "line 2 must be the header row",
            file=file,
            location="line 2",
            allowed="Actor, Description, Power, then position/salience per dimension",
        )
    rows = lines[:2] + [r for r in lines[2:] if any(c.strip() for c in r)]
    n_actors = _int(head[2], file, "line 1, field 3 (number of actors)")
    n_dims = _int(head[3], file, "line 1, field 4 (number of dimensions)")
    for count, where in ((n_actors, "line 1, field 3"), (n_dims, "line 1, field 4")):
        if count < 1:
            raise ScenarioError(
                "must be at least 1", file=file, location=where, value=count, allowed="1 or more"
            )
    check_count("max_actors", n_actors, "the number of actors", file=file, location="line 1, field 3")
    check_count("max_issues", n_dims, "the number of dimensions", file=file, location="line 1, field 4")
    headers = _strip_trailing([c.strip() for c in rows[1]])
    if len(headers) < 3 + 2 * n_dims:
        raise ScenarioError(
            "too few header fields for the declared dimensions",
            file=file,
            location="line 2",
            value=len(headers),
            allowed=f"{3 + 2 * n_dims} (Actor, Description, Power, then position/salience per dimension)",
        )
    dims = [_dim_name(headers[3 + 2 * k], k) for k in range(n_dims)]
    body = rows[2:]
    if len(body) != n_actors:
        raise ScenarioError(
            "the number of actor rows differs from line 1",
            file=file,
            location="line 1, field 3",
            value=len(body),
            allowed=f"{n_actors} actor rows as declared",
        )
    actors = []
    for r, row in enumerate(body, start=3):
        cells = _strip_trailing([c.strip() for c in row])
        if len(cells) != 3 + 2 * n_dims:
            raise ScenarioError(
                "wrong number of fields",
                file=file,
                location=f"line {r}",
                value=len(cells),
                allowed=f"{3 + 2 * n_dims} fields (name, description, power, position/salience pairs)",
            )
        values = [_float(c, file, f"line {r}, field {k + 3}") for k, c in enumerate(cells[2:])]
        actors.append((cells[0], cells[1], values[0], values[1::2], values[2::2], f"line {r}"))
    return _build(head[0], head[1], dims, actors, {}, file)


def read_xml_text(text: str, file: str) -> Any:
    """A scenario from KTAB's XML, its SMP parameters, seed and accommodation matrix kept under
    ``models["smp"]``."""
    import xml.etree.ElementTree as ET  # for XML files only

    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        line, col = exc.position
        reason = str(exc).split(":")[0]
        raise ScenarioError(
            f"not well-formed XML ({reason})", file=file, location=f"line {line}, column {col + 1}"
        ) from None
    if root.tag != "Scenario":
        raise ScenarioError(
            "not a KTAB scenario", file=file, location="root element", value=root.tag, allowed="Scenario"
        )
    dims = [(d.text or "").strip() for d in root.findall("./Dimensions/dName")]
    if not dims:
        raise ScenarioError(
            "no dimensions", file=file, location="Scenario.Dimensions", allowed="one or more dName"
        )
    check_count(
        "max_issues", len(dims), "the number of dimensions", file=file, location="Scenario.Dimensions"
    )
    elements = root.findall("./Actors/Actor")
    check_count("max_actors", len(elements), "the number of actors", file=file, location="Scenario.Actors")
    actors = []
    for k, el in enumerate(elements, start=1):
        name = (el.findtext("name") or "").strip()
        where = f"Scenario.Actors.Actor[{k}] ({name})"
        cap = _float(el.findtext("capability") or "", file, f"{where}.capability")
        pos = [
            _float(c.text or "", file, f"{where}.Position.dCoord[{j}]", "empty coordinate")
            for j, c in enumerate(el.findall("./Position/dCoord"), start=1)
        ]
        sal = [
            _float(c.text or "", file, f"{where}.Salience.dSal[{j}]", "empty salience")
            for j, c in enumerate(el.findall("./Salience/dSal"), start=1)
        ]
        for label, vec in (("Position.dCoord", pos), ("Salience.dSal", sal)):
            if len(vec) != len(dims):
                raise ScenarioError(
                    f"wrong number of {label} values",
                    file=file,
                    location=where,
                    value=len(vec),
                    allowed=f"{len(dims)}, one per dimension",
                )
        actors.append((name, (el.findtext("description") or "").strip(), cap, pos, sal, where))
    smp: dict[str, Any] = {}
    seed = (root.findtext("prngSeed") or "").strip()
    if seed:
        if not (seed.isascii() and seed.isdigit()):
            raise ScenarioError(
                "not a whole number",
                file=file,
                location="Scenario.prngSeed",
                value=seed,
                allowed="a non-negative integer",
            )
        smp["seed"] = _int(seed, file, "Scenario.prngSeed")
    params = root.find("ModelParameters")
    if params is not None:
        smp.update({child.tag: (child.text or "").strip() for child in params})
    pairs = root.findall("./IdealAdjustment/iaPair")
    if pairs:
        smp["accommodation"] = [
            [
                (p.findtext("adjustingIdeal") or "").strip(),
                (p.findtext("referencePos") or "").strip(),
                _float(p.findtext("adjust") or "", file, f"Scenario.IdealAdjustment.iaPair[{k}].adjust"),
            ]
            for k, p in enumerate(pairs, start=1)
        ]
    return _build(
        (root.findtext("name") or "ktab").strip(),
        (root.findtext("desc") or "").strip(),
        dims,
        actors,
        smp,
        file,
    )


def _build(name: str, desc: str, dims: list[str], actors: list, smp: dict[str, Any], file: str) -> Any:
    """The scenario from parsed KTAB actors: (name, description, power, positions, saliences, where)."""
    ids = [_dim_id(d, k) for k, d in enumerate(dims)]
    for a_name, _, _, _, sal, where in actors:
        if sum(sal) > 100 + 1e-9:
            raise ScenarioError(
                f"the saliences of actor {a_name} sum to more than 100",
                file=file,
                location=where,
                value=round(sum(sal), 6),
                allowed="a total of at most 100 (a salience is a share of attention)",
            )
    data = {
        "name": name or "ktab",
        "description": desc,
        "source": f"imported from KTAB file {file}",
        "actors": [{"id": a[0], "name": a[0], "description": a[1], "capability": a[2]} for a in actors],
        "issues": [{"id": i, "name": d, "min": 0, "max": 100} for i, d in zip(ids, dims, strict=True)],
        "stances": {
            a[0]: {i: {"position": p, "salience": s} for i, p, s in zip(ids, a[3], a[4], strict=True)}
            for a in actors
        },
        "models": {"smp": smp} if smp else {},
    }
    return scenario_from_data(data, file)


def _strip_trailing(cells: list[str]) -> list[str]:
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _dim_name(header: str, k: int) -> str:
    return header.removesuffix("Position").removesuffix("position").strip() or f"dim{k + 1}"


def _dim_id(name: str, k: int) -> str:
    ident = "-".join(name.split())
    return ident or f"dim{k + 1}"


def _int(text: str, file: str, where: str) -> int:
    digits = sum(c.isdigit() for c in text)
    if digits > current().max_int_digits:
        raise LimitError(
            "max_int_digits", f"{digits} digits", "an integer's length", file=file, location=where
        )
    try:
        return int(text)
    except ValueError:
        raise ScenarioError(
            "not a whole number", file=file, location=where, value=text, allowed="an integer"
        ) from None


def _float(text: str, file: str, where: str, empty: str = "empty value") -> float:
    text = text.strip().strip('"')
    if not text:
        raise ScenarioError(
            empty,
            file=file,
            location=where,
            value=text,
            allowed="a number (0 to 100 for positions and saliences)",
        )
    try:
        return float(text)
    except ValueError:
        raise ScenarioError(
            "not a number", file=file, location=where, value=text, allowed="a number"
        ) from None
