"""Test-side handle on the fork server of crash_workers.py: spawn real writers, SIGKILL them, reap them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parent


class Forker:
    def __init__(self, log: Path) -> None:
        self.log = log
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        self._err = open(log, "w")  # noqa: SIM115  (closed in close())
        self.proc = subprocess.Popen(
            [sys.executable, str(TESTS / "crash_workers.py")],
            env=env,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._err,
        )
        assert self.proc.stdout and self.proc.stdout.readline() == "ready\n", (
            f"no fork server: {self.errors()}"
        )

    def _ask(self, cmd: list) -> int:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, f"the fork server died: {self.errors()}"
        return int(json.loads(line))

    def spawn(self, function: str, *args: object) -> int:
        return self._ask(["spawn", function, list(args)])

    def wait(self, pid: int) -> int:
        return self._ask(["wait", pid])

    def kill(self, pid: int) -> int:
        """SIGKILL the child (it may have finished already) and return its exit status."""
        os.kill(pid, signal.SIGKILL)  # an exited child stays a zombie until reaped: the pid is still ours
        return self.wait(pid)

    def run(self, function: str, *args: object) -> tuple[int, float]:
        """Spawn, wait for the end; (exit status, seconds taken)."""
        start = time.monotonic()
        pid = self.spawn(function, *args)
        return self.wait(pid), time.monotonic() - start

    def errors(self) -> str:
        self._err.flush()
        return self.log.read_text()

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._err.close()
