"""Where independent tasks run: in this process, or on a Dask distributed cluster.

Every sweep (Monte Carlo chunks, what-if variants) is a list of independent tasks whose random
numbers depend only on the task's own seed, so the executor is free to run them in any order and
on any machine; results are handed back keyed by task index and the caller reassembles them.
That is what makes a serial run, a local cluster and a remote cluster give identical numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from ..scenario.errors import ParameterError

Progress = Callable[[int], None]  # called with the number of tasks just finished


@dataclass(frozen=True)
class Executor:
    """How to run tasks: ``scheduler`` (a dask.distributed address) or ``workers`` local processes.

    Neither set means serial in this process. ``workers`` starts a ``LocalCluster`` with that many
    single-threaded worker processes for the duration of one ``map`` call.
    """

    scheduler: str | None = None
    workers: int | None = None

    def __post_init__(self) -> None:
        if self.scheduler and self.workers:
            raise ParameterError("give either --scheduler or --workers, not both; allowed: one of them")
        if self.workers is not None and self.workers < 1:
            raise ParameterError(f"--workers must be at least 1 (got {self.workers}); allowed: 1, 2, ...")

    @property
    def distributed(self) -> bool:
        return bool(self.scheduler or self.workers)

    def describe(self) -> str:
        if self.scheduler:
            return f"dask scheduler {self.scheduler}"
        if self.workers:
            return f"local dask cluster, {self.workers} workers"
        return "serial"

    def map(
        self,
        fn: Callable[[Any], Any],
        tasks: Sequence[tuple[int, Any]],
        on_result: Callable[[int, Any], None],
        progress: Progress | None = None,
    ) -> None:
        """Run ``fn(task)`` for each (index, task) and call ``on_result(index, result)`` as each ends.

        ``on_result`` always runs in this process, so it may write to the local run store.
        """
        if not tasks:
            return
        if not self.distributed:
            for index, task in tasks:
                on_result(index, fn(task))
                if progress:
                    progress(1)
            return
        _dask_map(self, fn, tasks, on_result, progress)


def _dask_map(
    executor: Executor,
    fn: Callable[[Any], Any],
    tasks: Sequence[tuple[int, Any]],
    on_result: Callable[[int, Any], None],
    progress: Progress | None,
) -> None:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as exc:  # pragma: no cover - dask is an optional extra
        raise ParameterError(
            "--scheduler/--workers need dask.distributed; allowed: pip install 'accord[dask]'"
        ) from exc
    cluster = None
    try:
        if executor.scheduler:
            try:
                client = Client(executor.scheduler, timeout="10s")
            except OSError as exc:
                raise ParameterError(
                    f"cannot reach the dask scheduler at {executor.scheduler!r} ({exc}); "
                    "allowed: the address a running `dask scheduler` prints, e.g. tcp://host:8786"
                ) from None
        else:
            cluster = LocalCluster(
                n_workers=executor.workers, threads_per_worker=1, processes=True, dashboard_address=":0"
            )
            client = Client(cluster)
        with client:
            futures = client.map(fn, [task for _, task in tasks], pure=False)
            index_of = {f.key: index for f, (index, _) in zip(futures, tasks)}
            for future, result in as_completed(futures, with_results=True):
                on_result(index_of[future.key], result)
                if progress:
                    progress(1)
    finally:
        if cluster is not None:
            cluster.close()


SERIAL = Executor()
