"""Property-based fuzzing of the whole path a scenario takes: mutated shipped scenarios, in every
format accord reads (YAML, JSON, long-table CSV and XLSX, KTAB CSV and XML), go through load,
every registered model and save/reload.

Properties: nothing but an AccordError escapes; every result accepted is finite (and JSON-able
without NaN or Infinity); every scenario accepted saves in every format and reads back equal
(the table formats hold actors, issues and stances only). Derandomised with a modest number of
examples so the suite runs the same cases in ~20 s; ACCORD_FUZZ_EXAMPLES and
ACCORD_HYPOTHESIS_EXPLORE=1 search further by hand.
"""

from __future__ import annotations

import copy
import json
import os
import re
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import KTAB
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accord.models.registry import build_model, list_models
from accord.scenario import AccordError, load, save, table
from accord.scenario.io import load_bytes
from accord.scenario.yamltext import dumps_yaml

SETTINGS = settings(
    max_examples=int(os.environ.get("ACCORD_FUZZ_EXAMPLES", 15)),
    deadline=timedelta(seconds=30),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=not os.environ.get("ACCORD_HYPOTHESIS_EXPLORE"),
)

EXAMPLES = {name: load(name) for name in ("ec-emissions", "afghanistan-2013")}
KTAB_TEXT = {fmt: (KTAB / f"dummyData_3Dim.{fmt}").read_text(encoding="utf-8") for fmt in ("csv", "xml")}

# Values a hostile file might hold, all with at most 15 significant digits (XLSX keeps 16); a leaf
# is replaced by one of its own kind (text by text, a number by a number) or by anything at all.
# fmt: off
HOSTILE_NUMBERS: list[Any] = [
    1e308, -1e308, 1.5e12, 1e12, -1e13, 3.5e-320, 10**40, 10**9, 1000, 101, 100, 99.99, 50, 7, 2.5, 1, 0.5, 0,
    -0.0, -1,
]
HOSTILE_STRINGS: list[Any] = [
    "", "x", "a\rb", "c\r\nd", "\r", "=1+1", "\x00", "\x1f", "\ud800", "\ufeff", "_x000D_", "9" * 60,
    "2013-02-30", "2013-06-01", "linear", "null", "#", "- y",
]
HOSTILE_OTHER: list[Any] = [
    True, None, [], {}, {"k": [1, {"j": None}]}, json.loads("[" * 40 + "1" + "]" * 40),
]
HOSTILE_VALUES = HOSTILE_NUMBERS + HOSTILE_STRINGS + HOSTILE_OTHER
HOSTILE_TEXT = [
    "!!int abc", "!!bool maybe", "!!timestamp 2013-02-30", "!!python/name:os.system", "&a [*a]", "*a", "&b x",
    "9" * 5000, "1e308", "-1e308", "9e999", "NaN", ".inf", "\r", "\x00", '"', "'", ",", "\n", ",,,\n", "{",
    "}",
    "[" * 300, "]" * 300, "null", "~", "<<: *a", "? [a]", "\ufeff", "<!ENTITY e 'x'>", "&e;", "</Actor>",
    "<Actor><name>Z</name></Actor>", "1000000000", "-0", "\t", "#", '{"a": ' * 100, "\\ud800",
]
# fmt: on


