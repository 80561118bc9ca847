"""A person in one party's chair (game/): the game core, its terms in units, and every prompt's bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from accord.game.core import Decision, Game, GameError, Turn
from accord.game.dialogue import Dialogue, Stop
from accord.game.saved import load_game, replay, save_game
from accord.game.terms import parse_term
from accord.models.agents.model import AgentsModel
from accord.scenario import load

TABLE = Path(__file__).parent / "data" / "play-table.yaml"


@pytest.fixture(scope="module")
def table():
    return load(str(TABLE))


def play_out(game: Game, choose) -> object:
    """Advance the game to its end, taking ``choose(turn)`` as each round's decision."""
    while isinstance(out := game.advance(), Turn):
        game.decisions.append(choose(out))
    return out


def test_a_game_played_by_the_models_choices_is_the_models_run(table):
    game = Game(table, "KAB", 3)
    result = play_out(game, lambda turn: Decision(turn.view.round, auto=True))
    own = AgentsModel().run(table, 3)
    for name, frame in own.tables.items():
        assert frame.equals(result.tables[name]), name
    assert own.forecast.equals(result.forecast) and own.history.equals(result.history)
    assert result.info["outcome"] == own.info["outcome"]
    assert game.compare(result)["text"].endswith("the deal came in the same round (6)")


def test_what_the_seat_sees_is_what_the_engine_gives_it(table):
    turn = Game(table, "KAB", 0).advance()
    assert isinstance(turn, Turn) and turn.view.round == 0 and turn.rounds == 8
    assert set(turn.view.received) == {"USA", "TAL"}  # every direct channel is open
    assert turn.view.present == {"KAB", "USA", "TAL"}
    game = Game(table, "KAB", 0)
    # the seat's utility of its own ideal is 1, of TAL's ideal the salience-weighted distance
    assert game.utility([60, 10]) == pytest.approx(1.0)
    assert game.utility([0, 100]) == pytest.approx(1 - (80 * 0.6 + 40 * 0.9) / 120)
    assert turn.view.value["TAL"] == pytest.approx(game.utility(turn.view.received["TAL"]))


def test_player_events_are_the_scenarios_own_kinds_from_the_next_round(table):
    game = Game(table, "KAB", 0)
    game.decide(Decision(0, None, (), ({"type": "actor_leaves"},)))
    turn = game.advance()
    assert "KAB" not in turn.view.present and not turn.view.received  # away: nobody reaches it
    game.decide(Decision(1, None, (), ({"type": "actor_returns"},)))
    threat = {"type": "threat", "issue": "troops", "consequence": 0.0, "credibility": 0.9, "target": "TAL"}
    game.decide(Decision(2, None, (), (threat,)))
    assert game.live_threats() == ["you-threat-1"]
    game.decide(Decision(3, None, (), ({"type": "threat_executed", "threat": "you-threat-1"},)))
    result = play_out(game, lambda turn: Decision(turn.view.round))
    events = result.tables["events"]
    mine = events[events["description"].str.contains("(player)", regex=False)]
    assert mine[["round", "type"]].values.tolist() == [
        [1, "actor_leaves"],
        [2, "actor_returns"],
        [3, "threat"],
        [4, "threat_executed"],
    ]
    # the scenario's own events fire as in the model's run (the player's draw nothing at random)
    own = AgentsModel().run(table, 0).tables["events"]
    assert events.drop(mine.index).reset_index(drop=True).equals(own)
    # an executed threat settles its issue at the consequence for everyone (the engine's own rule)
    assert result.forecast.set_index("issue").loc["troops", "forecast"] == 0.0


def test_a_saved_game_resumes_where_it_stopped_and_replays_to_the_same_tables(table, tmp_path):
    def choose(turn):
        return Decision(turn.view.round, (float(turn.view.round * 10), 30.0))

    whole = Game(table, "USA", 7)
    done = play_out(whole, choose)
    part = Game(table, "USA", 7)
    for _ in range(3):
        part.decide(choose(part.advance()))
    save_game(part, tmp_path / "g.json")
    back = load_game(tmp_path / "g.json")
    assert back.decisions == part.decisions and back.seed == 7 and back.actor == "USA"
    with pytest.raises(GameError, match="stops in round 3 of 8"):
        replay(back)
    resumed = play_out(back, choose)
    for name in ("offers", "events"):
        assert resumed.tables[name].equals(done.tables[name])
    assert replay(whole).tables["offers"].equals(done.tables["offers"])


def test_decisions_the_round_cannot_take_are_refused(table):
    game = Game(table, "KAB", 0)
    with pytest.raises(GameError, match="waits in round 0"):
        game.decide(Decision(1))
    with pytest.raises(GameError, match="no offer from 'QAT'.*allowed: USA, TAL"):
        game.decide(Decision(0, None, ("QAT",)))
    with pytest.raises(GameError, match="you are at the table"):
        game.decide(Decision(0, None, (), ({"type": "actor_returns"},)))
    with pytest.raises(GameError, match="allowed: KAB, USA, TAL"):
        Game(table, "XX")
    for t in range(7):
        game.decide(Decision(t, (60.0, 10.0)))
    with pytest.raises(GameError, match="last round"):
        game.decide(Decision(7, None, (), ({"type": "actor_leaves"},)))


