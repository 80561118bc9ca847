"""A bounded pool of worker processes with a time and a memory limit per request.

A thread cannot be stopped or capped, and one hostile request (an SMP run with ``min_turns: 1e9``,
a YAML alias bomb) used to hold a server thread for ever and grow the server to 23 GB. Work runs
instead in Pebble's ``ProcessPool``: a task past its time limit has its worker process killed
and replaced, and each worker's address space is capped (``work.init_worker``), so a request that
needs too much memory fails alone with ``MemoryError`` (or, if the process dies, Pebble's
``ProcessExpired``). With several workers one heavy request cannot starve the rest; requests
beyond the workers wait in a bounded queue, and past it are answered 503 at once.

Workers are started with ``spawn``: they import accord afresh rather than inheriting a copy of a
server process that runs an event loop and threads.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from typing import Any

from pebble import ProcessExpired, ProcessPool

from .limits import ServerLimits
from .reply import Reply, error_reply
from .work import execute, init_worker


class WorkPool:
    """Runs ``work.execute`` jobs in worker processes; created on first use, closed with the app."""

    def __init__(self, limits: ServerLimits) -> None:
        self.limits = limits
        self._pool: ProcessPool | None = None
        self._active = 0  # requests running or waiting; touched only on the event loop's thread

    def _get(self) -> ProcessPool:
        if self._pool is None:
            self._pool = ProcessPool(
                max_workers=self.limits.workers,
                initializer=init_worker,
                initargs=(self.limits.memory_limit,),
                context=multiprocessing.get_context("spawn"),
            )
        return self._pool

    @property
    def active(self) -> int:
        """Requests running or waiting, which the queue limit is checked against."""
        return self._active

    def start(self) -> None:
        """Start the workers now, so the first request does not wait for them to import accord."""
        for _ in range(self.limits.workers):
            self._get().schedule(execute, args=("ping",))

    async def run(self, job: str, *args: Any) -> Reply:
        """Run a job in a worker, or answer 503 at once when the workers and the queue are full."""
        limits = self.limits
        if self._active >= limits.workers + limits.queue:
            return error_reply(
                503,
                f"the server is busy: {self._active} requests are running or waiting; "
                "try again shortly (`accord serve --workers/--queue` raise the limits)",
            )
        self._active += 1
        try:
            future = self._get().schedule(execute, args=(job, *args), timeout=limits.time_limit)
            return await asyncio.wrap_future(future)
        except TimeoutError:
            return error_reply(
                503,
                f"the request took longer than the limit of {limits.time_limit:g} s and "
                "was stopped; make the run smaller (fewer draws, rounds or actors) or "
                "raise the limit with `accord serve --time-limit`",
            )
        except ProcessExpired:
            return error_reply(
                503,
                "the worker running the request stopped, most likely at the memory limit of "
                f"{limits.memory_limit} MiB (`accord serve --memory-limit`)",
            )
        finally:
            self._active -= 1

    def close(self) -> None:
        """Stop the workers (when the app shuts down)."""
        if self._pool is not None:
            self._pool.stop()
            self._pool.join()
            self._pool = None
