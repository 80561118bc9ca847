"""The how-to on adding an event type runs: its ```pycon blocks are doctests, run as
tests/test_docs.py (issue 15, item 6) runs every page's: the blocks of the page share their names in
page order, NORMALIZE_WHITESPACE only. Kept until that harness covers docs/how-to/ on main."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "how-to" / "add-an-event-type.md"
FENCE = re.compile(r"^```pycon\n(.*?)^```", re.M | re.S)


def test_the_add_an_event_type_page_runs(monkeypatch, tmp_path):
    text = PAGE.read_text(encoding="utf-8")
    blocks = FENCE.findall(text)
    assert len(blocks) >= 5
    monkeypatch.chdir(tmp_path)
    test = doctest.DocTestParser().get_doctest("\n".join(blocks), {}, PAGE.name, str(PAGE), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    out: list[str] = []
    runner.run(test, out=out.append)
    assert runner.tries >= 20 and runner.failures == 0, "".join(out)


def test_the_page_names_files_that_exist():
    text = PAGE.read_text(encoding="utf-8")
    for path in set(re.findall(r"`((?:src|docs|tests|scripts)/[\w./-]+)`", text)):
        assert (ROOT / path).exists(), path
