"""The dashboard's answer panel, variants and negotiation editor in a real browser (Debian's chromium).

Each test opens its own page on the real `accord serve` (module-scoped), so saved variants in one
test's browser storage do not leak into another's. Screenshots go to tmp_path.
"""

from __future__ import annotations

import json

import httpx
import pytest
from browser_helpers import CHROMIUM, chromium, open_page
from web_server import running_server

from accord.analysis.patch import apply_patch
from accord.scenario import load

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
FLAGSHIP = "afghanistan-2013"


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def server():
    with running_server() as base:
        yield base


@pytest.fixture
def page(browser, server):
    with open_page(browser, server + "/", f"#example-select option[value='{FLAGSHIP}']") as page:
        yield page


def load_flagship(page) -> None:
    page.select_option("#example-select", FLAGSHIP)
    page.click("#load-example")
    page.wait_for_selector("#variant-list li")


def names_of(page, chart: str) -> list[str]:
    return page.evaluate(f"document.getElementById('{chart}').data.map((t) => t.name)")


def test_the_answer_panel_leads_with_deal_probabilities_intervals_and_pivotal_actors(page, tmp_path):
    load_flagship(page)
    page.fill("#draws", "60")
    page.click("#forecast")
    page.wait_for_selector("#answer-sections h3")
    text = page.inner_text("#answer-sections")
    assert "Deal by the deadline (2014-12-31, round 82)" in text
    assert "sign without TAL: P = " in text  # a deal leaving out a required party is named so
    assert "Most pivotal actors" in text and "What-ifs that move the answer most" in text
    curves = names_of(page, "chart-agreement")
    assert any("sign by then" in str(n) for n in curves)
    forecast = page.evaluate("document.getElementById('chart-answer-forecast').data")
    assert any(t.get("error_x") or t.get("error_y") for t in forecast)  # intervals drawn
    assert page.locator("#chart-pivotal .main-svg").count() > 0
    page.locator("#answer").screenshot(path=str(tmp_path / "dashboard-answer.png"))


def test_edits_to_the_negotiation_are_saved_as_a_patch_that_survives_a_reload(page, server, tmp_path):
    load_flagship(page)
    shipped = page.locator("#variant-list li").all_inner_texts()
    assert len(shipped) == 4 and all("shipped" in s for s in shipped)
    page.fill("#deadline-date", "2014-06-30")
    page.dispatch_event("#deadline-date", "change")
    page.uncheck("input[aria-label='USA–AFG channel']")
    page.uncheck("input[aria-label='trilateral open']")
    page.fill("input[aria-label='USA–TAL alignment']", "-0.2")
    page.press("input[aria-label='USA–TAL alignment']", "Tab")
    page.click("button[title='remove event office-closes']")
    event = {"id": "talks-resume", "type": "channel_open", "channel": "doha-office", "date": "2013-09-01"}
    page.fill("#new-event", json.dumps(event))
    page.click("#add-event")
    page.fill("#variant-name", "Kabul cut off")
    page.click("#add-variant")
    page.locator("#variant-list li", has_text="Kabul cut off").wait_for()
    page.locator("#negotiation").screenshot(path=str(tmp_path / "dashboard-negotiation.png"))

    stored = json.loads(page.evaluate(f"localStorage.getItem('accord.variants.{FLAGSHIP}')"))
    patch = stored[0]["patch"]
    assert patch["set"] == {
        "deadline.date": "2014-06-30",
        "relations.AFG,USA.channel": False,
        "relations.TAL,USA.alignment": -0.2,
        "channels.trilateral.open": False,
    }
    assert patch["remove_events"] == ["office-closes"] and patch["add_events"] == [event]
    variant = apply_patch(load(FLAGSHIP), patch)  # the library reads the browser's patch
    assert str(variant.deadline.date) == "2014-06-30" and "office-closes" not in {
        e.id for e in variant.events
    }

    page.reload()  # a reload, then Load again: the saved variant is still there (never silently dropped)
    page.wait_for_selector(f"#example-select option[value='{FLAGSHIP}']", state="attached")
    load_flagship(page)
    page.locator("#variant-list li", has_text="Kabul cut off").wait_for()
    page.select_option("#model-select", "weighted-mean")
    page.click("#compare")
    page.wait_for_selector("#compare-table tbody tr:nth-child(6)")
    rows = page.locator("#compare-table tbody tr").all_inner_texts()
    assert rows[0].startswith("as loaded") and rows[-1].startswith("Kabul cut off")
    with httpx.Client(base_url=server) as http:  # the compare row is what the server computes for it
        expected = http.post(
            "/api/run", json={"scenario": variant.model_dump(mode="json"), "model": "weighted-mean"}
        )
    troops = next(f["forecast"] for f in expected.json()["forecast"] if f["issue"] == "troops")
    assert float(rows[-1].split("\t")[1]) == pytest.approx(troops, abs=0.005)
    page.click("button[title='load Kabul cut off into the editor']")
    page.wait_for_function("document.getElementById('deadline-date').value === '2014-06-30'")


def test_an_error_marks_old_results_out_of_date_and_a_good_run_clears_it(page):
    load_flagship(page)
    page.select_option("#model-select", "weighted-mean")
    page.click("#run")
    page.wait_for_selector("#forecast-table td.forecast-value")
    page.fill("#new-event", json.dumps({"id": "bad", "type": "no-such-type", "round": 3}))
    page.click("#add-event")
    assert "Edited since these results" in page.inner_text("#results .stale-note")
    page.click("#run")
    page.wait_for_selector("#error:not([hidden])")
    assert "events" in page.inner_text("#error")
    assert "the last request failed" in page.inner_text("#results .stale-note")
    assert "stale" in page.get_attribute("#results", "class")
    page.click("button[title='remove event bad']")
    page.click("#run")
    page.wait_for_function("!document.getElementById('results').classList.contains('stale')")
    assert page.is_hidden("#results .stale-note")


def test_the_actor_column_stays_legends_list_every_actor_and_charts_reflow(page, tmp_path):
    load_flagship(page)
    first = page.locator("#stance-table tbody th").first
    assert (
        page.evaluate("getComputedStyle(document.querySelector('#stance-table tbody th')).position")
        == "sticky"
    )
    page.set_viewport_size({"width": 700, "height": 900})
    x0 = first.bounding_box()["x"]
    page.evaluate("document.querySelector('#editor .scroll').scrollLeft = 400")
    assert first.bounding_box()["x"] == pytest.approx(x0, abs=1)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.select_option("#model-select", "weighted-mean")
    page.click("#run")
    page.wait_for_selector("#chart-positions .main-svg")
    actors = [a.id for a in load(FLAGSHIP).actors]
    legend = page.evaluate(
        "document.getElementById('chart-positions').data.filter((t) => t.showlegend !== false).map((t) => t.name)"
    )
    assert sorted(legend) == sorted(actors)
    svg = "document.querySelector('#chart-positions .main-svg')"
    wide, tall = page.evaluate(f"[{svg}.getAttribute('width'), {svg}.getAttribute('height')]")
    page.set_viewport_size({"width": 800, "height": 900})
    page.wait_for_function(
        f"Number(document.querySelector('#chart-positions .main-svg').getAttribute('width')) < {float(wide)} - 100"
    )
    assert page.evaluate(f"{svg}.getAttribute('height')") == tall  # narrower, not squashed
    page.screenshot(path=str(tmp_path / "dashboard-narrow.png"), full_page=True)
