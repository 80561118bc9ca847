"""The NegMAS benchmark game: bilateral, time-based Boulware vs Conceder, three issues of ten values
each (1,000 outcomes), linear additive utilities, a 100-round deadline.

``--protocol sao`` (games and checks in sao_games.py) plays 1,000 seeded variants of the game under NegMAS's stacked
alternating offers protocol, checks accord's round count and agreement against NegMAS's game by
game (in this process when negmas is importable, else against the stored table
tests/data/negmas_sao_games.csv) and prints the speed ratio on identical games.

``--protocol accord`` (the default) times accord's own protocol on the one game. It prints, for accord's single-run engine (setting up from the scenario and playing; and the whole
``AgentsModel.run`` with its tables), ms per negotiation and µs per round; for the batch engine,
negotiations per second; and the ratios to NegMAS 0.16's published figures on this machine class
(13.95 ms per negotiation, 244 µs per round). Every figure is the minimum over repeats, both in wall
time and in process CPU time (on a shared machine the CPU time is the steadier of the two), with
the figures timed in turn so that a changing load affects them alike.

NegMAS (AGPL) is never a dependency. To play the same game with it in this process and print the
measured ratio, install it into a scratch folder (``pip install --target /tmp/negmas_env negmas``)
and pass ``--negmas /tmp/negmas_env`` (or set ``ACCORD_NEGMAS_PATH``); an importable negmas is used
as is.

Run: PYTHONPATH=src python benchmarks/bench_protocol.py [--protocol accord|sao] [--negmas PATH]
     [--draws N] [--repeat R] [--games N] [--write-table CSV]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable

import numpy as np

from accord.models.agents import AgentsModel
from accord.models.agents.batch import play_batch
from accord.models.agents.events import sample_schedule
from accord.models.agents.setup import prepare
from accord.models.agents.single import play_one
from accord.scenario import Scenario, to_arrays

NEGMAS_MS, NEGMAS_US_PER_ROUND, ROUNDS = 13.95, 244.0, 100
TARGET_RATIO, TARGET_PER_S = 50, 10_000
WEIGHTS = {"A": (50, 30, 20), "B": (20, 30, 50)}


def game() -> Scenario:
    """Issues valued 0..9; A wants 9 everywhere, B 0, with opposite priorities; no-deal worth 0."""
    ideal = {"A": 9, "B": 0}
    params = {
        "A": {"strategy": "boulware", "exponent": 0.2, "reservation": 0.0},
        "B": {"strategy": "conceder", "exponent": 5.0, "reservation": 0.0},
    }
    return Scenario.model_validate(
        {
            "name": "negmas-benchmark",
            "deadline": {"rounds": ROUNDS},
            "actors": [{"id": a, "capability": 1, "params": params[a]} for a in ideal],
            "issues": [{"id": f"i{k}", "min": 0, "max": 9} for k in range(3)],
            "stances": {
                a: {f"i{k}": {"position": ideal[a], "salience": WEIGHTS[a][k]} for k in range(3)}
                for a in ideal
            },
        }
    )


def best_of(fn: Callable[[], object], repeat: int, number: int) -> tuple[float, float]:
    """Seconds per call (wall, CPU), each the best of ``repeat`` timings of ``number`` calls."""
    wall = cpu = np.inf
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        for _ in range(number):
            fn()
        wall = min(wall, (time.perf_counter() - w0) / number)
        cpu = min(cpu, (time.process_time() - c0) / number)
    return wall, cpu


def interleaved(
    fns: dict[str, tuple[Callable[[], object], int]], repeat: int
) -> dict[str, tuple[float, float]]:
    """``best_of`` for several functions timed in turn, so a machine whose load changes over the
    run slows them alike and their ratios stay fair."""
    best = {name: (np.inf, np.inf) for name in fns}
    for _ in range(repeat):
        for name, (fn, number) in fns.items():
            wall, cpu = best_of(fn, 1, number)
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    return best


def accord_game(sc: Scenario, draws: int) -> dict[str, tuple[Callable[[], object], int]]:
    """What to time for accord: the engine (setup + play), setup alone, ``run`` and the batch."""
    model = AgentsModel()
    arrays = to_arrays(sc)
    rng = np.random.default_rng(0)

    def engine() -> int:
        setting, st, events = prepare(sc, arrays, "linear", ROUNDS)
        rec, _ = play_one(setting, st, events, sample_schedule(events, setting.rounds, 1, rng), model.rules)
        return rec.last_round + 1

    many = arrays.with_values(
        capability=np.broadcast_to(arrays.capability, (draws, 2)),
        position=np.broadcast_to(arrays.position, (draws, 2, 3)),
        salience=np.broadcast_to(arrays.salience, (draws, 2, 3)),
    )

    def batch() -> None:
        setting, st, events = prepare(sc, many, "linear", ROUNDS)
        play_batch(setting, st, events, sample_schedule(events, setting.rounds, draws, rng), model.rules)

    return {
        "engine": (engine, 100),
        "setup": (lambda: prepare(sc, arrays, "linear", ROUNDS), 100),
        "run": (lambda: model.run(sc, 0), 10),
        "batch": (batch, 1),
    }


def negmas_game(path: str | None) -> Callable[[], int] | None:
    """One NegMAS negotiation of the same game (returns its steps), or None without negmas."""
    if path:
        sys.path.append(path)  # after accord's own packages, so accord keeps its NumPy
    try:
        from negmas import AspirationNegotiator, SAOMechanism, make_issue
        from negmas.preferences import LinearAdditiveUtilityFunction as LUF
    except Exception:
        return None
    issues = [make_issue(10, f"i{k}") for k in range(3)]

    def ufun(agent: str, up: bool):
        w = np.array(WEIGHTS[agent], float) / sum(WEIGHTS[agent])
        values = {f"i{k}": {v: (v if up else 9 - v) / 9 for v in range(10)} for k in range(3)}
        return LUF(values=values, weights=dict(zip(values, w, strict=False)), issues=issues)

    def play() -> int:
        m = SAOMechanism(issues=issues, n_steps=ROUNDS)
        m.add(AspirationNegotiator(aspiration_type="boulware", name="A"), preferences=ufun("A", True))
        m.add(AspirationNegotiator(aspiration_type="conceder", name="B"), preferences=ufun("B", False))
        return m.run().step

    return play


MC_DRAWS = 4_000
TARGET_MC_PER_S = 1_000


def montecarlo_speed() -> tuple[float, float]:
    """Wall and CPU seconds of a serial Monte Carlo of the agents model on the flagship (after a warm-up)."""
    from accord.analysis.montecarlo import monte_carlo
    from accord.models import make_model
    from accord.scenario import load

    scenario, model = load("afghanistan-2013"), make_model("agents")
    monte_carlo(scenario, model, draws=500, seed=1)
    wall, cpu = time.perf_counter(), time.process_time()
    monte_carlo(scenario, model, draws=MC_DRAWS, seed=1)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--negmas",
        default=os.environ.get("ACCORD_NEGMAS_PATH"),
        help="folder holding a scratch install of negmas (benchmark only; AGPL)",
    )
    parser.add_argument("--draws", type=int, default=10_000, help="negotiations in the batch")
    parser.add_argument("--repeat", type=int, default=7, help="timings per figure (the best is shown)")
    parser.add_argument(
        "--protocol",
        choices=("accord", "sao"),
        default="accord",
        help="accord's own protocol on the one game, or SAOP on the seeded games",
    )
    parser.add_argument("--games", type=int, default=1000, help="seeded games (--protocol sao)")
    parser.add_argument(
        "--write-table",
        default=None,
        help="write NegMAS's results to this CSV (--protocol sao, needs negmas)",
    )
    args = parser.parse_args()
    if args.protocol == "sao":
        from sao_games import main as sao_main

        sao_main(args)
        return
    fns = accord_game(game(), args.draws)
    rounds = fns["engine"][0]()
    negmas = negmas_game(args.negmas)
    if negmas is not None:
        steps = negmas()
        fns["negmas"] = (negmas, 3)
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; minima over {args.repeat} repeats "
        "timed in turn, wall / CPU"
    )
    t = interleaved(fns, args.repeat)
    (ew, ec), (sw, sc_), (rw, rc), (bw, bc) = t["engine"], t["setup"], t["run"], t["batch"]
    print(
        f"accord single-run engine (setup + play): {ew * 1e3:.3f} / {ec * 1e3:.3f} ms per negotiation "
        f"({rounds} rounds: {ew / rounds * 1e6:.2f} / {ec / rounds * 1e6:.2f} µs per round; setup alone "
        f"{sw * 1e3:.3f} / {sc_ * 1e3:.3f} ms)"
    )
    print(
        f"  vs NegMAS 0.16 published ({NEGMAS_MS} ms, {NEGMAS_US_PER_ROUND:.0f} µs per round): "
        f"{NEGMAS_MS / (ew * 1e3):.0f}x / {NEGMAS_MS / (ec * 1e3):.0f}x per negotiation, "
        f"{NEGMAS_US_PER_ROUND / (ew / rounds * 1e6):.0f}x / {NEGMAS_US_PER_ROUND / (ec / rounds * 1e6):.0f}x "
        f"per round (target {TARGET_RATIO}x: <= {NEGMAS_MS / TARGET_RATIO:.2f} ms)"
    )
    print(
        f"accord AgentsModel.run with history, offers and events tables: {rw * 1e3:.2f} / {rc * 1e3:.2f} ms "
        f"({NEGMAS_MS / (rw * 1e3):.1f}x / {NEGMAS_MS / (rc * 1e3):.1f}x NegMAS published)"
    )
    print(
        f"accord batch engine: {args.draws / bw:,.0f} / {args.draws / bc:,.0f} negotiations per second "
        f"({args.draws:,} draws, {ROUNDS}-round deadline; target {TARGET_PER_S:,})"
    )
    mc_wall, mc_cpu = montecarlo_speed()
    print(
        f"Monte Carlo on afghanistan-2013 (serial, {MC_DRAWS:,} draws): {MC_DRAWS / mc_wall:,.0f} / "
        f"{MC_DRAWS / mc_cpu:,.0f} draws per second (target {TARGET_MC_PER_S:,})"
    )
    if negmas is None:
        print("negmas is not importable: no same-process comparison (see --negmas)")
        return
    nw, nc = t["negmas"]
    print(
        f"NegMAS measured here: {nw * 1e3:.2f} / {nc * 1e3:.2f} ms per negotiation ({steps} steps; "
        f"{nw * 1e3 / NEGMAS_MS:.1f}x / {nc * 1e3 / NEGMAS_MS:.1f}x its published time)"
    )
    print(
        f"  accord engine is {nw / ew:.0f}x / {nc / ec:.0f}x faster per negotiation, "
        f"{nw / steps / (ew / rounds):.0f}x / {nc / steps / (ec / rounds):.0f}x per round; "
        f"batch {args.draws / bw * nw:.0f}x / {args.draws / bc * nc:.0f}x NegMAS's negotiations per second"
    )


if __name__ == "__main__":
    main()
