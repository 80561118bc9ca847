"""Why the talks ended as they did: names for the deals that stand and causes for the failures.

A deal is named by who signed it and, when it leaves out required parties, by who is excluded
("USA + AFG, without TAL"); only a deal of every required party is "the full agreement". A draw
without a full agreement gets one cause, the first that applies in this order (the binding
constraint, after Fearon 1995's reasons why bargaining fails):
1. ``breakdown``: the talks collapsed (per-round breakdown risk);
2. ``walk-out``: a required party left the table and did not return;
3. ``no channel``: two required parties could not reach each other at the end;
4. ``spoiler``: a required party prefers no deal (strategy spoiler);
5. ``waiting``: a required party's outside option improves with time (a scheduled shift of the
   no-deal outcome), so holding out paid;
6. ``no zone of agreement``: every party could talk, but no proposal met the rule before the deadline.
"""

from __future__ import annotations

from typing import cast

import numpy as np

from .protocol import reach
from .state import Setting, State

CAUSES = ("breakdown", "walk-out", "no channel", "spoiler", "waiting", "no zone of agreement")
GAIN = 1e-9  # a foreseen improvement of the outside option smaller than this is no reason to wait


def waiting_pays(setting: Setting, st: State) -> np.ndarray:
    """(S, n): whose no-deal outcome foreseen at the deadline beats today's (call before play)."""
    return st.no_deal_utility(setting, st.no_deal_final) - st.no_deal_utility(setting) > GAIN


def causes(setting: Setting, st: State, full: np.ndarray, waits: np.ndarray) -> np.ndarray:
    """(S,) index into CAUSES for the draws without a full agreement, -1 where there is one."""
    req = setting.required
    can = reach(st, setting)
    pairs = (can | ~setting.not_self) | ~(req[:, None] & req[None, :])
    checks = [
        st.broken,
        (~st.present & req).any(axis=-1),
        ~pairs.all(axis=(-1, -2)),
        np.broadcast_to((setting.agents.spoiler & req).any(), full.shape),
        (waits & req).any(axis=-1),
        np.ones_like(full),
    ]
    cause = np.select(checks, np.arange(len(CAUSES)), len(CAUSES) - 1)
    return np.where(full, -1, cause)


def coalition(actors: tuple[str, ...] | list[str], required: np.ndarray, parties: np.ndarray) -> str:
    """The name of a deal signed by ``parties`` (n,) bool; "" for none."""
    if not parties.any():
        return ""
    signed = [a for a, p in zip(actors, parties, strict=True) if p]
    left_out = [a for a, r, p in zip(actors, required, parties, strict=True) if r and not p]
    name = " + ".join(signed)
    return f"{name}, without {', '.join(left_out)}" if left_out else f"full agreement ({name})"


def coalition_shares(
    actors: tuple[str, ...] | list[str], required: np.ndarray, parties: np.ndarray
) -> dict[str, float]:
    """P(each coalition's deal) over draws, from (draws, n) signatories; "no deal" for draws without one."""
    rows, counts = np.unique(np.asarray(parties, bool), axis=0, return_counts=True)
    out = {}
    for row, c in zip(rows, counts, strict=True):
        out[coalition(actors, required, row) or "no deal"] = float(c / len(parties))
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def failure_shares(failure: np.ndarray) -> dict[str, float]:
    """P(each cause of failure) over draws (failure: index into CAUSES, -1 for a full agreement)."""
    failure = np.asarray(failure)
    return {name: float(np.mean(failure == k)) for k, name in enumerate(CAUSES) if (failure == k).any()}


def holdouts(setting: Setting, present: np.ndarray, agree: np.ndarray) -> list[str]:
    """The required parties at the table who refused every proposal of a round (agree: proposer x party)."""
    accepted_any = cast(np.ndarray, agree.any(axis=0))
    return [
        a
        for a, r, ok, here in zip(setting.actors, setting.required, accepted_any, present, strict=True)
        if r and here and not ok
    ]