def _like(value: Any) -> list[Any]:
    """The replacements for a leaf: mostly of its own kind, so that many mutants still load."""
    if isinstance(value, str):
        return HOSTILE_STRINGS
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return HOSTILE_NUMBERS
    return HOSTILE_VALUES


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside nested dicts and lists (the root excluded)."""
    out = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, child in items:
        out.append(prefix + (key,))
        out.extend(_paths(child, prefix + (key,)))
    return out


def _mutate_data(data: dict, draw) -> dict:
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 2))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        op = draw(st.sampled_from(["replace"] * 6 + ["delete", "duplicate", "add"]))
        if op == "replace":
            pool = draw(st.sampled_from([_like(parent[path[-1]]), HOSTILE_VALUES]))
            parent[path[-1]] = copy.deepcopy(draw(st.sampled_from(pool)))
        elif op == "delete":
            del parent[path[-1]]
        elif op == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["colour", "params", "rounds", "models", "round_days"]))] = (
                copy.deepcopy(draw(st.sampled_from(HOSTILE_VALUES)))
            )
    return data


# Where a value sits in each text format: a mutation there keeps the file well formed around it.
TOKENS = {
    "yaml": re.compile(r"(?<=: )[^\n{}\[\],]+"),
    "json": re.compile(r'(?<=: )("(?:[^"\\]|\\.)*"|[-0-9.eE+]+|true|false|null)'),
    "xml": re.compile(r"(?<=>)[^<]+(?=<)"),
    "csv": re.compile(r"[^,\n]+"),
}


def _mutate_text(text: str, fmt: str, draw) -> str:
    """Replace one value (the file stays well formed around it), or cut and splice anywhere."""
    for _ in range(draw(st.integers(1, 2))):
        insert = draw(st.sampled_from(HOSTILE_TEXT + [str(v) for v in HOSTILE_NUMBERS]))
        if draw(st.integers(0, 3)):
            spans = [m.span() for m in TOKENS[fmt].finditer(text)]
            start, end = draw(st.sampled_from(spans))
        else:
            start = draw(st.integers(0, len(text)))
            end = start + draw(st.integers(0, 12))
        text = text[:start] + insert + text[end:]
    return text


def _table_bytes(frame: pd.DataFrame, suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"t{suffix}"
        table.write_frame(frame, path, suffix)
        return path.read_bytes()


FORMATS = ["yaml", "json", "csv", "xlsx", "ktab-csv", "ktab-xml"]


@st.composite
def hostile_files(draw, fmt: str) -> tuple[str, bytes]:
    """(format, file bytes): a shipped scenario in format ``fmt``, mutated in its data or its text."""
    if fmt.startswith("ktab"):
        kind = fmt.removeprefix("ktab-")
        return kind, _mutate_text(KTAB_TEXT[kind], kind, draw).encode("utf-8", "surrogatepass")
    scenario = EXAMPLES[draw(st.sampled_from(sorted(EXAMPLES)))]
    if fmt in ("csv", "xlsx"):
        frame = table.to_frame(scenario).astype(object)
        for _ in range(draw(st.integers(1, 2))):
            row = draw(st.integers(0, len(frame) - 1))
            col = draw(st.sampled_from(list(frame.columns)))
            pool = _like(frame.iat[row, frame.columns.get_loc(col)])
            value = draw(st.sampled_from([v for v in pool if not isinstance(v, (list, dict))]))
            frame.iat[row, frame.columns.get_loc(col)] = value
        if fmt == "xlsx":
            frame = frame.map(lambda v: v.encode("utf-8", "replace").decode() if isinstance(v, str) else v)
        return fmt, _table_bytes(frame, f".{fmt}") if fmt == "xlsx" else frame.to_csv(index=False).encode(
            "utf-8", "surrogatepass"
        )
    data = scenario.model_dump(mode="json", exclude_none=True)
    if draw(st.booleans()):
        data = _mutate_data(data, draw)
        text = (
            yaml.safe_dump(data, allow_unicode=True) if fmt == "yaml" else json.dumps(data, ensure_ascii=True)
        )
    else:
        text = _mutate_text(dumps_yaml(scenario) if fmt == "yaml" else json.dumps(data, indent=1), fmt, draw)
    return fmt, text.encode("utf-8", "surrogatepass")


def _table_view(scenario) -> dict:
    return {
        # a table has one row per stance: an actor without any stance has no row
        "actors": sorted((a.id, a.name, a.capability) for a in scenario.actors if scenario.stances.get(a.id)),
        "issues": [
            (i.id, i.name, i.min, i.max, i.min_label, i.max_label, i.status_quo) for i in scenario.issues
        ],
        "stances": {
            a: {i: (s.position, s.salience, s.source or None) for i, s in row.items()}
            for a, row in scenario.stances.items()
            if row
        },
    }


def _assert_finite(name: str, result) -> None:
    assert np.isfinite(result.forecast["forecast"].to_numpy(dtype=float)).all(), name
    for label, frame in {"history": result.history, **result.tables}.items():
        for col in frame.select_dtypes("number"):
            assert not np.isinf(frame[col].to_numpy(dtype=float)).any(), (name, label, col)
    json.dumps(result.meta, allow_nan=False)
    json.dumps(result.info, allow_nan=False, default=str)


@pytest.mark.parametrize("source_format", FORMATS)
@SETTINGS
@given(data=st.data())
def test_mutated_scenarios_load_run_and_round_trip_or_raise_accord_errors(source_format, data):
    fmt, data = data.draw(hostile_files(source_format))
    try:
        scenario = load_bytes(data, fmt, file=f"fuzz.{fmt}")
    except AccordError as exc:
        event(f"{fmt}: refused ({type(exc).__name__})")
        return
    event(f"{fmt}: loaded")
    for name in list_models():
        try:
            result = build_model(name, scenario).run(scenario, 0)
        except AccordError:
            continue
        _assert_finite(name, result)
    with tempfile.TemporaryDirectory() as folder:
        for suffix in (".yaml", ".json", ".csv", ".xlsx"):
            back = load(save(scenario, Path(folder) / f"s{suffix}"))
            if suffix in (".yaml", ".json"):
                assert back == scenario, suffix
            else:
                assert _table_view(back) == _table_view(scenario), suffix
            assert (
                "Infinity" not in open(Path(folder) / f"s{suffix}", "rb").read().decode("utf-8", "replace")
                or suffix != ".json"
            )
