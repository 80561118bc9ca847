"""`accord play` over a plain pipe: scripted games, the tables they write, replay, resume, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from accord.cli import app

TABLE = str(Path(__file__).parent / "data" / "play-table.yaml")
TABLES = ("forecast.csv", "history.csv", "offers.csv", "events.csv")
runner = CliRunner()


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


def flat(text: str) -> str:
    """The output with Rich's line wrapping undone (a pipe is 80 columns wide)."""
    return " ".join(text.split())


def same_tables(a: Path, b: Path, names=TABLES + ("outcome.json",)) -> None:
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


# bad input at the round prompt and at an issue prompt, then a real decision, round after round
SCRIPT = """\
frobnicate
accept QAT
propose fleet=1
propose troops=30000
return
threat troops=0 credibility=7
execute nothing
propose own
25000
8,000

reject
threat troops=0 target=TAL credibility=0.8
reject
execute you-threat-1
reject
auto
walkout
reject
return
reject
reject
reject
"""


def test_a_scripted_game_over_a_pipe_writes_run_tables_replays_and_compares(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a finished game is also saved in the working folder
    res = invoke("play", TABLE, "--as", "KAB", "--out", str(tmp_path / "game"), input=SCRIPT)
    assert res.exit_code == 0, res.output
    assert "Traceback" not in flat(res.output)
    for message in (
        "unknown command 'frobnicate'",
        "accept: 'QAT'; allowed: USA, TAL",
        "unknown issue 'fleet'",
        "troops: 30000 is out of range; allowed: 0 to 20,000 US troops",
        "return: you are at the table",
        "credibility '7'",
        "no live threat of yours named 'nothing'",
        "troops: 25000 is out of range",
    ):
        assert message in flat(res.output), message
    assert "round 7 of 8" in flat(res.output) and "the talks are over" in flat(res.output)
    assert "where the model's KAB got" in flat(res.output)
    game = tmp_path / "game"
    events = pd.read_csv(game / "events.csv")
    assert "AFG" not in events["actors"].astype(str).tolist()
    assert events[events["description"].str.contains("(player)", regex=False)]["type"].tolist() == [
        "threat",
        "threat_executed",
        "actor_leaves",
        "actor_returns",
    ]
    offers = pd.read_csv(game / "offers.csv")
    first = offers[(offers["round"] == 0) & (offers["proposer"] == "KAB")]
    assert set(first["troops"]) == {40.0} and set(first["office"]) == {10.0}  # 8,000 troops, own office
    forecast = pd.read_csv(game / "forecast.csv").set_index("issue")
    assert forecast.loc["troops", "forecast"] == 0.0  # the executed threat put troops at its consequence
    run_id = res.output.split("recorded as run ")[1].split(";")[0]
    again = invoke("play", "--replay", run_id, "--out", str(tmp_path / "again"))
    assert again.exit_code == 0, again.output
    same_tables(game, tmp_path / "again")
    from_file = invoke("play", "--replay", str(game / "game.json"), "--out", str(tmp_path / "file"))
    assert from_file.exit_code == 0, from_file.output
    same_tables(game, tmp_path / "file")


def test_end_of_input_saves_and_resume_plays_on_to_the_same_game(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = ["propose troops=9000 office=talks-only", "reject", "accept tal", "reject", "reject"] + [
        "reject"
    ] * 4
    whole = invoke(
        "play",
        TABLE,
        "--as",
        "KAB",
        "--seed",
        "2",
        "--out",
        "whole",
        "--save",
        "w.json",
        input="\n".join(lines) + "\n",
    )
    assert whole.exit_code == 0, whole.output
    cut = invoke("play", TABLE, "--as", "KAB", "--seed", "2", input="\n".join(lines[:2]) + "\n")
    assert cut.exit_code == 0 and "input ended: game saved to play-table-KAB-seed2.game.json" in flat(
        cut.output
    )
    saved = json.loads(Path("play-table-KAB-seed2.game.json").read_text())
    assert [d["round"] for d in saved["decisions"]] == [0, 1] and saved["seed"] == 2
    quit_ = invoke("play", "--resume", "play-table-KAB-seed2.game.json", input=lines[2] + "\nquit\n")
    assert quit_.exit_code == 0 and "stopped: game saved" in flat(quit_.output)
    rest = invoke(
        "play",
        "--resume",
        "play-table-KAB-seed2.game.json",
        "--out",
        "resumed",
        input="\n".join(lines[3:]) + "\n",
    )
    assert rest.exit_code == 0, rest.output
    same_tables(Path("whole"), Path("resumed"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("play", TABLE), "--as: which actor do you play?"),
        (("play", TABLE, "--as", "QAT"), "--as: unknown actor 'QAT'"),
        (("play",), "give exactly one of SCENARIO"),
        (("play", TABLE, "--as", "KAB", "--replay", "1"), "give exactly one of SCENARIO"),
        (("play", "--replay", "999"), "no run with id 999"),
        (("play", "--resume", "missing.json"), "missing.json"),
        (("play", TABLE, "--as", "KAB", "-p", "protocol=sao"), "protocol"),
        (("play", TABLE, "--as", "KAB", "--seed", "-1"), "seed"),
        (("play", "--resume", "g.json", "--seed", "3"), "--seed: a saved game keeps its own seat, seed"),
        (("play", "--replay", "1", "--as", "KAB"), "--as: a saved game keeps its own seat"),
    ],
)
def test_bad_command_lines_get_one_message_and_exit_code_2(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = invoke(*args, input="")
    assert res.exit_code == 2, res.output
    assert message in flat(res.output) and "Traceback" not in flat(res.output)


def test_saved_games_that_are_not_games_are_refused(tmp_path):
    bad = tmp_path / "bad.json"
    for text, message in (
        ("{", "not JSON"),
        ('{"format": "other"}', "not a saved accord game"),
        ('{"format": "accord-game", "version": 9}', "version 9"),
        ('{"format": "accord-game", "version": 1, "actor": "KAB"}', "needs scenario, actor, seed"),
    ):
        bad.write_text(text)
        res = invoke("play", "--resume", str(bad), input="")
        assert res.exit_code == 2 and message in flat(res.output), res.output
    forecast = invoke("pivotal", "ec-emissions", "-m", "weighted-mean", "--json")
    assert forecast.exit_code == 0
    run_id = str(json.loads(forecast.output)["run_id"])
    res = invoke("play", "--replay", run_id)
    assert res.exit_code == 2 and "is a 'pivotal' run; allowed: the id of a `play` run" in flat(res.output)


def test_afghanistan_as_afg_to_the_deadline_writes_the_tables_of_accord_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a finished game is also saved in the working folder
    run = invoke("run", "afghanistan-2013", "-m", "agents", "--out", str(tmp_path / "run"))
    assert run.exit_code == 0, run.output
    auto = invoke(
        "play",
        "afghanistan-2013",
        "--as",
        "AFG",
        "--out",
        str(tmp_path / "auto"),
        "--no-store",
        input="auto\n" * 82,
    )
    assert auto.exit_code == 0, auto.output
    same_tables(tmp_path / "run", tmp_path / "auto")  # the model's choices in the seat: the model's run
    assert "the deal came in the same round (24)" in flat(auto.output)
    script = "propose own troops=12000\n" + "reject\n" * 81
    mine = invoke("play", "afghanistan-2013", "--as", "AFG", "--out", str(tmp_path / "mine"), input=script)
    assert mine.exit_code == 0, mine.output
    assert "round 81 of 82" in flat(mine.output) and "where the model's AFG got" in flat(mine.output)
    for name in TABLES:
        ours, theirs = (pd.read_csv(tmp_path / f / name) for f in ("mine", "run"))
        assert list(ours.columns) == list(theirs.columns), name
    offers = pd.read_csv(tmp_path / "mine" / "offers.csv")
    assert offers["round"].max() == 81  # played to the deadline
    assert set(offers[offers["proposer"] == "AFG"]["troops"]) == {60.0}
    run_id = mine.output.split("recorded as run ")[1].split(";")[0]
    again = invoke("play", "--replay", run_id, "--out", str(tmp_path / "again"))
    assert again.exit_code == 0
    same_tables(tmp_path / "mine", tmp_path / "again")
    same_tables(tmp_path / "mine", tmp_path / "again", ("comparison.json",))
