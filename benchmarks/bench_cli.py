"""Start-up and end-to-end time of the command line, each command in a fresh interpreter.

Run from the repository root: ``PYTHONPATH=src python benchmarks/bench_cli.py [--repeat N]``.
Prints, per command, the best and median wall time and the best CPU time (user + system of the
child) over N runs, beside the bare interpreter's start-up (``python -c pass``, which on this
machine already includes the site hooks). Targets (issue 13): ``accord --help`` <= 0.2 s,
``accord validate`` of a small file <= 0.3 s, and ``accord run dummyData-a080.csv -m smp`` end to
end at least 100x faster than KTAB's C++ ``smpc`` on the same file (42.7 s in issue 13; 48.6 s in
shared/data/README.md). On a loaded machine wall times stretch; CPU time is the steadier figure.

Bytecode is cached as an installed package's would be (``PYTHONPYCACHEPREFIX`` in a temporary
folder, one warm-up run per command): where ``PYTHONDONTWRITEBYTECODE`` is set, every start would
otherwise recompile accord from source, which an installation never does.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ACCORD_SHARED", ROOT.parent / "shared"))
KTAB = (SHARED if SHARED.is_dir() else Path("/work/shared")) / "data" / "ktab"
KTAB_A080_SECONDS = 42.7  # issue 13; the data README measured 48.6 s
CLI = "import sys; from accord.cli import main; sys.argv[0] = 'accord'; main()"


def timed(argv: list[str], repeat: int, env: dict[str, str]) -> tuple[float, float, float]:
    """Best wall, median wall and best CPU seconds of running ``argv`` ``repeat`` times (after one
    warm-up run that fills the bytecode cache)."""
    walls, cpus = [], []
    subprocess.run(argv, capture_output=True, env=env, check=False)
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, env=env, check=False)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return min(walls), statistics.median(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--smpc",
        type=Path,
        help="KTAB's smpc binary: time it on the same file here (once, about a minute) and give the ratio "
        "to that figure as well as to the issue's 42.7 s (how to build it: docs/reference/benchmarks.md)",
    )
    args = parser.parse_args()
    small = KTAB / "dummyData_3Dim.csv"
    with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as pycache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")
        env["PYTHONPYCACHEPREFIX"] = pycache
        cases = [
            ("python -c pass (interpreter only)", [sys.executable, "-c", "pass"], None),
            ("import accord", [sys.executable, "-c", "import accord"], None),
            ("accord --help", [sys.executable, "-c", CLI, "--help"], 0.2),
            (f"accord validate {small.name}", [sys.executable, "-c", CLI, "validate", str(small)], 0.3),
            (
                "accord validate afghanistan-2013",
                [sys.executable, "-c", CLI, "validate", "afghanistan-2013"],
                0.3,
            ),
            (
                "accord run dummyData-a080.csv -m smp",
                [sys.executable, "-c", CLI, "run", str(KTAB / "dummyData-a080.csv"), "-m", "smp", "-o", out],
                None,
            ),
        ]
        load = os.getloadavg()[0]
        print(
            f"{args.repeat} runs each, fresh interpreter per run; load average {load:.1f} on {os.cpu_count()} CPUs"
        )
        print(f"{'command':42s} {'best s':>7s} {'median s':>9s} {'best CPU s':>11s}  target")
        for label, argv, target in cases:
            best, median, cpu = timed(argv, args.repeat, env)
            mark = (
                ""
                if target is None
                else f"<= {target} s: {'met' if best <= target else 'NOT met'} (best wall)"
            )
            print(f"{label:42s} {best:7.3f} {median:9.3f} {cpu:11.3f}  {mark}")
            if label.startswith("accord run"):
                references = [
                    (f"KTAB smpc on the same file (issue 13) {KTAB_A080_SECONDS} s", KTAB_A080_SECONDS)
                ]
                if args.smpc:
                    here = ktab_seconds(args.smpc, KTAB / "dummyData-a080.csv")
                    references.append((f"KTAB smpc measured here now {here:.1f} s", here))
                for name, seconds in references:
                    print(
                        f"{'':42s} {name}: {seconds / best:.0f}x (best wall), {seconds / median:.0f}x "
                        "(median); target 100x"
                    )


def ktab_seconds(smpc: Path, csv: Path) -> float:
    """Wall seconds of one ``smpc --logmin --csv FILE`` run (the data README's way of timing it).

    It runs in a scratch folder: smpc reads its logger configuration ``smpc-logger.conf`` (copied
    from beside the binary, where KTAB's build leaves it) from the working folder and writes its
    log and its SQLite database (``--connstr``) there."""
    with tempfile.TemporaryDirectory() as scratch:
        shutil.copy(smpc.resolve().parent / "smpc-logger.conf", scratch)
        argv = [
            str(smpc.resolve()),
            "--logmin",
            "--csv",
            str(csv),
            "--connstr",
            "Driver=QSQLITE;Database=run",
        ]
        t0 = time.perf_counter()
        done = subprocess.run(argv, cwd=scratch, capture_output=True, check=False)
        seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{smpc} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return seconds


if __name__ == "__main__":
    main()
