"""Write docs/reference/scenario.md from the schema (run after changing the schema).

``PYTHONPATH=src python scripts/build_scenario_reference.py``; tests/test_reference.py fails while
the committed file differs from what this writes.
"""

from pathlib import Path

from accord.files import atomic_write_text
from accord.scenario.reference import reference_markdown

TARGET = Path(__file__).resolve().parents[1] / "docs" / "reference" / "scenario.md"

if __name__ == "__main__":
    atomic_write_text(TARGET, reference_markdown())
    print(f"wrote {TARGET}")
