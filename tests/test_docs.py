"""The documentation runs and points at what exists.

- Every ```pycon block of README.md and docs/**/*.md is a doctest (stdlib ``doctest``): the blocks of
  one page share their names, in page order, as a reader typing them would. The option flags are
  NORMALIZE_WHITESPACE only (a pandas table's column padding is layout); ELLIPSIS is not on, so a
  published number in an expected output is compared digit for digit -- an example that wants to
  elide something says ``# doctest: +ELLIPSIS`` on its own line, where a reviewer sees it.
- The docstring examples of the accord modules (``>>>`` lines) run the same way.
- Every repository path a docstring, the README or a doc names (``docs/...md``, ``src/...``,
  ``scripts/...``, ``tests/...``, ``benchmarks/...``) and every relative Markdown link exists.
- The generated references (CLI, Python API) equal what their scripts write.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "accord"
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
FLAGS = doctest.NORMALIZE_WHITESPACE
FENCE = re.compile(r"^```pycon\n(.*?)^```", re.M | re.S)
# A repository path: not preceded by a word, a slash or a dot (so ../shared/docs/models.md, which lives
# beside the repository, is not read as the repository's docs/models.md).
REPO_PATH = re.compile(r"(?<![\w/.-])((?:docs|src|scripts|tests|benchmarks)/[\w./-]*[\w/])")
# A path built with pathlib in code: ROOT / "docs" / "reference" / "scenario.md".
JOINED = re.compile(r'"(docs|src|scripts|tests|benchmarks)"((?:\s*/\s*"[\w.-]+")+)')
MD_LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(test: doctest.DocTest) -> None:
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    out: list[str] = []
    runner.run(test, out=out.append)
    assert runner.failures == 0, "".join(out)


def pycon_text(page: Path) -> tuple[str, int]:
    """The page's pycon blocks joined (blank lines keep the page's line numbers), and how many."""
    text = page.read_text(encoding="utf-8")
    blocks = []
    for m in FENCE.finditer(text):
        lineno = text.count("\n", 0, m.start(1))
        blocks.append((lineno, m.group(1)))
    joined, line = [], 0
    for lineno, body in blocks:
        joined.append("\n" * (lineno - line) + body)
        line = lineno + body.count("\n")
    return "".join(joined), len(blocks)


@pytest.mark.parametrize("page", [p for p in PAGES if "```pycon" in p.read_text(encoding="utf-8")], ids=_rel)
def test_page_examples_run(page, monkeypatch, tmp_path):
    text, _ = pycon_text(page)
    monkeypatch.chdir(tmp_path)  # an example that writes a file writes it here
    monkeypatch.setenv("ACCORD_STORE", str(tmp_path / "runs.sqlite"))
    test = doctest.DocTestParser().get_doctest(text, {}, _rel(page), str(page), 0)
    assert test.examples, f"{_rel(page)}: pycon blocks without >>> examples"
    _run(test)


def test_the_readme_and_the_tutorial_have_examples_that_run():
    for page in ("README.md", "docs/tutorial/afghanistan.md", "docs/explanation/analysis.md"):
        assert pycon_text(ROOT / page)[1] >= 1, page


def _modules_with_examples() -> list[str]:
    names = []
    for path in sorted(SRC.rglob("*.py")):
        if ">>> " in path.read_text(encoding="utf-8"):
            parts = path.relative_to(SRC.parent).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


MODULES = _modules_with_examples()


def test_some_modules_carry_docstring_examples():
    assert len(MODULES) >= 3, MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    tests = [t for t in doctest.DocTestFinder().find(module, name) if t.examples]
    assert tests, f"{name} has '>>> ' but no docstring example doctest finds"
    for test in tests:
        _run(test)


def referenced_paths() -> list[tuple[str, str]]:
    """(where, path) for every repository path named in a doc page, the README or a source file."""
    found = []
    code = sorted(p for d in ("src", "tests", "scripts", "benchmarks") for p in (ROOT / d).rglob("*.py"))
    sources = [*PAGES, *(p for p in code if p.name != "test_docs.py")]  # its own strings are test data
    for file in sources:
        text = file.read_text(encoding="utf-8")
        for m in REPO_PATH.finditer(text):
            found.append((_rel(file), m.group(1).rstrip(".")))
        for m in JOINED.finditer(text):
            found.append((_rel(file), "/".join([m.group(1), *re.findall(r'"([\w.-]+)"', m.group(2))])))
        if file.suffix == ".md":
            for m in MD_LINK.finditer(text):
                target = m.group(1)
                if "://" not in target and not target.startswith("mailto:"):
                    found.append((_rel(file), _rel((file.parent / target).resolve())))
    return found


def test_every_referenced_repository_path_exists():
    missing = sorted({f"{where}: {path}" for where, path in referenced_paths() if not (ROOT / path).exists()})
    assert missing == []


def test_the_path_check_sees_the_references():
    paths = {p for _, p in referenced_paths()}
    assert {"docs/reference/scenario.md", "docs/explanation/eum.md", "docs/how-to/add-a-model.md"} <= paths
    assert "docs/explanation/agents.md" in {
        p for w, p in referenced_paths() if w == "tests/test_event_types.py"
    }


@pytest.mark.parametrize(
    ("script", "function", "target"),
    [
        ("build_cli_reference", "cli_markdown", "docs/reference/cli.md"),
        ("build_api_reference", "api_markdown", "docs/reference/python-api.md"),
    ],
)
def test_generated_reference_is_committed(script, function, target):
    generated = getattr(_load_script(script), function)()
    committed = (ROOT / target).read_text(encoding="utf-8")
    assert committed == generated, f"run: PYTHONPATH=src python scripts/{script}.py"


def test_cli_reference_lists_every_command_and_shared_option():
    text = (ROOT / "docs" / "reference" / "cli.md").read_text(encoding="utf-8")
    for command in ("forecast", "report", "montecarlo", "whatif", "pivotal", "backtest", "runs list"):
        assert f"## `accord {command}`" in text
    assert text.count("Seed of the random generator: the same seed") >= 7  # one --seed, declared once


def test_every_model_parameter_is_in_the_models_reference():
    import inspect

    import accord

    text = (ROOT / "docs" / "reference" / "models.md").read_text(encoding="utf-8")
    missing = [
        f"{name}.{p}"
        for name, cls in accord.list_models().items()
        for p in inspect.signature(cls.__init__).parameters
        if p != "self" and f"`{p}`" not in text
    ]
    assert missing == []
