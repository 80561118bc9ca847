"""Every broken file gets one ScenarioError naming the file, where, and (when it applies) the bad
value and what is allowed; failed writes leave the old file untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

import accord
from accord.files import atomic_write, atomic_write_text
from accord.scenario import ScenarioError, load, save
from accord.scenario import table as table_module

BROKEN = Path(__file__).parent / "corpus" / "broken"

# file -> fragments its message must contain (location first, then value / allowed where they apply)
EXPECTED: dict[str, list[str]] = {
    "yaml-syntax.yaml": ["line 6, column 7", "not valid YAML"],
    "yaml-python-tag.yaml": ["line 1, column 7", "python/object"],
    "duplicate-key.yaml": ["line 11, column 3", "duplicate key 'A'"],
    "unknown-field.yaml": [
        "actors.1.capabilty",
        "unknown field",
        "allowed: id, name, description, capability",
    ],
    "position-out-of-range.yaml": ["stances.B.x.position", "12", "allowed: 0 to 10"],
    "position-not-a-number.yaml": ["stances.B.x.position", "valid number", "'high'"],
    "unknown-actor-in-stances.yaml": ["stances.C", "unknown id 'C'", "allowed: A, B"],
    "duplicate-actor-id.yaml": ["actors.1.id", "duplicate id 'A'"],
    "negative-capability.yaml": ["actors.1.capability", "greater than or equal to 0", "-2"],
    "salience-120.yaml": ["stances.B.x.salience", "less than or equal to 100", "120"],
    "nan-position.yaml": ["stances.B.x.position", "finite number", "nan"],
    "missing-name.yaml": ["name: a required field is missing"],
    "status-quo-out-of-range.yaml": ["issues.0", "status_quo 11", "[0.0, 10.0]"],
    "min-above-max.yaml": ["issues.0", "max (0.0) must be greater than min (10.0)"],
    "bad-date.yaml": ["start", "valid date", "'2013-02-30'"],
    "deadline-before-start.yaml": ["deadline.date", "2012-12-31", "allowed: 2013-06-01 or later"],
    "top-level-list.yaml": ["top level must be a mapping", "'list'", "allowed: name, actors"],
    "empty.yaml": ["the file is empty", "allowed: a scenario"],
    "issue-without-stance.yaml": ["issues.y", "no actor takes a stance"],
    "relation-alignment.yaml": ["relations.0.alignment", "less than or equal to 1", "2"],
    "unknown-event-type.yaml": ["events.0.type", "unknown event type", "'coup'", "allowed: channel_open"],
    "event-unknown-actor.yaml": ["events.0.actor", "unknown id 'Z'", "allowed: A, B"],
    "dated-event-without-start.yaml": ["events.0.date", "needs the scenario's `start`"],
    "event-bad-date.yaml": ["events.0.date", "valid date", "'2013-13-01'"],
    "event-shift-out-of-range.yaml": ["events.0.to", "30", "allowed: 0 to 10"],
    "event-round-negative.yaml": ["events.0.round", "greater than or equal to 0", "-1"],
    "threat-outcome-unknown-threat.yaml": ["events.0.threat", "unknown id 'zero-option'", "none is defined"],
    "channel-event-both-targets.yaml": ["events.0", "exactly one of `channel`"],
    "non-utf8.yaml": ["line 4, byte", "not UTF-8", "b'\\xe9'", "allowed: a UTF-8"],
    "json-syntax.json": ["line 1, column 58", "not valid JSON"],
    "json-salience-string.json": ["stances.A.x.salience", "valid number", "'lots'"],
    "csv-missing-column.csv": ["header row", "missing column 'salience'", "allowed: columns actor, issue"],
    "csv-non-numeric.csv": ["row 3, column position", "not a number", "'nine'", "allowed: a number"],
    "csv-duplicate-row.csv": [
        "row 4",
        "second row for actor 'A' on issue 'x'",
        "one row per actor and issue",
    ],
    "csv-two-capabilities.csv": [
        "row 3, column capability",
        "two capabilities",
        "3.0",
        "allowed: the same value",
    ],
    "csv-empty-actor.csv": ["row 3, column actor", "empty actor"],
    "csv-salience-out-of-range.csv": ["row 3, column salience", "less than or equal to 100", "150"],
    "csv-header-only.csv": ["no rows", "one row per actor and issue"],
    "csv-non-utf8.csv": ["line 3, byte 53", "not UTF-8"],
    "ktab-wrong-field-count.csv": ["line 4", "wrong number of fields", "(got 6)", "allowed: 7 fields"],
    "ktab-non-numeric.csv": ["line 4, field 3", "not a number", "'twenty'"],
    "ktab-actor-count.csv": ["line 1, field 3", "(got 2)", "allowed: 3 actor rows"],
    "ktab-bad-dimension-count.csv": ["line 1, field 4", "'two'", "allowed: an integer"],
    "ktab-saliences-over-100.csv": ["line 3", "actor A1 sum to more than 100", "110", "at most 100"],
    "ktab-malformed.xml": ["line 2, column 32", "not well-formed XML (mismatched tag)"],
    "ktab-wrong-root.xml": ["root element", "'Model'", "allowed: Scenario"],
    "ktab-missing-salience.xml": ["Actor[1] (A)", "Salience.dSal", "(got 1)", "allowed: 2"],
    "unsupported.txt": ["unsupported file type", "'.txt'", "allowed: .yaml"],
    "not-a-workbook.xlsx": ["not an Excel workbook", "allowed: an .xlsx workbook"],
}


def test_corpus_is_complete():
    """Every file in the corpus has its expectation, and vice versa (no silently skipped case)."""
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(EXPECTED)
    assert len(EXPECTED) >= 20


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_gives_one_clear_error(name):
    path = BROKEN / name
    with pytest.raises(ScenarioError) as info:
        load(path)
    message = str(info.value)
    assert message.startswith(str(path) + ": "), message
    assert "\n" not in message
    for fragment in EXPECTED[name]:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def test_missing_file_and_unknown_example():
    with pytest.raises(ScenarioError, match="no such file or shipped example.*'nowhere.yaml'"):
        load("nowhere.yaml")


# ---- atomic writes --------------------------------------------------------------------------------


def test_failing_write_keeps_old_file(tmp_path):
    target = tmp_path / "s.txt"
    target.write_text("old content", encoding="utf-8")

    def half_then_fail(tmp: Path) -> None:
        tmp.write_text("half of the new", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, half_then_fail)
    assert target.read_text(encoding="utf-8") == "old content"
    assert [p.name for p in tmp_path.iterdir()] == ["s.txt"]  # no temporary file left behind


def test_atomic_write_text_replaces_content(tmp_path):
    target = tmp_path / "sub" / "s.txt"
    atomic_write_text(target, "first")
    atomic_write_text(target, "second")
    assert target.read_text(encoding="utf-8") == "second"
    assert [p.name for p in target.parent.iterdir()] == ["s.txt"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_failing_table_save_keeps_old_scenario(tmp_path, monkeypatch, suffix):
    target = tmp_path / f"ec{suffix}"
    save(accord.load("ec-emissions"), target)
    before = target.read_bytes()

    def broken_writer(frame, path, suffix):
        path.write_bytes(b"partial")
        raise RuntimeError("writer crashed")

    monkeypatch.setattr(table_module, "write_frame", broken_writer)
    with pytest.raises(RuntimeError, match="writer crashed"):
        save(accord.load("afghanistan-2013"), target)
    assert target.read_bytes() == before
    assert load(target).name == "ec-emissions"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_unsupported_output_type_writes_nothing(tmp_path):
    with pytest.raises(ScenarioError, match=r"unsupported output type.*'\.toml'.*allowed: \.yaml"):
        save(accord.load("ec-emissions"), tmp_path / "s.toml")
    assert list(tmp_path.iterdir()) == []
