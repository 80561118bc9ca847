"""Compile the PETRARCH2 / Phoenix dictionaries (MIT) into the compact files accord.ingest ships.

Run from the repository root with ../shared beside it:

    python scripts/build_ingest_dictionaries.py [DICTIONARY_FOLDER]

The source files keep formats made for a Python 2 coder (synonym sets, bracketed phrases, actor
markers, date-restricted codes). The coder needs far less: for each verb lemma its CAMEO code and the
content words of its patterns, and for each actor or agent phrase its code. Writing that once, here,
keeps the installed package small and free of parsing code it never needs at run time.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "events" / "dictionaries"
OUT = ROOT / "src" / "accord" / "ingest" / "data"
CODE = re.compile(r"\[([^\]]*)\]")
MARKERS = {"*", "$", "+", "^", "%", "-", "="}


def _code(text: str) -> str:
    """The first usable CAMEO code in a bracket such as ``[042:043]`` or ``[:173]``; '' for none."""
    m = CODE.search(text)
    if not m:
        return ""
    for part in m.group(1).split(":"):
        part = part.strip().rstrip("-")
        if part and part != "---" and part.isdigit():
            return part
    return ""


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s_]+", text.strip().lower()) if w]


def read_synsets(lines: list[str]) -> dict[str, list[str]]:
    sets: dict[str, list[str]] = {}
    name = None
    for line in lines:
        line = line.split("#", 1)[0].rstrip()
        if line.startswith("####### VERB PATTERNS"):
            break
        if line.startswith("&"):
            name = line.strip().rstrip("_").lower()
            sets[name] = []
        elif line.startswith("+") and name:
            sets[name].append(" ".join(_words(line[1:])))
        elif not line.strip():
            name = None
    return sets


def _pattern_words(text: str, synsets: dict[str, list[str]]) -> list[list[str]]:
    """Content words of a pattern side; each entry lists alternatives (a synonym set expands)."""
    out: list[list[str]] = []
    for tok in re.split(r"\s+", re.sub(r"[(){}]", " ", text)):
        tok = tok.strip()
        if not tok or tok in MARKERS or tok.startswith("<"):
            continue
        if tok.startswith("&"):
            alts = synsets.get(tok.rstrip("_").lower())
            if alts:
                out.append(sorted({a.split()[-1] for a in alts}))
            continue
        for w in _words(tok):
            if w.isalpha() or "-" in w:
                out.append([w])
    return out


def read_verbs(path: Path) -> dict:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    synsets = read_synsets(lines)
    start = next(i for i, l in enumerate(lines) if l.startswith("####### VERB PATTERNS"))  # noqa: E741
    blocks: list[dict] = []
    verbs: dict[str, list[list]] = {}  # lemma -> [[block index, own code], ...]
    for raw in lines[start + 1 :]:
        if raw.startswith("######## TRANSFORMATIONS"):
            break
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if line.startswith("---"):
            blocks.append({"code": _code(line), "patterns": []})
        elif not blocks:
            continue
        elif line.startswith("-"):
            body = CODE.split(line[1:])[0] if CODE.search(line) else line[1:]
            code = _code(line)
            if "*" not in body:
                continue
            pre, post = body.split("*", 1)
            blocks[-1]["patterns"].append([_pattern_words(pre, synsets), _pattern_words(post, synsets), code])
        else:
            head = re.sub(r"\{[^}]*\}", " ", line)
            own = _code(head)
            head = CODE.sub(" ", head).strip()
            if not head:
                continue
            words = _words(head.lstrip("+"))
            lemma = words[0]
            if len(words) > 1:  # a phrasal verb such as ASK_FOR: the particle becomes a pattern
                blocks[-1]["patterns"].append([[], [[w] for w in words[1:]], own or blocks[-1]["code"]])
                own = ""
            entries = verbs.setdefault(lemma, [])
            if not any(b == len(blocks) - 1 for b, _ in entries):
                entries.append([len(blocks) - 1, own])
    return {"blocks": blocks, "verbs": verbs}


def read_actors(paths: list[Path]) -> dict[str, str]:
    """Phrase -> code; a person with date-restricted codes gets the last one listed (the latest)."""
    table: dict[str, str] = {}
    for path in paths:
        group: list[str] = []
        code = ""

        def flush() -> None:
            if code:  # noqa: B023  (reads the current group on purpose)
                for phrase in group:  # noqa: B023
                    table.setdefault(phrase, code)  # noqa: B023

        for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
            line = raw.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            if raw[:1] in " \t":
                c = CODE.search(line)
                if c:
                    code = c.group(1).split()[0].strip()
                continue
            is_synonym = line.startswith("+")
            c = CODE.search(line)
            name = " ".join(_words(CODE.sub(" ", line).lstrip("+")))
            if not is_synonym:
                flush()
                group, code = [], ""
            if name:
                group.append(name)
            if c and c.group(1).split():
                code = c.group(1).split()[0].strip()
        flush()
    return table


def read_agents(path: Path) -> dict[str, str]:
    macros: dict[str, list[str]] = {}
    table: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("!") and "=" in line:
            name, vals = line.split("=", 1)
            macros[name.strip()] = [v.strip().lower() for v in vals.split(",") if v.strip()]
            continue
        c = CODE.search(line)
        if not c:
            continue
        code = c.group(1).strip().lstrip("~")
        phrase = CODE.sub(" ", line).strip()
        forms = [phrase]
        for macro, vals in macros.items():
            if macro in phrase:
                forms = [f.replace(macro, "_" + v) for f in forms for v in vals]
        for f in forms:
            words = _words(f)
            if words and code:
                table.setdefault(" ".join(words), code)
    return table


def main(source: Path = DEFAULT_SOURCE) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    verbs = read_verbs(source / "CAMEO.2.0.txt")
    actors = read_actors(
        [source / f"Phoenix.{n}.actors.txt" for n in ("Countries", "International", "MilNonState")]
    )
    agents = read_agents(source / "Phoenix.agents.txt")
    payload = {"verbs": verbs, "actors": actors, "agents": agents}
    data = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    with gzip.GzipFile(OUT / "dictionaries.json.gz", "wb", mtime=0) as fh:
        fh.write(data)
    print(
        f"{len(verbs['verbs'])} verbs in {len(verbs['blocks'])} blocks, {len(actors)} actor phrases, "
        f"{len(agents)} agent phrases -> {OUT / 'dictionaries.json.gz'}"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
