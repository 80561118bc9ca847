"""Where independent tasks run: in this process, or on a Dask distributed cluster.

Every sweep (Monte Carlo chunks, what-if variants) is a list of independent tasks whose random
numbers depend only on the task's own seed, so the executor is free to run them in any order and
on any machine; results are handed back keyed by task index and the caller reassembles them.
That is what makes a serial run, a local cluster and a remote cluster give identical numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..errors import ParameterError

Progress = Callable[[int], None]  # called with the number of tasks just finished


class Executor:
    """How to run tasks: ``scheduler`` (a dask.distributed address) or ``workers`` local processes.

    Neither set means serial in this process. ``workers`` starts a ``LocalCluster`` of that many
    single-threaded worker processes: for the whole ``with`` block when the executor is used as a
    context manager (one cluster for a command that runs several sweeps), else for one ``map``.
    """

    def __init__(self, scheduler: str | None = None, workers: int | None = None) -> None:
        if scheduler and workers:
            raise ParameterError("give either --scheduler or --workers, not both; allowed: one of them")
        if workers is not None and workers < 1:
            raise ParameterError(f"--workers must be at least 1 (got {workers}); allowed: 1, 2, ...")
        self.scheduler, self.workers = scheduler, workers
        self._client: Any = None
        self._cluster: Any = None

    @property
    def distributed(self) -> bool:
        """Whether tasks go to Dask (a scheduler or local workers) rather than run in this process."""
        return bool(self.scheduler or self.workers)

    @property
    def address(self) -> str | None:
        """The scheduler in use: the given one, or that of the local cluster while it runs."""
        return self._cluster.scheduler_address if self._cluster is not None else self.scheduler

    def describe(self) -> str:
        """The executor in words, for the run's metadata."""
        if self.scheduler:
            return f"dask scheduler {self.scheduler}"
        if self.workers:
            return f"local dask cluster, {self.workers} workers"
        return "serial"

    def __enter__(self) -> Executor:
        if self.distributed and self._client is None:
            self._client, self._cluster = _connect(self)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

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
        if self._client is None:
            with self:
                return self.map(fn, tasks, on_result, progress)
        from distributed import as_completed

        # The work function (scenarios, model) is sent to each worker once, not with every task.
        shared = self._client.scatter(fn, broadcast=True, hash=False)
        futures = self._client.map(_call, [shared] * len(tasks), [task for _, task in tasks], pure=False)
        index_of = {f.key: index for f, (index, _) in zip(futures, tasks, strict=True)}
        for future, result in as_completed(futures, with_results=True):
            on_result(index_of[future.key], result)
            if progress:
                progress(1)


def _call(fn: Callable[[Any], Any], task: Any) -> Any:
    return fn(task)


def _connect(executor: Executor) -> tuple[Any, Any]:
    """A dask client, and the local cluster behind it when the executor starts one."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - dask is an optional extra
        raise ParameterError(
            "--scheduler/--workers need dask.distributed; allowed: pip install 'accord[dask]'"
        ) from exc
    if executor.scheduler:
        try:
            return Client(executor.scheduler, timeout="10s"), None
        except OSError as exc:
            raise ParameterError(
                f"cannot reach the dask scheduler at {executor.scheduler!r} ({exc}); "
                "allowed: the address a running `dask scheduler` prints, e.g. tcp://host:8786"
            ) from None
    cluster = LocalCluster(
        n_workers=executor.workers, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    return Client(cluster), cluster


SERIAL = Executor()
