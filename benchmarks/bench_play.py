"""`accord play` speed: the cost of one round (a replay from the seed) and of a whole game.

A game advances by replaying the engine from the seed with the recorded decisions (game/core.py), so
the wait after a decision in round t is one engine run of t + 1 rounds with the seat's policy, and a
whole game of R rounds costs about R^2 / 2 rounds of play. This measures both on afghanistan-2013 as
AFG (82 rounds), and one step of the browser's API (replay, the new decision, the round and its
charts with a 200-draw P(agreement) Monte Carlo).

Run: PYTHONPATH=src python benchmarks/bench_play.py
"""

from __future__ import annotations

import time

from accord.game.core import Decision, Game, Turn
from accord.scenario import load
from accord.web.play import play


def main() -> None:
    scenario = load("afghanistan-2013")
    game = Game(scenario, "AFG", 0)
    waits: dict[int, float] = {}
    start = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        out = game.advance()
        if not isinstance(out, Turn):
            break
        waits[out.view.round] = time.perf_counter() - t0
        game.decisions.append(Decision(out.view.round, auto=True))
    whole = time.perf_counter() - start
    for r in (0, 20, 40, 60, 81):
        print(f"round {r:2d}: {waits[r] * 1000:6.0f} ms to replay and pause")
    print(f"a whole game of {len(game.decisions)} rounds: {whole:.1f} s")
    data = scenario.model_dump(mode="json", exclude_none=True)
    decisions = [d.to_json() for d in game.decisions[:40]]
    t0 = time.perf_counter()
    reply = play(data, "AFG", 0, decisions, {"action": "reject"}, 200)
    print(f"one browser step in round 40 (status {reply.status}): {time.perf_counter() - t0:.2f} s")
    t0 = time.perf_counter()
    reply = play(data, "AFG", 0, decisions + [{"round": 40}], {"action": "reject"}, 200)
    print(f"the next step (no new event: the Monte Carlo is reused): {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
