"""Size of the HTML report and the time a browser takes to open it and draw every chart.

Run from the repository root: ``PYTHONPATH=src python benchmarks/bench_report.py [FILE.html]``;
without a file it writes the Afghanistan report first (every model, default draws). Opens the file
in Debian's chromium (Playwright) from disk with the network blocked, and prints the time until
every plotly figure is drawn (best of 3). Target (issue 13): <= 1.5 MB, about a second to open.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


def open_time(path: Path, repeat: int = 3) -> tuple[float, int]:
    best, figures = float("inf"), 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(repeat):
            page = browser.new_page()
            page.route("http*://**", lambda route: route.abort())  # offline: nothing may load from a network
            t0 = time.perf_counter()
            page.goto(path.resolve().as_uri(), timeout=180_000)
            expected = page.locator("div.plotly-graph-div").count()
            page.wait_for_function(
                f"document.querySelectorAll('div.plotly-graph-div .main-svg').length >= {expected}",
                timeout=180_000,
            )
            best = min(best, time.perf_counter() - t0)
            figures = expected
            page.close()
        browser.close()
    return best, figures


def main() -> None:
    if len(sys.argv) > 1:
        path = Path(sys.argv[1])
    else:
        from accord.report import report_html
        from accord.scenario import load

        path = Path(tempfile.mkdtemp()) / "afghanistan-2013-report.html"
        t0 = time.perf_counter()
        path.write_text(report_html(load("afghanistan-2013")), encoding="utf-8")
        print(f"wrote {path} in {time.perf_counter() - t0:.1f} s")
    size = path.stat().st_size
    seconds, figures = open_time(path)
    print(
        f"{path.name}: {size / 1e6:.2f} MB (target <= 1.5 MB); {figures} figures drawn in {seconds:.2f} s "
        "(best of 3, offline chromium; target about 1 s)"
    )


if __name__ == "__main__":
    main()
