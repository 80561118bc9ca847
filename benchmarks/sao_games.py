"""The seeded SAOP benchmark games, played by accord and (when installed) by NegMAS 0.16.

Each game is the NegMAS benchmark game (two parties, three issues valued 0..9, so 1,000 outcomes,
linear additive utilities, a 100-step deadline) with its numbers drawn from the game's seed: each
party's ideal on each issue (0 or 9, so values rise or fall linearly), its saliences (uniform on
1..100 at full precision: rounded saliences make exact ties between outcomes, e.g. 69.91 = 20.14 +
7 x 7.11, which NegMAS breaks by NumPy's unstable sort order and accord by outcome order), its
negotiator (NegMAS's
``AspirationNegotiator`` with aspiration ``"boulware"`` or ``"conceder"``; in accord ``exponent``
0.25 or 4) and its reservation value (0 half the time, else uniform on 0..0.6, three decimals).

NegMAS is given the very numbers accord computes with: the per-issue values ``1 - |v - ideal| / 9``
and the weights ``salience / sum(salience)`` as accord forms them, so both sides play one game.
"""

from __future__ import annotations

import csv
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from accord.models.agents import AgentsModel, sao, sao_run
from accord.scenario import Scenario, to_arrays

TARGET_RATIO, TARGET_PER_S = 150, 20_000
TABLE = Path(__file__).resolve().parent.parent / "tests" / "data" / "negmas_sao_games.csv"

STEPS, ISSUES, VALUES = 100, 3, 10
TYPES = {"boulware": 0.25, "conceder": 4.0}  # NegMAS aspiration type -> accord exponent (1 / NegMAS's)
SPACE = sao.Outcomes(tuple(np.arange(float(VALUES)) for _ in range(ISSUES)))
COLUMNS = [
    "seed",
    *(f"{p}_{f}" for p in "AB" for f in ("type", "reservation", "ideal", "salience")),
    "steps",
    "agreement",
]


def draw(seed: int) -> dict[str, Any]:
    rng = np.random.default_rng([2026, seed])
    game: dict[str, Any] = {"seed": seed}
    for p in "AB":
        game[f"{p}_type"] = str(rng.choice(list(TYPES)))
        game[f"{p}_reservation"] = 0.0 if rng.random() < 0.5 else round(float(rng.uniform(0, 0.6)), 3)
        game[f"{p}_ideal"] = [float(x) for x in rng.choice([0.0, 9.0], ISSUES)]
        game[f"{p}_salience"] = [float(x) for x in rng.uniform(1, 100, ISSUES)]
    return game


def scenario(game: dict[str, Any]) -> Scenario:
    strategy = {"boulware": "boulware", "conceder": "conceder"}
    return Scenario.model_validate(
        {
            "name": f"sao-game-{game['seed']}",
            "deadline": {"rounds": STEPS},
            "actors": [
                {
                    "id": p,
                    "capability": 1,
                    "params": {
                        "strategy": strategy[game[f"{p}_type"]],
                        "exponent": TYPES[game[f"{p}_type"]],
                        "reservation": game[f"{p}_reservation"],
                    },
                }
                for p in "AB"
            ],
            "issues": [{"id": f"i{k}", "min": 0, "max": VALUES - 1} for k in range(ISSUES)],
            "stances": {
                p: {
                    f"i{k}": {"position": game[f"{p}_ideal"][k], "salience": game[f"{p}_salience"][k]}
                    for k in range(ISSUES)
                }
                for p in "AB"
            },
        }
    )


def batch_inputs(games: list[dict[str, Any]]) -> tuple[Any, np.ndarray, np.ndarray]:
    """The arrays of every game with a leading game axis, its exponents and reservation values."""
    arrays = to_arrays(scenario(games[0]))
    arrays = arrays.with_values(
        position=np.array([[g[f"{p}_ideal"] for p in "AB"] for g in games]),
        salience=np.array([[g[f"{p}_salience"] for p in "AB"] for g in games]),
        capability=np.ones((len(games), 2)),
    )
    exponent = np.array([[TYPES[g[f"{p}_type"]] for p in "AB"] for g in games])
    reserved = np.array([[g[f"{p}_reservation"] for p in "AB"] for g in games])
    return arrays, exponent, reserved


def play_batch(sc: Scenario, arrays: Any, exponent: np.ndarray, reserved: np.ndarray) -> sao.Played:
    """accord's engine on a batch: utilities of every outcome per game, then the protocol."""
    util = sao_run.game(sc, arrays, SPACE)
    return sao.play(util, exponent, reserved, STEPS)


def outcome_text(index: int) -> str:
    return "" if index < 0 else " ".join(str(int(x)) for x in SPACE.points(index))


def negmas_player(path: str | None) -> Callable[[dict[str, Any]], tuple[int, str]] | None:
    """A function playing one game with NegMAS (its steps and agreement), or None without negmas.

    A scratch install is appended to ``sys.path`` so that accord keeps the NumPy it was tested with."""
    if path:
        sys.path.append(path)
    try:
        from negmas import AspirationNegotiator, SAOMechanism, make_issue
        from negmas.preferences import LinearAdditiveUtilityFunction as LUF
    except Exception:  # noqa: BLE001 - any failure to import the optional negmas means "not installed"
        return None

    def play(game: dict[str, Any]) -> tuple[int, str]:
        issues = [make_issue(VALUES, f"i{k}") for k in range(ISSUES)]
        mech = SAOMechanism(issues=issues, n_steps=STEPS)
        for p in "AB":
            sal = np.array(game[f"{p}_salience"])
            w = sal / sal.sum(axis=-1, keepdims=True)
            values = {
                f"i{k}": {
                    v: float(1.0 - abs(v - game[f"{p}_ideal"][k]) / (VALUES - 1)) for v in range(VALUES)
                }
                for k in range(ISSUES)
            }
            ufun = LUF(
                values=values,
                weights={f"i{k}": float(w[k]) for k in range(ISSUES)},
                issues=issues,
                reserved_value=game[f"{p}_reservation"],
            )
            mech.add(AspirationNegotiator(aspiration_type=game[f"{p}_type"], name=p), preferences=ufun)
        state = mech.run()
        return int(state.step), "" if state.agreement is None else " ".join(map(str, state.agreement))

    return play


