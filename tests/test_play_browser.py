"""The game in the browser: a full game of a small scenario in Debian's chromium, driven by Playwright.

The server is the real `accord serve` on a free loopback port (tests/web_server.py). Screenshots go
to tmp_path and, when ACCORD_SHOTS names a folder, there too (to look at them).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from browser_helpers import CHROMIUM, chromium, open_page
from typer.testing import CliRunner
from web_server import running_server

from accord.cli import app

TABLE = Path(__file__).parent / "data" / "play-table.yaml"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not at /usr/bin/chromium")


@pytest.fixture(scope="module")
def page():
    with running_server() as base, chromium() as browser:
        with open_page(browser, base + "/play", "#example-select option[value='afghanistan-2013']") as page:
            yield page


def shot(page, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / name), full_page=True)
    if os.environ.get("ACCORD_SHOTS"):
        shutil.copy(tmp_path / name, Path(os.environ["ACCORD_SHOTS"]) / name)


def round_title(page, n: int) -> None:
    page.locator("#round-title").filter(has_text=f"Round {n} of 8").wait_for()


def test_a_full_game_in_the_browser_round_by_round(page, tmp_path):
    page.set_input_files("#upload", str(TABLE))
    page.locator("#status").filter(has_text="loaded play-table").wait_for()
    page.select_option("#actor-select", "KAB")
    page.click("#start")
    round_title(page, 0)
    assert page.locator("#offers-table button[data-from='TAL']").count() == 1
    assert page.locator("#chart-agreement .main-svg").count() > 0
    assert page.locator("#chart-trajectories .main-svg").count() > 0
    shot(page, tmp_path, "play-round-0.png")
    page.fill("#term-troops", "90000")  # out of range: one message, the round stays
    page.click("#propose")
    page.locator("#error").filter(has_text="troops: 90000 is out of range").wait_for()
    assert "Round 0 of 8" in page.inner_text("#round-title")
    shot(page, tmp_path, "play-bad-term.png")
    page.fill("#term-troops", "9,000")
    page.fill("#term-office", "talks-only")
    page.check("#walkout")
    page.click("#propose")
    round_title(page, 1)
    assert page.locator("#error").is_hidden()
    assert "away: KAB" in page.inner_text("#table-line")
    assert page.locator("#return-label").is_visible() and page.locator("#walkout-label").is_hidden()
    page.check("#return")
    page.click("#reject")
    round_title(page, 2)
    page.check("#threat")
    page.select_option("#threat-issue", "office")
    page.fill("#threat-value", "no office")
    page.select_option("#threat-target", "TAL")
    page.click("#reject")
    round_title(page, 3)
    assert page.locator("#threat-live-label").is_visible()
    shot(page, tmp_path, "play-round-3.png")
    for n in range(3, 8):
        page.click("#auto")
        if n < 7:
            page.wait_for_function(
                f"!document.querySelector('#over').hidden || "
                f"document.querySelector('#round-title').textContent.includes('Round {n + 1} of 8')"
            )
        if page.locator("#over").is_visible():
            break
    page.locator("#over").wait_for()
    assert "where the model's KAB got" in page.inner_text("#comparison")
    shot(page, tmp_path, "play-over.png")
    with page.expect_download() as download:
        page.click("#download-game")
    saved = tmp_path / "game.json"
    download.value.save_as(saved)
    data = json.loads(saved.read_text())
    kinds = [e["type"] for d in data["decisions"] for e in d.get("events", [])]
    assert kinds == ["actor_leaves", "actor_returns", "threat"]
    assert data["decisions"][0]["propose"] == [45.0, 30.0]
    # the browser's game replays on the command line
    res = CliRunner().invoke(app, ["play", "--replay", str(saved), "--out", str(tmp_path / "run")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "run" / "offers.csv").is_file()


def test_the_flagship_in_the_browser_shows_its_first_round(page, tmp_path):
    page.select_option("#example-select", "afghanistan-2013")
    page.click("#load-example")
    page.locator("#status").filter(has_text="loaded afghanistan-2013").wait_for()
    page.select_option("#actor-select", "AFG")
    page.click("#start")
    page.locator("#round-title").filter(has_text="Round 0 of 82").wait_for()
    page.click("#auto")
    page.locator("#round-title").filter(has_text="Round 1 of 82").wait_for()
    assert "talks-only" not in page.inner_text("#error") and page.locator("#error").is_hidden()
    shot(page, tmp_path, "play-afghanistan.png")


def test_the_dashboard_hands_its_edited_scenario_to_the_game(page, tmp_path):
    page.goto(page.url.replace("/play", "/"))
    page.wait_for_selector("#example-select option[value='ec-emissions']", state="attached")
    page.select_option("#example-select", "ec-emissions")
    page.click("#load-example")
    cell = "#stance-table input[data-actor='DK'][data-kind='position']"
    page.wait_for_selector(cell)
    page.fill(cell, "10")
    page.press(cell, "Tab")
    page.click("#play-scenario")
    page.locator("#status").filter(has_text="loaded ec-emissions").wait_for()
    page.select_option("#actor-select", "DK")
    page.click("#start")
    page.locator("#round-title").filter(has_text="Round 0 of").wait_for()
    # the seat's own position is the edited one: the model's suggestion for DK in round 0 is its ideal
    assert page.locator("#offers-table tr").nth(1).locator("td").last.inner_text() == "10.0"
    shot(page, tmp_path, "play-from-dashboard.png")
