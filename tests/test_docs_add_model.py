"""docs/how-to/add-a-model.md runs as written: its ``>>>`` examples are doctests.

The docs harness (tests/test_docs.py) runs every page; this keeps the add-a-model page covered on
its own until that harness lands.
"""

from __future__ import annotations

import doctest
from pathlib import Path

PAGE = Path(__file__).resolve().parents[1] / "docs" / "how-to" / "add-a-model.md"


def test_the_add_a_model_page_runs_as_written():
    result = doctest.testfile(str(PAGE), module_relative=False, optionflags=0)
    assert result.attempted >= 15
    assert result.failed == 0