def write_table(
    path: Path, games: list[dict[str, Any]], results: list[tuple[int, str]], version: str
) -> None:
    with path.open("w", newline="") as fh:
        fh.write(
            f"# NegMAS {version} SAOMechanism results on the seeded benchmark games, written by\n"
            "# `python benchmarks/bench_protocol.py --protocol sao --negmas DIR --write-table THIS_FILE`\n"
            "# (benchmarks/sao_games.py draws the games; steps = NegMAS's final state.step;\n"
            "# agreement = the agreed outcome as issue values i0 i1 i2, empty when none)\n"
        )
        out = csv.writer(fh)
        out.writerow(COLUMNS)
        for g, (steps, agreement) in zip(games, results, strict=False):
            out.writerow([g["seed"], *(_cell(g[c]) for c in COLUMNS[1:-2]), steps, agreement])


def _cell(value: Any) -> str:
    return " ".join(repr(v) for v in value) if isinstance(value, list) else str(value)


def read_table(path: Path) -> dict[int, tuple[dict[str, Any], int, str]]:
    """The stored NegMAS results by seed: (the game as drawn then, its steps, its agreement)."""
    rows = [r for r in path.read_text().splitlines() if not r.startswith("#")]
    out = {}
    for row in csv.DictReader(rows):
        game: dict[str, Any] = {"seed": int(row["seed"])}
        for p in "AB":
            game[f"{p}_type"] = row[f"{p}_type"]
            game[f"{p}_reservation"] = float(row[f"{p}_reservation"])
            game[f"{p}_ideal"] = [float(x) for x in row[f"{p}_ideal"].split()]
            game[f"{p}_salience"] = [float(x) for x in row[f"{p}_salience"].split()]
        out[game["seed"]] = (game, int(row["steps"]), row["agreement"])
    return out


def _best(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    wall = cpu = np.inf
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall, cpu = min(wall, time.perf_counter() - w0), min(cpu, time.process_time() - c0)
    return wall, cpu


def main(args: Any) -> None:
    games = [draw(s) for s in range(args.games)]
    scenarios = [scenario(g) for g in games]
    model = AgentsModel(protocol="sao")
    played: list[sao.Played] = []

    def accord_single() -> None:
        played.clear()
        for sc in scenarios:
            played.append(sao_run.play_scenario(model, sc, to_arrays(sc))[1])

    arrays, exponent, reserved = batch_inputs(games)
    batch: list[sao.Played] = []
    sw, sc_ = _best(accord_single, args.repeat)
    bw, bc = _best(lambda: batch.append(play_batch(scenarios[0], arrays, exponent, reserved)), args.repeat)
    single = [(int(p.steps[0]), outcome_text(int(p.outcome[0]))) for p in played]
    batched = [
        (int(s), outcome_text(int(o))) for s, o in zip(batch[-1].steps, batch[-1].outcome, strict=False)
    ]
    n = len(games)
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {n:,} seeded SAOP games "
        f"({ISSUES} issues x {VALUES} values, {STEPS} steps); minima over {args.repeat} repeats, wall / CPU"
    )
    print(
        f"accord single-run (setup from the scenario + play, one game at a time): {sw / n * 1e3:.3f} / "
        f"{sc_ / n * 1e3:.3f} ms per negotiation"
    )
    print(
        f"accord batched (all {n:,} games at once): {n / bw:,.0f} / {n / bc:,.0f} negotiations per second "
        f"(target {TARGET_PER_S:,})"
    )
    print(
        f"single-run and batched outcomes agree in {sum(a == b for a, b in zip(single, batched, strict=False)):,} / {n:,} games"
    )
    player = negmas_player(args.negmas)
    if player is None:
        stored = read_table(TABLE)
        same = [s for s, g in enumerate(games) if s in stored and stored[s][0] == g]
        agree = sum(single[s] == stored[s][1:] for s in same)
        print(
            f"negmas is not importable: against the stored NegMAS table ({TABLE.name}), "
            f"{agree:,} / {len(same):,} games have the same round count and agreement"
        )
        return
    import negmas

    results, wall, cpu = [], [], []
    for g in games:
        w0, c0 = time.perf_counter(), time.process_time()
        results.append(player(g))
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    agree = sum(a == b for a, b in zip(single, results, strict=False))
    nw, nc = float(np.median(wall)), float(np.median(cpu))
    print(
        f"NegMAS {negmas.__version__} in this process: {agree:,} / {n:,} games with the same round count and "
        f"agreement; {nw * 1e3:.2f} / {nc * 1e3:.2f} ms per negotiation (median over the games)"
    )
    for s, (a, b) in enumerate(zip(single, results, strict=False)):
        if a != b:
            print(f"  game {s}: accord {a}, NegMAS {b}")
    print(
        f"  accord single-run is {nw / (sw / n):.0f}x / {nc / (sc_ / n):.0f}x NegMAS per negotiation "
        f"(target {TARGET_RATIO}x); batched {nw * n / bw:,.0f}x / {nc * n / bc:,.0f}x its negotiations per second"
    )
    if args.write_table:
        write_table(Path(args.write_table), games, results, negmas.__version__)
        print(f"wrote {args.write_table}")
