"""A test that skips in CI fails there (CI=true); elsewhere a skip stays a skip, and xfail stays xfail."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

CASES = """
import pytest

missing = pytest.importorskip  # bound here so the module itself imports

@pytest.mark.skipif(True, reason="no chromium")
def test_marked():
    pass

def test_inside():
    pytest.importorskip("no_such_module_for_accord")

@pytest.mark.xfail(strict=True, reason="fixed elsewhere")
def test_expected_failure():
    assert False
"""


MODULE_SKIP = "import pytest\npytest.importorskip('no_such_module_for_accord')\n\ndef test_x():\n    pass\n"


def _run(folder: Path, ci: str | None) -> tuple[int, str]:
    (folder / "conftest.py").write_text(
        f"import sys\nsys.path.insert(0, {str(TESTS)!r})\n"
        "from ci_policy import pytest_make_collect_report, pytest_runtest_makereport\n"
    )
    (folder / "test_cases.py").write_text(CASES)
    (folder / "test_module.py").write_text(MODULE_SKIP)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # only what this check needs: a faster start
    if ci is not None:
        env["CI"] = ci
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--continue-on-collection-errors",
            str(folder),
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return res.returncode, res.stdout


@pytest.mark.parametrize("ci", ["true", "1"])
def test_skips_fail_under_ci(tmp_path, ci):
    code, out = _run(tmp_path, ci)
    assert code == 1, out
    # a module-level importorskip and a skip in setup (a skipif mark) become errors, one in the call a failure
    assert re.search(r"\b1 failed, 1 xfailed, 2 errors in", out) and "skipped in" not in out, out
    assert "a skip is a failure: no chromium" in out
    assert out.count("a skip is a failure: could not import 'no_such_module_for_accord'") >= 2, out


@pytest.mark.parametrize("ci", [None, "false"])
def test_skips_stay_skips_outside_ci(tmp_path, ci):
    code, out = _run(tmp_path, ci)
    assert code == 0 and re.search(r"\b3 skipped, 1 xfailed in", out), out
