"""Small edges of the command line (issue 13, item 8): -m all, legends that say what numbers mean,
titles that are not wrapped, tables readable at 80 columns, a busy port (run and sweep ids: branch
`defects`)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from accord.cli import app
from accord.models import list_models

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def narrow(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")


def test_model_all_runs_every_registered_model():
    res = invoke("forecast", "afghanistan-2013", "-m", "all", "--json", "--draws", "0")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert set(data["models"]) | set(data["skipped"]) == set(list_models())


def test_pivotal_table_explains_units_and_signs(tmp_path):
    res = invoke("pivotal", "ec-emissions", "--method", "shapley", "--store", str(tmp_path / "s.sqlite"))
    assert res.exit_code == 0, res.output
    flat = " ".join(res.output.split())
    assert "points of each issue's own scale" in flat
    assert "+ pulls the forecast towards the scale's max end" in flat
    assert "Shapley share" in flat


def test_titles_are_one_line_not_wrapped_to_the_table(narrow, tmp_path):
    res = invoke("pivotal", "afghanistan-2013", "--method", "shift", "--no-store")
    assert res.exit_code == 0, res.output
    title = "The 2013 Afghanistan peace talks (Doha office, BSA, zero option): pivotal actors"
    assert title in res.output  # printed whole on its own line, even past 80 columns


def test_wide_forecast_tables_split_instead_of_cutting_names_at_80_columns(narrow):
    res = invoke("forecast", "afghanistan-2013", "-m", "all", "--draws", "0")
    assert res.exit_code == 0, res.output
    table_lines = [ln for ln in res.output.splitlines() if ln[:1] in "┏┃┡│└"]
    assert table_lines and max(len(ln) for ln in table_lines) <= 80
    assert "…" not in res.output
    for name in list_models():
        assert name in res.output


def test_pivotal_cells_keep_each_actor_with_its_number_at_80_columns(narrow):
    res = invoke("pivotal", "afghanistan-2013", "--method", "remove", "--method", "shapley", "--no-store")
    assert res.exit_code == 0, res.output
    for line in res.output.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        for cell in cells[1:]:
            assert cell == "" or cell[:3].isupper() and (" +" in cell or " -" in cell), line


def test_serve_on_a_busy_port_is_one_clear_line_and_exit_2():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "accord", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 2
    assert done.stdout == ""  # the URL is not printed for a server that never starts
    lines = done.stderr.strip().splitlines()
    assert (
        len(lines) == 1 and f"port {port} on 127.0.0.1 is already in use" in lines[0] and "--port" in lines[0]
    )


def test_issue_legend_leaves_out_a_name_that_repeats_the_id(shared):
    from accord.cli.text import issue_legend
    from accord.scenario import load

    ktab = load(str(shared / "data" / "ktab" / "SOE-Pol-Comp.csv"))  # issue names = ids (Policy, ...)
    assert [i.name for i in ktab.issues] == [i.id for i in ktab.issues]
    assert issue_legend(ktab) == []
    afg = load("afghanistan-2013")
    lines = issue_legend(afg)
    assert len(lines) == len(afg.issues)  # names that say more than the id are kept
    assert all(line.startswith(f"{i.id}: {i.name}") for line, i in zip(lines, afg.issues, strict=True))
