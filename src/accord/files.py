"""Atomic writes: a file or a run folder that accord writes appears whole or not at all.

A file is written to a hidden temporary beside its target and renamed over it (``os.replace``
is atomic on POSIX and Windows); a folder is filled under a hidden temporary name and renamed
into place. Temporaries carry a recognisable name, ``.<target>.accord-tmp-<pid>-<random>``:
they are removed when the write fails, and a process killed with SIGKILL (where no cleanup can
run) leaves one behind that the next write of the same target removes, once its writer's pid is
gone or it is older than a day. Contents are fsynced before the rename and the folder after, so
a power cut leaves the old or the new version too, not an empty file.
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .errors import AccordError

TMP_TAG = ".accord-tmp-"
STALE_SECONDS = 24 * 3600  # a temporary this old is stale even if a process with its pid is running

# Read once at import: os.umask can only be read by setting it, which is not thread-safe later.
_UMASK = os.umask(0)
os.umask(_UMASK)


class OutputError(AccordError):
    """An output path accord will not write (e.g. a folder of other files that would be replaced)."""


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Call ``write`` on a temporary file beside ``path``, then rename it over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(path)
    fd, name = tempfile.mkstemp(prefix=_prefix(path), suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        os.chmod(tmp, 0o666 & ~_UMASK)
        _fsync(tmp)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 text atomically: readers see the old file or the new one, never a half-written one."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def atomic_folder(
    path: str | os.PathLike[str], fill: Callable[[Path], object], replaceable: Callable[[Path], bool]
) -> Path:
    """Call ``fill`` on a temporary folder beside ``path``, then rename it to ``path``.

    An existing ``path`` is replaced only when it is empty or ``replaceable(path)`` says it is an
    earlier output of the same kind (anything else raises OutputError, so a user's folder is never
    swept away). Replacing moves the old folder aside under a temporary name first and deletes it
    after the new one is in place: if the process dies in between, ``path`` is absent, never mixed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path}: is a file; allowed: a new or empty folder, or an earlier run folder")
    here = Path.cwd().resolve()
    if path.resolve() in (here, *here.parents, Path.home().resolve()):
        raise OutputError(
            f"{path}: is the current folder, one above it or the home folder; allowed: a new "
            f"or empty folder elsewhere, e.g. {path / 'run'}"
        )
    if path.is_dir() and any(path.iterdir()) and not replaceable(path):
        raise OutputError(
            f"{path}: folder exists and holds other files; allowed: a new or empty folder, "
            "or an earlier run folder (with run.json)"
        )
    clean_stale(path)
    tmp = Path(tempfile.mkdtemp(prefix=_prefix(path), dir=path.parent))
    try:
        fill(tmp)
        os.chmod(tmp, 0o777 & ~_UMASK)
        for child in tmp.iterdir():
            _fsync(child)
        _fsync_dir(tmp)
        _swap_in(tmp, path)
        _fsync_dir(path.parent)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path


def _swap_in(tmp: Path, path: Path) -> None:
    try:
        os.replace(tmp, path)  # no folder there, or an empty one: one atomic rename
        return
    except OSError:
        if not path.is_dir():
            raise
    import secrets  # only here, when an earlier run folder is replaced (5 ms of every start)

    old = path.parent / (_prefix(path) + secrets.token_hex(6))
    os.rename(path, old)  # the earlier output aside, under a temporary's name
    try:
        os.replace(tmp, path)
    except OSError:
        os.replace(old, path)  # put the earlier output back
        raise
    shutil.rmtree(old, ignore_errors=True)


def clean_stale(path: str | os.PathLike[str]) -> list[Path]:
    """Remove temporaries of ``path`` left by writers that died (pid gone, or older than a day)."""
    path = Path(path)
    removed: list[Path] = []
    try:
        candidates = [
            Path(p) for p in glob.glob(glob.escape(f".{path.name}{TMP_TAG}") + "*", root_dir=path.parent)
        ]
    except OSError:
        return removed
    for tmp in (path.parent / c for c in candidates):
        if _writer_alive(tmp):
            continue
        if tmp.is_dir() and not tmp.is_symlink():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)
        removed.append(tmp)
    return removed


def _prefix(path: Path) -> str:
    return f".{path.name}{TMP_TAG}{os.getpid()}-"


def _writer_alive(tmp: Path) -> bool:
    """Whether the process that made ``tmp`` may still be writing it."""
    try:
        age = time.time() - tmp.lstat().st_mtime
    except OSError:
        return True  # already gone
    if age > STALE_SECONDS:
        return False
    pid_text = tmp.name.rsplit(TMP_TAG, 1)[-1].split("-", 1)[0]
    if not pid_text.isdigit():
        return True  # not one of ours in the expected form: leave it
    pid = int(pid_text)
    if pid == os.getpid():
        return True  # this process, perhaps another thread writing the same target
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows: rely on age
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by another user
        return True
    return True


def _fsync(path: Path) -> None:
    if path.is_file():
        with open(path, "rb") as f:
            os.fsync(f.fileno())


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder for fsync; NTFS journals the rename
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
