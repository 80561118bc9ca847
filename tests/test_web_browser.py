"""The dashboard and the report in a real browser: Debian's chromium driven by Playwright.

The server is the real `accord serve` in a subprocess on a free loopback port. Screenshots go to
tmp_path (look at them when changing the page).
"""

from __future__ import annotations

import numpy as np
import pytest
from browser_helpers import CHROMIUM, chromium, open_page
from web_server import running_server

from accord.report import report_html
from accord.scenario import load, loads_yaml

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed at /usr/bin/chromium "
    "(apt-get install -y chromium); .ci/run installs it",
)

# EC emissions (BDM 1994 p. 78): capability x salience weights and positions, typed by hand.
WEIGHT = np.array(
    [
        0.08 * 80,
        0.08 * 40,
        0.03 * 20,
        0.16 * 80,
        0.16 * 60,
        0.16 * 60,
        0.16 * 90,
        0.05 * 10,
        0.05 * 100,
        0.08 * 70,
    ]
)
POSITION = np.array([4, 7, 4, 4, 10, 10, 10, 7, 4, 7], dtype=float)


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def server():
    with running_server() as base:
        yield base


@pytest.fixture(scope="module")
def page(browser, server):
    """One page for the module: loading the 4.6 MB plotly.js bundle once keeps the tests fast.
    Each test starts by loading a scenario, which resets the page's state."""
    with open_page(browser, server + "/", "#example-select option[value='ec-emissions']", 20_000) as page:
        yield page


def forecast_shown(page) -> float:
    return float(page.inner_text("#forecast-table td.forecast-value[data-issue='emissions']"))


def load_and_run(page) -> float:
    page.select_option("#example-select", "ec-emissions")
    page.click("#load-example")
    page.wait_for_selector("#stance-table input[data-actor='DK'][data-kind='position']")
    page.select_option("#model-select", "weighted-mean")
    page.click("#run")
    page.wait_for_selector("#forecast-table td.forecast-value")
    return forecast_shown(page)


def test_edit_a_position_run_and_the_forecast_changes(page, tmp_path):
    before = load_and_run(page)
    assert before == pytest.approx((WEIGHT * POSITION).sum() / WEIGHT.sum(), abs=0.005)
    cell = "#stance-table input[data-actor='DK'][data-kind='position']"
    page.fill(cell, "10")
    page.press(cell, "Tab")
    page.click("#run")
    page.wait_for_function(
        f"document.querySelector(\"#forecast-table td.forecast-value\").textContent != '{before:.2f}'"
    )
    moved = POSITION.copy()
    moved[8] = 10  # Denmark
    assert forecast_shown(page) == pytest.approx((WEIGHT * moved).sum() / WEIGHT.sum(), abs=0.005)
    assert page.locator("#chart-forecast .main-svg").count() > 0
    assert page.locator("#chart-positions .main-svg").count() > 0
    page.screenshot(path=str(tmp_path / "dashboard-run.png"), full_page=True)


def test_a_non_number_in_the_table_is_reported_with_its_field(page):
    load_and_run(page)
    cell = "#stance-table input[data-actor='UK'][data-kind='salience']"
    page.fill(cell, "high")
    page.press(cell, "Tab")
    page.click("#run")
    page.wait_for_selector("#error:not([hidden])")
    assert "stances.UK.emissions.salience" in page.inner_text("#error")


def test_upload_a_broken_file_and_the_error_names_the_field(page, tmp_path):
    broken = (
        "name: broken\nactors:\n- {id: A, capability: 10}\n- {id: B, capability: -4}\nissues: [{id: tax}]\n"
        "stances: {A: {tax: {position: 20, salience: 50}}, B: {tax: {position: 80, salience: 50}}}\n"
    )
    page.set_input_files(
        "#upload",
        files=[{"name": "broken.yaml", "mimeType": "application/x-yaml", "buffer": broken.encode()}],
    )
    page.locator("#error").filter(has_text="broken.yaml").wait_for()
    message = page.inner_text("#error")
    assert "actors.1.capability" in message and "broken.yaml" in message
    page.screenshot(path=str(tmp_path / "dashboard-upload-error.png"), full_page=True)


