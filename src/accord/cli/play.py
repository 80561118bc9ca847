"""`accord play`: sit in one party's chair against the agents model's strategies (game/).

Each round shows what the seat sees and reads one decision (game/dialogue.py). Over a terminal the
prompts are Rich's (with line editing); over a plain pipe the commands are read line by line and
echoed, so a file of commands is a scripted game. The game is saved after every decision, and on
end of input, ``quit`` or Ctrl-C, to ``--save`` (default: SCENARIO-ACTOR-seedN.game.json here);
``--resume FILE`` plays on from it and ``--replay RUN`` (a run id from the store, or a saved game)
plays a finished game again to identical tables.
"""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .analysis import NoStoreOpt, StoreOpt, open_store
from .app import app, checked_seed, console, fail_on_errors

if TYPE_CHECKING:
    from ..game.core import Game


def _seed(value: int | None) -> int | None:
    """--seed checked like every other seed, but left None when not given (a saved game has its own)."""
    return None if value is None else checked_seed(value)


@app.command()
@fail_on_errors
def play(
    scenario: Annotated[
        str | None,
        typer.Argument(help="A scenario file or shipped example name (not with --resume/--replay)."),
    ] = None,
    actor: Annotated[str | None, typer.Option("--as", help="The actor id you play.")] = None,
    seed: Annotated[
        int | None,
        typer.Option(callback=_seed, help="Seed of the random generator (a new game; default 0)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder for the finished game's tables (as `accord run`)."),
    ] = None,
    save: Annotated[
        Path | None, typer.Option("--save", help="Save file of the game (written each round).")
    ] = None,
    resume: Annotated[Path | None, typer.Option("--resume", help="Play on from a saved game.")] = None,
    replay_: Annotated[
        str | None,
        typer.Option("--replay", help="Replay a finished game: a run id (`accord runs list`) or a file."),
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="Agents model parameter key=value (repeatable).")
    ] = None,
    store: StoreOpt = None,
    no_store: NoStoreOpt = False,
) -> None:
    """Play one party of a scenario against the model's agents; type `help` at the prompt."""
    from ..game.core import Game, GameError
    from ..game.saved import finish, load_game, load_run, replay
    from ..game.screen import end_screen
    from ..models import parse_params

    if sum(x is not None for x in (scenario, resume, replay_)) != 1:
        raise GameError("give exactly one of SCENARIO (a new game), --resume FILE or --replay RUN")
    if scenario is None:  # a saved game carries its seat, seed and parameters: nothing may be ignored
        given = [name for name, v in (("--as", actor), ("--seed", seed), ("--param", param)) if v]
        if given or seed is not None:
            raise GameError(
                f"{', '.join(given or ['--seed'])}: a saved game keeps its own seat, seed and parameters; "
                "allowed: leave them out with --resume/--replay (start a new game to change them)"
            )
    if replay_ is not None:
        run_id = replay_.removeprefix("r")
        if run_id.isdigit() and not Path(replay_).exists():  # `accord runs list` shows ids as r12
            with open_store(store, False) as st:
                assert st is not None  # open_store yields a store unless told not to
                game = load_run(st, int(run_id))
        else:
            game = load_game(replay_)
        result = replay(game)
        with open_store(store, True) as none:
            comparison, files, _ = finish(game, result, out, none)
        console.print(end_screen(game, result.info["outcome"], comparison))
        _wrote(files)
        return
    if resume is not None:
        game = load_game(resume)
        path = save or resume
    else:
        from ..scenario import load

        if actor is None:
            raise GameError("--as: which actor do you play? allowed: an actor id of the scenario")
        sc = load(scenario or "")
        seed = 0 if seed is None else seed
        game = Game(sc, actor, seed, [], parse_params(param or []))
        path = save or Path(f"{sc.name}-{game.actor}-seed{seed}.game.json")
    result = _loop(game, path)
    if result is None:
        return
    with open_store(store, no_store) as st:
        comparison, files, run_id = finish(game, result, out, st)
    console.print(end_screen(game, result.info["outcome"], comparison))
    _wrote(files)
    if run_id is not None:
        console.print(f"recorded as run {run_id}; replay it with: accord play --replay {run_id}")


def _loop(game: "Game", path: Path):
    """Round after round until the talks end (the Result) or the player stops (None, game saved)."""
    from ..game.core import Turn
    from ..game.dialogue import Dialogue, Stop
    from ..game.saved import save_game
    from ..game.screen import round_screen

    save_game(game, path)
    turn = None

    def saver(where: str | None) -> str:
        return str(save_game(game, where or path))

    dialogue = Dialogue(game, _ask, lambda text: console.print(text, highlight=False, markup=False), saver)
    dialogue.show = lambda: console.print(round_screen(game, turn)) if turn is not None else None
    try:
        while True:
            turn = game.advance()
            if not isinstance(turn, Turn):
                save_game(game, path)
                return turn
            console.print(round_screen(game, turn))
            game.decisions.append(dialogue.decide(turn))
            save_game(game, path)
    except (EOFError, Stop, KeyboardInterrupt) as why:
        save_game(game, path)
        reason = {EOFError: "input ended", Stop: "stopped"}.get(type(why), "interrupted")
        console.print(
            f"\n{reason}: game saved to {path} ({len(game.decisions)} round(s) decided); "
            f"play on with: accord play --resume {path}",
            highlight=False,
        )
        if isinstance(why, KeyboardInterrupt):
            raise typer.Exit(code=130) from None
        return None


def _ask(prompt: str) -> str:
    """A line from the player: Rich's prompt on a terminal, else the next line of the pipe, echoed."""
    if sys.stdin.isatty():
        return console.input(prompt)
    console.print(prompt, end="", highlight=False, markup=False)
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    console.print(line.rstrip("\n"), highlight=False, markup=False)
    return line


def _wrote(files: list[Path]) -> None:
    if files:
        console.print("wrote " + ", ".join(str(f) for f in files), highlight=False)
