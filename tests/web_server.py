"""Start the real `accord serve` in a subprocess on a free loopback port, for end-to-end tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
_PIDS: dict[str, int] = {}


def pid_of(base: str) -> int:
    """The process id of the server running at ``base`` (to read its memory in /proc)."""
    return _PIDS[base]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(*options: str, timeout: float = 60.0, log: Path | None = None) -> Iterator[str]:
    """Yield the base URL of a fresh server started with ``options``; stop it (and only it) afterwards.

    The server's output goes to ``log`` (a file, so a chatty server never blocks on a full pipe)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
    }
    with (
        tempfile.TemporaryDirectory(prefix="accord-serve-") as folder,
        (log or Path(folder) / "serve.log").open("w") as out,
    ):
        proc = subprocess.Popen(
            [sys.executable, "-m", "accord", "serve", "--host", "127.0.0.1", "--port", str(port), *options],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
        _PIDS[base] = proc.pid
        try:
            _wait_until_ready(proc, base, timeout, Path(out.name))
            yield base
        finally:
            _PIDS.pop(base, None)
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_until_ready(proc: subprocess.Popen, base: str, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"accord serve exited with {proc.returncode}: {log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base}/api/examples", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"accord serve did not answer on {base} within {timeout:.0f} s")
        time.sleep(0.2)
