"""`accord play` in a real terminal: keystrokes through a pseudo-terminal (pty), Ctrl-C included.

The child process has the pty as its controlling terminal, so its stdin is a TTY (the Rich prompt,
line editing) and Ctrl-C is the terminal's own interrupt character, turned into SIGINT by the line
discipline, as at a keyboard.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

TABLE = str(Path(__file__).parent / "data" / "play-table.yaml")
ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]|\x1b\][^\x07]*\x07|\r")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pseudo-terminals")


def _controlling_terminal() -> None:
    """In the child, after setsid: make the pty (its stdin) the session's controlling terminal."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """A child process on a pty: type keys, wait for text on the screen."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.master, slave = pty.openpty()
        env = {**os.environ, "COLUMNS": "120", "LINES": "40", "TERM": "xterm"}
        self.proc = subprocess.Popen(
            args,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=env,
            start_new_session=True,
            preexec_fn=_controlling_terminal,
        )
        os.close(slave)
        self.screen = ""

    def wait_for(self, pattern: str, timeout: float = 60.0) -> str:
        """Read until ``pattern`` (a regex) appears in the text after what was matched before."""
        end = time.monotonic() + timeout
        while True:
            m = re.search(pattern, self.screen, re.DOTALL)
            if m:
                seen, self.screen = self.screen[: m.end()], self.screen[m.end() :]
                return seen
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(
                    f"{pattern!r} did not appear; the screen ends with {self.screen[-800:]!r}"
                )
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(
                        f"{pattern!r}: the program ended; last output {self.screen[-800:]!r}"
                    )
                self.screen += ANSI.sub("", chunk.decode("utf-8", "replace"))

    def type(self, keys: str) -> None:
        """Send keystrokes as a keyboard would."""
        os.write(self.master, keys.encode())

    def close(self) -> int:
        """Wait for the child to end (killing it after 20 s); its exit code."""
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            return self.proc.wait()
        finally:
            os.close(self.master)


def test_keystrokes_play_rounds_and_ctrl_c_saves_the_game(tmp_path):
    term = Terminal([sys.executable, "-m", "accord", "play", TABLE, "--as", "KAB", "--no-store"], tmp_path)
    try:
        term.wait_for(r"round 0 of 8.*?round 0> ")
        term.type("dance\r")
        term.wait_for(r"unknown command 'dance'.*?round 0> ")
        term.type("propose own\r")
        term.wait_for(r"troops \(US troops\) \[60\.0 \(12,000 US troops\)\]: ")
        term.type("90000\x7f\x7f\x7f00\r")  # typed 90000, three backspaces, 00: the line reads 9000
        term.wait_for(r"office \[.*?\]: ")
        term.type("talks-only\r")
        term.wait_for(r"worth 0\.\d+ to you.*?round 1 of 8.*?round 1> ")
        term.type("walkout\r")
        term.wait_for(r"you walk out from round 2.*?round 1> ")
        term.type("reject\r")
        term.wait_for(r"round 2 of 8.*?away: KAB.*?round 2> ")
        term.type("\x03")  # Ctrl-C at the prompt
        seen = term.wait_for(r"interrupted: game saved to (\S+)")
    finally:
        code = term.close()
    assert code == 130 and "Traceback" not in seen
    saved = json.loads((tmp_path / "play-table-KAB-seed0.game.json").read_text())
    assert saved["decisions"] == [
        {"round": 0, "propose": [45.0, 30.0], "accept": []},
        {"round": 1, "propose": [45.0, 30.0], "accept": [], "events": [{"type": "actor_leaves"}]},
    ]


def test_a_saved_game_resumed_at_the_keyboard_plays_to_the_end(tmp_path):
    first = Terminal([sys.executable, "-m", "accord", "play", TABLE, "--as", "USA", "--no-store"], tmp_path)
    try:
        first.wait_for(r"round 0> ")
        first.type("quit\r")
        first.wait_for(r"stopped: game saved to play-table-USA-seed0\.game\.json")
    finally:
        assert first.close() == 0
    args = ["--resume", "play-table-USA-seed0.game.json", "--out", "game", "--no-store"]
    term = Terminal([sys.executable, "-m", "accord", "play", *args], tmp_path)
    try:
        for t in range(8):
            seen = term.wait_for(rf"round {t}> |the talks are over")
            if "the talks are over" in seen:
                break
            term.type("auto\r")
        seen = term.wait_for(r"wrote game/forecast\.csv.*?run\.json")
    finally:
        code = term.close()
    assert code == 0 and "where the model's USA got" in " ".join(seen.split())
    assert (tmp_path / "game" / "offers.csv").is_file()
