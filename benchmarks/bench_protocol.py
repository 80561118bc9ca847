"""The NegMAS benchmark game: bilateral, time-based Boulware vs Conceder, three issues of ten values
each (1,000 outcomes), linear additive utilities, a 100-round deadline.

Prints ms per negotiation and µs per round for accord's single-run engine (the engine alone and the
whole ``AgentsModel.run`` with its tables), negotiations per second for the batch engine, and the
ratios to NegMAS 0.16's published figures on this machine class (13.95 ms per negotiation, 244 µs
per round). When the optional ``negmas`` package is importable (AGPL: a benchmark-only extra,
never a runtime dependency) it plays the same game in this process and prints the measured ratio.

Run: PYTHONPATH=src python benchmarks/bench_protocol.py
"""

from __future__ import annotations

import time

import numpy as np

from accord.models.agents import AgentsModel
from accord.models.agents.batch import play_batch
from accord.models.agents.events import sample_schedule
from accord.models.agents.setup import prepare
from accord.models.agents.single import play_one
from accord.scenario import Scenario, to_arrays

NEGMAS_MS, NEGMAS_US_PER_ROUND, ROUNDS = 13.95, 244.0, 100
WEIGHTS = {"A": (50, 30, 20), "B": (20, 30, 50)}


def game() -> Scenario:
    """Issues valued 0..9; A wants 9 everywhere, B 0, with opposite priorities; no-deal worth 0."""
    ideal = {"A": 9, "B": 0}
    params = {"A": {"strategy": "boulware", "exponent": 0.2, "reservation": 0.0},
              "B": {"strategy": "conceder", "exponent": 5.0, "reservation": 0.0}}
    return Scenario.model_validate({
        "name": "negmas-benchmark", "deadline": {"rounds": ROUNDS},
        "actors": [{"id": a, "capability": 1, "params": params[a]} for a in ideal],
        "issues": [{"id": f"i{k}", "min": 0, "max": 9} for k in range(3)],
        "stances": {a: {f"i{k}": {"position": ideal[a], "salience": WEIGHTS[a][k]} for k in range(3)} for a in ideal},
    })


def best_of(fn, repeat: int = 5, number: int = 50) -> float:
    """Seconds per call, best of ``repeat`` timings of ``number`` calls."""
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def accord_figures(sc: Scenario) -> dict[str, float]:
    model = AgentsModel()
    arrays = to_arrays(sc)
    rng = np.random.default_rng(0)

    def engine() -> int:
        setting, st, events = prepare(sc, arrays, "linear", ROUNDS)
        rec = play_one(setting, st, events, sample_schedule(events, setting.rounds, 1, rng), model.rules)
        return rec.last_round + 1

    rounds = engine()
    one = best_of(engine)
    full = best_of(lambda: model.run(sc, 0), number=10)
    draws = 10_000
    many = arrays.with_values(capability=np.broadcast_to(arrays.capability, (draws, 2)),
                              position=np.broadcast_to(arrays.position, (draws, 2, 3)),
                              salience=np.broadcast_to(arrays.salience, (draws, 2, 3)))

    def batch() -> None:
        setting, st, events = prepare(sc, many, "linear", ROUNDS)
        play_batch(setting, st, events, sample_schedule(events, setting.rounds, draws, rng), model.rules)

    batched = best_of(batch, repeat=3, number=1)
    return {"rounds": rounds, "engine_s": one, "run_s": full, "batch_per_s": draws / batched}


def negmas_figures() -> dict[str, float] | None:
    try:
        from negmas import AspirationNegotiator, SAOMechanism, make_issue
        from negmas.preferences import LinearAdditiveUtilityFunction as LUF
    except Exception:
        return None
    issues = [make_issue(10, f"i{k}") for k in range(3)]

    def ufun(agent: str, up: bool):
        w = np.array(WEIGHTS[agent], float) / sum(WEIGHTS[agent])
        values = {f"i{k}": {v: (v if up else 9 - v) / 9 for v in range(10)} for k in range(3)}
        return LUF(values=values, weights=dict(zip(values, w)), issues=issues)

    def play() -> int:
        m = SAOMechanism(issues=issues, n_steps=ROUNDS)
        m.add(AspirationNegotiator(aspiration_type="boulware", name="A"), preferences=ufun("A", True))
        m.add(AspirationNegotiator(aspiration_type="conceder", name="B"), preferences=ufun("B", False))
        return m.run().step

    steps = play()
    return {"rounds": steps, "negotiation_s": best_of(play, repeat=3, number=5)}


def main() -> None:
    sc = game()
    a = accord_figures(sc)
    print(f"accord single-run engine: {a['engine_s'] * 1e3:.3f} ms per negotiation ({a['rounds']} rounds, "
          f"{a['engine_s'] / a['rounds'] * 1e6:.2f} µs per round); "
          f"{NEGMAS_MS / (a['engine_s'] * 1e3):.0f}x NegMAS 0.16's published {NEGMAS_MS} ms, "
          f"{NEGMAS_US_PER_ROUND / (a['engine_s'] / a['rounds'] * 1e6):.0f}x its {NEGMAS_US_PER_ROUND:.0f} µs per round")
    print(f"accord AgentsModel.run with history, offers and events tables: {a['run_s'] * 1e3:.2f} ms per negotiation "
          f"({NEGMAS_MS / (a['run_s'] * 1e3):.1f}x NegMAS published)")
    print(f"accord batch engine: {a['batch_per_s']:,.0f} negotiations per second (10,000 draws, {ROUNDS}-round deadline)")
    n = negmas_figures()
    if n is None:
        print("negmas is not importable: no same-process comparison (pip install negmas, benchmark only)")
        return
    print(f"NegMAS measured here: {n['negotiation_s'] * 1e3:.2f} ms per negotiation ({n['rounds']} steps); "
          f"accord engine is {n['negotiation_s'] / a['engine_s']:.0f}x faster, "
          f"batch {a['batch_per_s'] * n['negotiation_s']:.0f}x NegMAS's negotiations per second")


if __name__ == "__main__":
    main()
