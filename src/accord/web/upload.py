"""Parse an uploaded scenario file without ever touching a path the client named.

Only the suffix of the client's file name is used (to pick a reader) and its base name appears in
error messages. YAML and JSON are parsed in memory with the safe loaders; the table and KTAB
readers need a file, so the bytes go to a temporary directory this process creates and removes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path, PureWindowsPath

from ..scenario import ScenarioError, load, loads_json, loads_yaml
from ..scenario.schema import Scenario

TEXT_READERS = {".yaml": loads_yaml, ".yml": loads_yaml, ".json": loads_json}
FILE_SUFFIXES = (".csv", ".xlsx", ".xml")
ALLOWED = ", ".join([*TEXT_READERS, *FILE_SUFFIXES])


def display_name(filename: str) -> str:
    """The base name of a client-supplied file name, whatever separators it uses."""
    return PureWindowsPath(filename.replace("/", "\\")).name or "upload"


def parse_upload(data: bytes, filename: str) -> Scenario:
    name = display_name(filename)
    suffix = Path(name).suffix.lower()
    if suffix in TEXT_READERS:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ScenarioError("the file is not UTF-8 text", file=name, location=f"byte {exc.start}",
                                allowed="a UTF-8 encoded text file") from None
        return TEXT_READERS[suffix](text, name)
    if suffix in FILE_SUFFIXES:
        with tempfile.TemporaryDirectory(prefix="accord-upload-") as folder:
            path = Path(folder) / f"upload{suffix}"
            path.write_bytes(data)
            try:
                return load(path)
            except ScenarioError as exc:
                raise exc.with_file(name) from None
    raise ScenarioError("unsupported file type", file=name, value=suffix or name, allowed=ALLOWED)
