"""Parse an uploaded scenario file without ever touching a path the client named.

Only the suffix of the client's file name is used (to pick a reader) and its base name appears in
error messages. YAML and JSON are parsed in memory with the safe loaders; the table and KTAB
readers need a file, so the bytes go to a temporary directory this process creates and removes.
Readers write the path they read into what they return (KTAB's ``source``) and into their errors;
the temporary path is replaced by the client's base name in both, so no answer shows where the
server keeps its files.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
from pathlib import Path, PureWindowsPath

from ..scenario import ScenarioError, load, loads_json, loads_yaml
from ..scenario.schema import Scenario

TEXT_READERS = {".yaml": loads_yaml, ".yml": loads_yaml, ".json": loads_json}
FILE_SUFFIXES = (".csv", ".xlsx", ".xml")
ALLOWED = ", ".join([*TEXT_READERS, *FILE_SUFFIXES])
log = logging.getLogger("accord.web")


def display_name(filename: str) -> str:
    """The base name of a client-supplied file name, whatever separators it uses."""
    return PureWindowsPath(filename.replace("/", "\\")).name or "upload"


def parse_upload(data: bytes, filename: str) -> Scenario:
    """A scenario from an uploaded file, read by its suffix; a ScenarioError naming the file otherwise."""
    name = display_name(filename)
    suffix = Path(name).suffix.lower()
    if suffix not in TEXT_READERS and suffix not in FILE_SUFFIXES:
        raise ScenarioError("unsupported file type", file=name, value=suffix or name, allowed=ALLOWED)
    try:
        return _read(data, name, suffix)
    except (ScenarioError, MemoryError, RecursionError):
        raise
    except Exception as exc:  # noqa: BLE001  (a reader tripping over a malformed file: the file's fault)
        reason = re.sub(re.escape(tempfile.gettempdir()) + r"\S*", name, f"{type(exc).__name__}: {exc}")[:200]
        log.warning("upload %r: the %s reader failed: %s", name, suffix, reason)
        raise ScenarioError(
            f"the file could not be read ({reason})",
            file=name,
            allowed=f"a scenario file in one of {ALLOWED}, as `accord convert` writes",
        ) from None


def _read(data: bytes, name: str, suffix: str) -> Scenario:
    if suffix in TEXT_READERS:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ScenarioError(
                "the file is not UTF-8 text",
                file=name,
                location=f"byte {exc.start}",
                allowed="a UTF-8 encoded text file",
            ) from None
        return TEXT_READERS[suffix](text, name)
    with tempfile.TemporaryDirectory(prefix="accord-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            scenario = load(path)
        except ScenarioError as exc:
            raise _scrubbed_error(exc, str(path), name) from None
        return _scrubbed(scenario, str(path), name)


def _scrubbed_error(exc: ScenarioError, path: str, name: str) -> ScenarioError:
    def fix(text: str | None) -> str | None:
        return text.replace(path, name) if isinstance(text, str) else text

    return ScenarioError(
        fix(exc.message) or "",
        file=name,
        location=fix(exc.location),
        value=fix(exc.value) if isinstance(exc.value, str) else exc.value,
        allowed=fix(exc.allowed),
    )


def _scrubbed(scenario: Scenario, path: str, name: str) -> Scenario:
    """The scenario with the temporary path replaced by the client's file name wherever it appears."""
    text = json.dumps(scenario.model_dump(mode="json", exclude_none=True))
    quoted = json.dumps(path)[1:-1]
    if quoted not in text:
        return scenario
    return Scenario.model_validate(json.loads(text.replace(quoted, json.dumps(name)[1:-1])))
