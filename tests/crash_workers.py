"""A fork server for the crash tests, and the work its children do until they are SIGKILLed.

Starting Python and importing accord takes a second or more; killing a write at a random instant
needs many short-lived writers. So one real subprocess (``python crash_workers.py``) imports accord
once and forks a child per request; the test kills that child with SIGKILL at a random time and
reaps it through the server. BLAS and OpenMP are held to one thread before NumPy loads, so forking
is safe. The server says ``ready`` once loaded; then, one JSON line each way: ``["spawn", function, args]`` -> ``pid``;
``["wait", pid]`` -> exit status (negative: killed by that signal).
"""

from __future__ import annotations

import json
import os
import sys
import traceback

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import openpyxl  # noqa: F401  (loaded once, before forking)

import accord.cli  # noqa: F401
from accord.files import atomic_write_text
from accord.models import make_model
from accord.models.base import Result
from accord.models.output import write_result
from accord.scenario import load, save

FORMATS = ("yaml", "json", "csv", "xlsx")
BASE = load("afghanistan-2013")
RESULT = make_model("weighted-mean").run(BASE, 0)


def write_loop(folder: str) -> None:
    """Write a run folder, a scenario in every format and a report-sized text, round after round.

    Round ``i`` writes the scenario named ``kill-<i>`` and a run folder whose run.json and
    round.json both say ``i``, so a reader can tell a whole output from one mixed across rounds.
    """
    base, result = BASE, RESULT
    text = "<!DOCTYPE html>\n" + "<p>" + "x" * 200_000 + "</p>\n"
    i = 0
    while True:
        sc = base.model_copy(update={"name": f"kill-{i}"})
        write_result(
            Result(result.history, result.forecast, {**result.meta, "seed": i}, result.tables, {"round": i}),
            os.path.join(folder, "run"),
        )
        for fmt in FORMATS:
            save(sc, os.path.join(folder, f"scenario.{fmt}"))
        atomic_write_text(os.path.join(folder, "report.html"), text + f"<!-- {i} -->\n</html>\n")
        i += 1


def cli(*args: str) -> None:
    """Run the accord command line in this process (exit status = the command's)."""
    from accord.cli import app

    try:
        app(list(args))
    except SystemExit as exc:
        os._exit(exc.code if isinstance(exc.code, int) else 1)


def _spawn(name: str, args: list) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        globals()[name](*args)
    except BaseException:  # noqa: BLE001  (report anything to the test through stderr)
        traceback.print_exc()
        code = 1
    os._exit(code)


def main() -> None:
    sys.stdout.write("ready\n")  # imports done: what the test times from here is the work
    sys.stdout.flush()
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd[0] == "spawn":
            out = _spawn(cmd[1], cmd[2])
        else:
            _, status = os.waitpid(cmd[1], 0)
            out = os.waitstatus_to_exitcode(status)
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
