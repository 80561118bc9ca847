"""Resumable sweeps: a planned list of independent tasks, run on an executor, kept in the store.

A sweep's identity (its key) is everything that determines its numbers: kind, scenario hash,
model and parameters, seed and the task plan. Starting the same sweep again finds the unfinished
one with that key and computes only the tasks whose results are missing; because each task's
random numbers come from its own seed, the resumed result equals an uninterrupted one. A task that
raises an accord error (bad input) marks the sweep failed with that message, since rerunning the
same command would only fail again; a crash or a kill leaves it unfinished, to resume.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import AccordError
from .parallel import SERIAL, Executor, Progress
from .store import RunInfo, RunStore, to_json

TaskResult = dict[str, np.ndarray]


@dataclass
class SweepOutcome:
    """The task results of a sweep and how much of it an earlier, interrupted call had done."""

    results: list[TaskResult]  # in task order
    sweep_id: int | None  # None when no store was used
    resumed: int  # how many tasks were already done when this call started


def sweep_key(info: RunInfo, spec: Mapping[str, Any]) -> str:
    """A stable key for a sweep's inputs, so an interrupted sweep is found again and resumed."""
    payload = to_json({"info": info.row(), "spec": spec}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def run_sweep(
    fn: Callable[[Any], TaskResult],
    tasks: list[Any],
    info: RunInfo,
    spec: Mapping[str, Any],
    *,
    store: RunStore | None = None,
    executor: Executor = SERIAL,
    progress: Progress | None = None,
    plan: list[Any] | None = None,
) -> SweepOutcome:
    """Run ``fn`` on every task (skipping those the store already holds) and return results in order.

    ``plan`` is the JSON-able description of each task kept in the store (defaults to ``tasks``).
    """
    done: dict[int, TaskResult] = {}
    sweep_id = None
    if store is not None:
        sweep_id = store.open_sweep(sweep_key(info, spec), info, spec, plan if plan is not None else tasks)
        done = store.task_results(sweep_id)
    resumed = len(done)
    if progress and resumed:
        progress(resumed)

    def keep(index: int, result: TaskResult) -> None:
        if store is not None and sweep_id is not None:
            store.put_task(sweep_id, index, result)
        done[index] = result

    pending = [(i, t) for i, t in enumerate(tasks) if i not in done]
    try:
        executor.map(fn, pending, keep, progress)
    except AccordError as exc:  # bad input: resuming would fail the same way, so say so in the store
        if store is not None and sweep_id is not None:
            store.fail_sweep(sweep_id, str(exc))
        raise
    return SweepOutcome([done[i] for i in range(len(tasks))], sweep_id, resumed)