def test_terms_are_read_in_the_issues_units(table):
    troops, office = table.issues
    assert parse_term(troops, "9,000") == 45.0 and parse_term(troops, "45pt") == 45.0
    assert parse_term(troops, "20000") == 100.0
    assert parse_term(office, "talks-only") == 30.0 and parse_term(office, "EMBASSY") == 100.0
    assert parse_term(office, "55") == 55.0
    for issue, text, message in (
        (troops, "30000", "out of range; allowed: 0 to 20,000 US troops"),
        (troops, "-5pt", "out of range"),
        (troops, "lots", "not a value"),
        (troops, "nan", "not a value"),
        (office, "office", "matches several levels"),
        (office, "101", "out of range"),
        (troops, " ", "no value"),
    ):
        with pytest.raises(GameError, match=message):
            parse_term(issue, text)


class Script:
    """The player's lines, one per prompt; what the game says back."""

    def __init__(self, *lines: str) -> None:
        self.lines, self.prompts, self.said = list(lines), [], []

    def ask(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.lines:
            raise EOFError
        return self.lines.pop(0)

    def say(self, text: str) -> None:
        self.said.append(text)


BAD_LINES = [
    ("frobnicate", "unknown command 'frobnicate'"),
    ("accept", "accept: whose offer? allowed: USA, TAL"),
    ("accept QAT", "accept: 'QAT'; allowed: USA, TAL"),
    ("propose nobody", "propose BASE (or model, own, last): 'nobody'"),
    ("propose fleet=3", "unknown issue 'fleet'; allowed: troops, office"),
    ("propose troops", "propose BASE (or model, own, last): 'troops'"),
    ("propose own troops", "'troops' is not ISSUE=VALUE"),
    ("propose troops=30000", "out of range"),
    ("propose office=office", "matches several levels"),
    ("return", "you are at the table"),
    ("threat", "name one ISSUE=VALUE"),
    ("threat fleet=0", "unknown issue 'fleet'"),
    ("threat troops=0 credibility=2", "credibility '2'; allowed: a number from 0 to 1"),
    ("threat troops=0 credibility=x", "credibility 'x'"),
    ("threat troops=0 target=KAB", "threat target: 'KAB'; allowed: USA, TAL"),
    ("execute", "execute: which threat? allowed: none"),
    ("execute you-threat-9", "no live threat of yours named 'you-threat-9'"),
    ("withdraw zero-option", "no live threat of yours named 'zero-option'"),
]


def test_every_bad_line_at_the_round_prompt_gets_one_message_and_a_new_prompt(table):
    game = Game(table, "KAB", 0)
    turn = game.advance()
    script = Script(*(line for line, _ in BAD_LINES), "reject")
    decision = Dialogue(game, script.ask, script.say).decide(turn)
    assert decision == Decision(0, None)  # reject: no earlier proposal, so the model's suggestion
    errors = [s for s in script.said if s.startswith("! ")]
    assert len(errors) == len(BAD_LINES) == len(script.prompts) - 1
    for said, (_, expected) in zip(errors, BAD_LINES, strict=True):
        assert expected in said


def test_the_issue_prompts_take_units_defaults_and_refuse_bad_values(table):
    game = Game(table, "KAB", 0)
    turn = game.advance()
    script = Script(
        "propose own", "30000", "lots", "9,000", "?", "embassy-ish", "", "walkout", "propose last", "", ""
    )
    dialogue = Dialogue(game, script.ask, script.say)
    first = dialogue.decide(turn)
    assert first.propose == (45.0, 10.0)  # 9,000 troops; office kept at its default, KAB's own position
    assert (
        script.prompts[1:7]
        == ["  troops (US troops) [60.0 (12,000 US troops)]: "] * 3
        + ["  office [10.0 (between no office abroad and talks-only office)]: "] * 3
    )
    assert sum(s.startswith("! ") for s in script.said) == 3  # 30000, lots, embassy-ish
    game.decisions.append(first)
    second = dialogue.decide(game.advance())
    assert second.propose == first.propose and second.events == ({"type": "actor_leaves"},)
    game.decisions.append(second)
    script.lines += ["walkout", "accept USA", "return", "accept TAL", "reject"]
    third = dialogue.decide(game.advance())  # away: a second walk-out is refused, and nobody reaches it
    assert any("away from the table already" in s for s in script.said)
    assert any("accept: 'USA'; allowed: none this round" in s for s in script.said)
    assert any("accept: 'TAL'; allowed: none this round" in s for s in script.said)
    assert third.events == ({"type": "actor_returns"},) and third.propose == first.propose


def test_quit_and_end_of_input_leave_the_dialogue_without_a_decision(table):
    game = Game(table, "KAB", 0)
    turn = game.advance()
    with pytest.raises(Stop):
        Dialogue(game, Script("quit").ask, print).decide(turn)
    with pytest.raises(EOFError):
        Dialogue(game, Script("walkout").ask, print).decide(turn)


def test_accepting_an_offer_proposes_its_terms_and_ends_the_talks_when_it_passes(table):
    game = Game(table, "KAB", 0)
    stubborn = play_out(game, lambda turn: Decision(turn.view.round, (60.0, 10.0)))  # its ideal, never yes
    assert not stubborn.info["outcome"]["agreement"] and "KAB" in stubborn.info["outcome"]["reason"]
    game = Game(table, "KAB", 0)
    turn = game.advance()
    decision = Dialogue(game, Script("accept tal").ask, print).decide(turn)
    assert decision.accept == ("TAL",)
    np.testing.assert_array_equal(decision.propose, turn.view.received["TAL"])
