"""Games on disk and in the run store: save and resume, finish and record, replay.

A saved game is one JSON file (written atomically, accord/files.py): the scenario itself (so a game
on an edited scenario file replays without it), the seat, the seed, the model's parameters and the
decisions. A finished game is written like ``accord run`` output (models/output.py: forecast.csv,
history.csv, offers.csv, events.csv, outcome.json, run.json), with the comparison and the game file
beside it, and recorded in the run store (kind ``play``) with everything needed to replay it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..analysis.store import RunInfo, RunStore, jsonable
from ..files import atomic_write_text
from ..models.base import Result
from ..models.output import write_result
from ..scenario.schema import Scenario
from .core import Decision, Game, GameError, Turn

FORMAT = "accord-game"
VERSION = 1


def game_data(game: Game) -> dict[str, Any]:
    """The game as JSON-ready data."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "scenario": game.scenario.model_dump(mode="json", exclude_none=True),
        "actor": game.actor,
        "seed": game.seed,
        "params": jsonable(game.params),
        "decisions": [d.to_json() for d in game.decisions],
    }


def from_data(data: Any, where: str) -> Game:
    """A game from its data (GameError naming ``where`` and the field when it is not one)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise GameError(f"{where}: not a saved accord game; allowed: a file written by `accord play`")
    if data.get("version") != VERSION:
        raise GameError(f"{where}: game format version {data.get('version')!r}; allowed: {VERSION}")
    try:
        scenario = Scenario.model_validate(data["scenario"])
        decisions = [
            Decision.from_json(d, f"{where}: decisions.{k}") for k, d in enumerate(data["decisions"])
        ]
        return Game(
            scenario, str(data["actor"]), int(data["seed"]), decisions, dict(data.get("params") or {})
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise GameError(f"{where}: a saved game needs scenario, actor, seed and decisions ({exc})") from None


def save_game(game: Game, path: str | Path) -> Path:
    """Write the game atomically (a crash leaves the previous save whole)."""
    return atomic_write_text(path, json.dumps(game_data(game), indent=1) + "\n")


def load_game(path: str | Path) -> Game:
    """Read a saved game."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise GameError(f"{path}: not JSON ({exc.msg}, line {exc.lineno}); allowed: a saved game") from None
    return from_data(data, str(path))


def load_run(store: RunStore, run_id: int) -> Game:
    """The game recorded as run ``run_id`` in the store."""
    run = store.run(run_id)
    if run["kind"] != "play":
        raise GameError(f"run {run_id} is a {run['kind']!r} run; allowed: the id of a `play` run")
    return from_data(run["results"]["game"], f"run {run_id}")


def replay(game: Game) -> Result:
    """Play the recorded decisions to the end (GameError when they stop short of it)."""
    out = game.advance()
    if isinstance(out, Turn):
        raise GameError(
            f"the saved game stops in round {out.view.round} of {out.rounds}; allowed: a finished game "
            "(resume it with --resume to play on)"
        )
    return out


def finish(
    game: Game, result: Result, out: str | Path | None, store: RunStore | None
) -> tuple[dict[str, Any], list[Path], int | None]:
    """Compare with the model's own play, write the run folder, record the run; returns what it did."""
    comparison = game.compare(result)
    result.info["comparison"] = comparison
    result.info["game"] = game_data(game)  # game.json: what --replay needs, beside the tables
    result.meta["game"] = {"actor": game.actor, "decisions": len(game.decisions)}
    files = write_result(result, out) if out is not None else []
    run_id = None
    if store is not None:
        model = game.model()
        info = RunInfo(
            "play",
            game.scenario.name,
            game.scenario.content_hash(),
            model.name,
            jsonable(model.get_params()),
            game.seed,
        )
        run_id = store.record_run(
            info,
            jsonable(
                {
                    "game": game_data(game),
                    "outcome": result.info["outcome"],
                    "comparison": comparison,
                    "forecast": result.forecast.to_dict(orient="records"),
                }
            ),
        )
    return comparison, files, run_id
