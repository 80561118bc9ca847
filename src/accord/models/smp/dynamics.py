"""The SMP's turn loop: challenges, bargains, queue resolution, ideals and the stopping rule.

Pure functions over [0,1]-scaled arrays (shared/docs/models.md §1.4 steps 0, 9-13). Each actor's queue
is ordered deterministically: its status quo first, then the bargains that involve it in the
order of their initiators (KTAB's order depends on thread timing and only matters for exact ties).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .challenge import best_challenges, challenge_probs
from .core import (
    STOP_GUARD,
    KtabRules,
    StateView,
    assess,
    distances,
    interpolate,
    pce,
    row_sums,
    sequential_sum,
    util,
    win_probabilities,
)

ONE_SUM_ELEMS = 1 << 16  # bargain values: up to this many terms, one vectorised sum


@dataclass
class Trajectory:
    """Everything a run produces, on the [0,1] scale."""

    positions: list[np.ndarray] = field(default_factory=list)  # per state, (n, m)
    win_probs: list[np.ndarray] = field(default_factory=list)  # per state, (n,)
    classes: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)  # (representatives, probs)
    risk: list[np.ndarray] = field(default_factory=list)  # per state, (n,)
    stop_ratios: list[float] = field(default_factory=list)  # per turn
    # per turn: (round, bargains, chosen)
    bargains: list[tuple[int, Bargains, np.ndarray]] = field(default_factory=list)


@dataclass
class Turn:
    """What one state's turn records and, once made, its moves (bargains, new positions, choices).

    A deterministic run whose state (positions and ideals) recurs exactly is in a cycle (DEU issues
    often cycle until the turn cap): the state's turn is then replayed, not recomputed, which gives
    the same numbers because every step is a pure function of the state. The state's n x n view
    is not kept, so the memory per remembered turn is O(n).
    """

    probs: np.ndarray
    reps: np.ndarray
    rep_probs: np.ndarray
    risk: np.ndarray
    moves: tuple[Bargains, np.ndarray, np.ndarray] | None = None


@dataclass(frozen=True)
class Bargains:
    """The bargains proposed in one turn: who proposes to whom, the two new positions, odds and gains."""

    init: np.ndarray  # (b,) initiator index, ascending
    rcvr: np.ndarray  # (b,)
    pos_init: np.ndarray  # (b, m)
    pos_rcvr: np.ndarray  # (b, m)
    prob: np.ndarray  # (b,) the initiator's estimate that it wins
    gain: np.ndarray  # (b,) the initiator's expected gain


def propose(rules: KtabRules, view: StateView, pos: np.ndarray, sal: np.ndarray, cap: np.ndarray) -> Bargains:
    """Every actor picks its most profitable target and proposes an interpolated bargain."""
    total_sal = row_sums(sal)
    weight = total_sal * cap
    target, prob, gain = best_challenges(rules, view, weight, total_sal)
    init = np.nonzero(target >= 0)[0]
    rcvr = target[init]
    p_i = prob[init]
    b_i, b_j = interpolate(rules.bargain_interp, pos[init], sal[init], p_i, pos[rcvr], sal[rcvr], 1 - p_i)
    g = gain[init]
    if rules.bargain_model == "init_only":
        return Bargains(init, rcvr, b_i, b_j, p_i, g)
    # the receiver's own estimate of the same challenge
    p_r = challenge_probs(rules, view, weight, total_sal, rcvr, init, rcvr)[0]
    r_i, r_j = interpolate(rules.bargain_interp, pos[init], sal[init], p_r, pos[rcvr], sal[rcvr], 1 - p_r)
    if rules.bargain_model == "pw_compromise":
        # KTAB weighs i's version by c_i S_i and j's by c_i S_j (it reads i's capability twice)
        w_i = (cap[init] * total_sal[init])[:, None]
        w_j = (cap[init] * total_sal[rcvr])[:, None]
        return Bargains(
            init, rcvr, (w_i * b_i + w_j * r_i) / (w_i + w_j), (w_i * b_j + w_j * r_j) / (w_i + w_j), p_i, g
        )
    # init_rcvr: both versions, the initiator's first
    pair = lambda a, b: np.stack([a, b], axis=1).reshape((-1,) + a.shape[1:])  # noqa: E731
    return Bargains(
        pair(init, init), pair(rcvr, rcvr), pair(b_i, r_i), pair(b_j, r_j), pair(p_i, p_r), pair(g, g)
    )


def bargain_values(
    view: StateView, ideal: np.ndarray, sal: np.ndarray, b: Bargains
) -> tuple[np.ndarray, np.ndarray]:
    """Value to every actor of the state after each bargain (n, b), and of the status quo (n,).

    Unchanged positions are valued by each actor's own estimate; the two moved ones by its own
    objective utility; the average is over actors' positions, summed in KTAB's order (a bargain
    skips the two positions it moves, as KTAB's zero term adds nothing).
    """
    n = ideal.shape[0]
    r = view.r[:, None]
    # (b, a)
    acc = (util(distances(ideal, sal, b.pos_init), r) + util(distances(ideal, sal, b.pos_rcvr), r)).T
    own_t = view.own_util.T  # own_t[x, a]
    x = np.arange(n)[:, None]
    kept = ((b.init[None, :] != x) & (b.rcvr[None, :] != x))[:, :, None]  # (x, b, 1): x not moved by b
    if kept.size * n <= ONE_SUM_ELEMS:  # a few dozen actors: all positions in one call, x by x in order
        acc = sequential_sum(acc, np.where(kept, own_t[:, None, :], 0.0))  # + 0.0 leaves a sum >= 0 as is
    else:
        for k in range(n):
            np.add(acc, own_t[k], out=acc, where=kept[k])
    sq = row_sums(view.own_util)
    return acc.T / n, sq / n


def resolve(
    rules: KtabRules,
    view: StateView,
    pos: np.ndarray,
    ideal: np.ndarray,
    sal: np.ndarray,
    cap: np.ndarray,
    b: Bargains,
    rng: np.random.Generator | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Each actor's queue votes (weights = capabilities); returns new positions, chosen bargains (-1 = SQ)."""
    values, sq = bargain_values(view, ideal, sal, b)
    new = pos.copy()
    chosen = np.full(pos.shape[0], -1)
    who = np.concatenate([b.init, b.rcvr])  # each bargain sits in its two parties' queues
    index = np.tile(np.arange(b.init.size), 2)
    order = np.lexsort((index, who))  # by party, then by bargain index
    movers, starts, sizes = np.unique(who[order], return_index=True, return_counts=True)
    queued = index[order]  # the queues, one after another
    table = np.column_stack([sq, values])  # column 0 is the status quo, column 1 + m bargain m
    # queues of one length vote as one batch of elections (sorted(set()), not np.unique: on a plain
    # array NumPy 2's unique imports numpy.ma, 10 ms of every `accord run`)
    for size in sorted(set(sizes.tolist())):
        rows = np.nonzero(sizes == size)[0]
        slots = starts[rows][:, None] + np.arange(size)
        options = np.column_stack([np.zeros(rows.size, dtype=int), 1 + queued[slots]])  # (batch, 1 + size)
        p = pce(rules, cap, table[:, options].transpose(1, 0, 2))
        if rng is None:
            picks = np.argmax(p, axis=1)
        else:
            cum = np.cumsum(p, axis=1)
            picks = np.minimum((cum <= (rng.random(rows.size) * cum[:, -1])[:, None]).sum(axis=1), size)
        moved = picks > 0
        k, m = movers[rows[moved]], queued[slots[moved, picks[moved] - 1]]
        chosen[k] = m
        new[k] = np.where((b.init[m] == k)[:, None], b.pos_init[m], b.pos_rcvr[m])
    return new, chosen


def simulate(
    rules: KtabRules,
    pos0: np.ndarray,
    sal: np.ndarray,
    cap: np.ndarray,
    accommodation: np.ndarray | None,
    rng: np.random.Generator | None,
    max_turns: int = 100,
    min_turns: int = 2,
    min_delta_ratio: float = 0.02,
) -> Trajectory:
    """Run the SMP from pos0 until the stopping rule holds (rng None = deterministic transitions)."""
    traj = Trajectory()
    pos, ideal = pos0.copy(), pos0.copy()
    first_move = 0.0
    seen: dict[bytes, Turn] = {}  # deterministic runs only: what each state led to
    for turn in range(max_turns + 1):
        key = pos.tobytes() + ideal.tobytes() if rng is None else b""
        step = seen.get(key)
        if step is None:
            view = assess(rules, pos, ideal, sal, cap)
            step = Turn(*win_probabilities(rules, view, pos, cap), view.r)
        traj.positions.append(pos)
        traj.win_probs.append(step.probs)
        traj.classes.append((step.reps, step.rep_probs))
        traj.risk.append(step.risk)
        if turn >= 1:
            moved = row_sums(np.sqrt(row_sums((pos - traj.positions[-2]) ** 2))[None, :])[0]
            if turn == 1:
                first_move = moved
            ratio = moved / (first_move + STOP_GUARD)
            traj.stop_ratios.append(float(ratio))
            if turn >= max_turns or (turn >= min_turns and ratio < min_delta_ratio):
                break
        if step.moves is None:
            b = propose(rules, view, pos, sal, cap)
            step.moves = (b, *resolve(rules, view, pos, ideal, sal, cap, b, rng))
            if rng is None:
                seen[key] = step
        b, new, chosen = step.moves
        traj.bargains.append((turn + 1, b, chosen))
        if accommodation is not None:
            lag = 1.0 - np.minimum(accommodation.sum(axis=1), 1.0)
            # Σ_k A[i, k] new[k] in k order, not through BLAS, whose kernels (and so last bits) differ per CPU
            moved_to = sequential_sum(np.zeros_like(new), accommodation.T[:, :, None] * new[:, None, :])
            ideal = moved_to + lag[:, None] * ideal
        else:
            ideal = new
        pos = new
    return traj
