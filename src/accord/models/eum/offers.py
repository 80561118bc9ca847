"""Which offer each EUM actor accepts: the classification of offers and the choice among them.

Separate from the round arithmetic in core because it is where the replications disagree
(Scholz's class-first rule with its compromise key, BDM's smallest move, the mistyped capitulation
test), so each rule is a parameter and can be read on its own.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .ties import TIE, Signs

# Offer classes, in Scholz's order of preference; NONE marks an actor that does not move.
NONE, CONFRONTATION, COMPROMISE, CAPITULATION = -1, 0, 1, 2
CLASS_NAMES = {
    NONE: "none",
    CONFRONTATION: "confrontation",
    COMPROMISE: "compromise",
    CAPITULATION: "capitulation",
}


def _pick(
    key: np.ndarray, tol: np.ndarray, second: np.ndarray, third: np.ndarray | None = None
) -> np.ndarray:
    """Index along the last axis minimising (key, second, third) lexicographically, first index on a full tie.

    Keys are positions (distances, compromise points) computed from expected utilities, so two
    senders' keys can differ in the last bits only, and by a different amount on another CPU:
    keys within ``tol`` (B, 1) of the smallest count as tied (ties.TIE relative to the
    scale's magnitude), then the later keys decide. Ties are rare, so the later keys are consulted
    only for rows that have one.
    """
    best = np.argmin(key, axis=-1)
    tie = key <= np.take_along_axis(key, best[..., None], axis=-1) + tol
    rows = np.nonzero(tie.sum(axis=-1) > 1)
    if rows[0].size:
        for extra in (second, third):
            if extra is None:
                continue
            sub = np.where(tie[rows], extra[rows], np.inf)
            tie[rows] &= sub <= sub.min(axis=-1, keepdims=True) + tol[rows]
        best[rows] = np.argmax(tie[rows], axis=-1)
    return best


def _compromises(xi: np.ndarray, xj: np.ndarray, a_fwd: np.ndarray, e_back: np.ndarray) -> np.ndarray:
    """The position i takes in a compromise: it moves |E_ij| / E_ji of the way towards j.

    A compromise needs E_ji > |E_ij|, so the share is below one; where the two are equal to the
    last bit the float share can round to one or above, and is capped there so that i never
    passes j (a no-op everywhere else).
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        return xi + (xj - xi) * np.minimum(a_fwd / e_back, 1.0)


def choose_moves(
    x: np.ndarray,
    gap: np.ndarray,
    e_fwd: np.ndarray,
    e_back: np.ndarray,
    signs: Signs,
    offer: str,
    capitulation: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Classify every (receiver i, sender j) pair and pick each receiver's accepted offer.

    All comparisons are strict, as in the replicated code, and read from ``signs``, where a value
    within rounding noise of zero has been settled in exact arithmetic (ties). The classes exclude
    each other for a given pair, since confrontation needs E_ij > 0 and the others E_ij < 0.
    Equally good offers go to the lower resulting position (then to the first sender, which can
    only differ in name): Scholz's code takes the first sender in input order, which makes the
    result depend on how actors are listed; the EC trace has no tie where the two rules differ.
    Most receivers get no offer, so the picks and the compromise positions are computed only for
    the receivers that have one.
    """
    a_fwd = np.abs(e_fwd)
    apart = gap > 0
    conf = apart & (signs.back_over_fwd > 0) & (signs.fwd > 0)
    yielding = apart & (signs.back > 0) & (signs.fwd < 0)
    comp = yielding & (signs.back_over_abs > 0)
    capit = yielding & (signs.back_over_abs < 0) if capitulation == "intended" else None
    tol = TIE * (np.abs(x).max(axis=1, keepdims=True) + gap.max(axis=(1, 2))[:, None] + 1.0)
    has_conf, has_comp = conf.any(axis=2), comp.any(axis=2)
    has_cap = capit.any(axis=2) if capit is not None else np.zeros_like(has_conf)
    has = has_conf | has_comp | has_cap
    kind = np.full(x.shape, NONE)
    partner = np.full(x.shape, -1)
    new_x = x.copy()
    groups: list[tuple[Any, int | None]]  # (receivers' rows: a boolean array, class or None for any)
    got: np.ndarray | int
    if offer == "nearest":
        groups = [(has, None)]
    else:  # each receiver's class is the first it has an offer in; one pick over that class's keys
        groups = [
            (has_conf, CONFRONTATION),
            (has_comp & ~has_conf, COMPROMISE),
            (has_cap & ~has_conf & ~has_comp, CAPITULATION),
        ]
    for rows, cls in groups:
        at = np.nonzero(rows)
        if at[0].size == 0:
            continue
        xi, xj = x[at][:, None], np.broadcast_to(x[at[0]], (at[0].size, x.shape[1]))
        in_comp = comp[at]
        comp_x = _compromises(xi, xj, a_fwd[at], e_back[at])
        cand = np.where(in_comp, comp_x, xj)  # the position i would take
        if cls is None:
            in_conf, in_cap = conf[at], (capit[at] if capit is not None else np.zeros_like(in_comp))
            rank = np.where(in_conf, CONFRONTATION, np.where(in_comp, COMPROMISE, CAPITULATION)).astype(float)
            best = _pick(
                np.where(in_conf | in_comp | in_cap, np.abs(cand - xi), np.inf), tol[at[0]], rank, cand
            )
            got = np.take_along_axis(rank, best[:, None], axis=1)[:, 0].astype(int)
        else:
            if cls == COMPROMISE:
                if offer == "scholz":
                    fwd, back = a_fwd[at], np.abs(e_back[at])
                    with np.errstate(invalid="ignore", divide="ignore"):
                        key = (fwd * xi + back * xj) / (fwd + back)
                else:
                    key = np.abs(comp_x - xi)
            else:
                key = gap[at]
            member = {CONFRONTATION: conf, COMPROMISE: comp, CAPITULATION: capit}[cls]
            assert member is not None  # no receiver is in the capitulation group when capit is None
            best = _pick(np.where(member[at], key, np.inf), tol[at[0]], cand)
            got = cls
        kind[at] = got
        partner[at] = best
        new_x[at] = np.take_along_axis(cand, best[:, None], axis=1)[:, 0]
    return kind, partner, new_x