def test_upload_a_good_file_fills_the_table(page):
    good = (
        "name: small\nactors:\n- {id: A, capability: 10}\n- {id: B, capability: 30}\nissues: [{id: tax}]\n"
        "stances: {A: {tax: {position: 20, salience: 50}}, B: {tax: {position: 80, salience: 50}}}\n"
    )
    page.set_input_files(
        "#upload", files=[{"name": "small.yaml", "mimeType": "application/x-yaml", "buffer": good.encode()}]
    )
    page.wait_for_selector("#stance-table input[data-actor='B'][data-kind='capability']")
    page.click("#run")
    page.wait_for_selector("#forecast-table td.forecast-value[data-issue='tax']")
    # weighted mean: (10*50*20 + 30*50*80) / (10*50 + 30*50) = 65
    assert float(page.inner_text("#forecast-table td.forecast-value[data-issue='tax']")) == pytest.approx(65)


def test_variants_are_compared_side_by_side_and_downloads_work(page, tmp_path):
    load_and_run(page)
    cell = "#stance-table input[data-actor='UK'][data-kind='position']"
    page.fill(cell, "4")
    page.press(cell, "Tab")
    page.fill("#variant-name", "UK gives in")
    page.click("#add-variant")
    page.click("#compare")
    page.wait_for_selector("#compare-table tbody tr:nth-child(2)")
    rows = page.locator("#compare-table tbody tr").all_inner_texts()
    assert rows[0].startswith("as loaded") and rows[1].startswith("UK gives in")
    moved = POSITION.copy()
    moved[6] = 4  # the United Kingdom
    assert float(rows[1].split()[-1]) == pytest.approx((WEIGHT * moved).sum() / WEIGHT.sum(), abs=0.005)
    page.screenshot(path=str(tmp_path / "dashboard-compare.png"), full_page=True)

    with page.expect_download() as info:
        page.click("#download-yaml")
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name == "ec-emissions.yaml"
    assert loads_yaml(saved.read_text(encoding="utf-8")).stances["UK"]["emissions"].position == 4


def test_the_report_opens_offline_and_renders_its_charts(browser, tmp_path):
    path = tmp_path / "report.html"
    path.write_text(
        report_html(load("ec-emissions"), ["weighted-mean", "weighted-median"], draws=50), encoding="utf-8"
    )
    context = browser.new_context(offline=True, viewport={"width": 1200, "height": 900})
    requested: list[str] = []
    context.on("request", lambda req: requested.append(req.url))
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_selector(".js-plotly-plot .main-svg")
    assert page.locator(".js-plotly-plot").count() >= 2
    assert page.evaluate("typeof Plotly") == "object"
    for section in ("forecast", "positions", "assumptions", "notes"):
        assert page.locator(f"section#{section}").count() == 1
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    context.close()
    assert [u for u in requested if not u.startswith(("file:", "data:", "blob:"))] == []


def test_the_api_docs_render_offline(browser, server, tmp_path):
    """/docs is Swagger UI from the installed package: it renders with every other host unreachable."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    foreign: list[str] = []

    def only_the_server(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_server)
    page = context.new_page()
    page.goto(server + "/docs")
    page.wait_for_selector(".opblock-summary-path[data-path='/api/run']")
    assert page.locator(".opblock").count() >= 9
    page.screenshot(path=str(tmp_path / "docs.png"), full_page=True)
    context.close()
    assert foreign == []


def test_a_page_on_another_site_cannot_post_to_the_dashboard(browser, server):
    """A forged cross-site POST as a hostile page sends it: a text/plain form, which needs no preflight.
    (A no-cors fetch to loopback is not observable here; tests/test_web_hostile.py sends its headers.)"""
    context = browser.new_context()
    evil = "http://evil.test/"
    context.route(
        evil,
        lambda route: route.fulfill(
            content_type="text/html",
            body=f"""
        <form id=f method=post enctype=text/plain action="{server}/api/scenario/upload?filename=a.yaml">
        <input name="name: forged&#10;x" value="y"></form>""",
        ),
    )
    page = context.new_page()
    page.goto(evil)
    target = f"{server}/api/scenario/upload"
    with page.expect_response(lambda res: res.url.startswith(target)) as posted:
        page.evaluate("document.getElementById('f').submit()")
    status, text = posted.value.status, posted.value.text()
    context.close()
    assert status == 403 and "cross-site" in text
