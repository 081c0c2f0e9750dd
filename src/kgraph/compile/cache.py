"""Each file's compiled graph kept on disk, found again by the digest of what went into it.

A card's output depends on its bytes, the compiler, the ontology, the texts it
cites and the kind of every entity it refers to. The entry is filed under the
digest of the first three and records the other two; a later build reuses it
only if those still hold. Graph files are named by the SHA-256 of their
N-Quads, so an entry can never point at half-written output: a crash leaves at
most an unused file, and writes go through a temporary name and a rename.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..resources import ontology_file, resource_dir

CACHE_FORMAT = "kgraph-compile-cache/1"


def compiler_digest() -> str:
    """The compiler's own inputs: kgraph's source files, the ontology and the shapes; any change empties the cache.

    The ontology and shapes are read on every call: they may come from another
    folder (``KGRAPH_RESOURCES``), and a missing one must be reported, not cached.
    """
    digest = hashlib.sha256(_source_digest().encode())
    digest.update(ontology_file().read_bytes())
    for path in sorted(resource_dir("shapes").glob("*.ttl")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


@cache
def _source_digest() -> str:
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def file_key(compiler: str, path: Path, raw: bytes) -> str:
    """Where a file's entry is filed: the compiler's digest, the path the build named it by, its bytes."""
    digest = hashlib.sha256(compiler.encode())
    digest.update(str(path).encode("utf-8", "surrogateescape") + b"\0" + raw)
    return digest.hexdigest()


@dataclass
class CompileCache:
    """Entries and graph files under ``folder``; in memory only when there is no folder (a remote store)."""

    folder: Path | None

    def __post_init__(self) -> None:
        self._memory: dict[str, bytes] = {}

    def entry(self, key: str) -> dict[str, Any] | None:
        raw = self._read(f"{key}.json")
        if raw is None:
            return None
        try:
            entry = json.loads(raw)
        except ValueError:
            return None  # a damaged entry is a miss: the file is compiled again
        return entry if isinstance(entry, dict) and entry.get("format") == CACHE_FORMAT else None

    def put_entry(self, key: str, entry: dict[str, Any]) -> None:
        self._write(f"{key}.json", json.dumps({**entry, "format": CACHE_FORMAT}).encode())

    def put_locations(self, key: str, locations: dict[str, int | None]) -> None:
        """A file's node-to-line map, apart from its entry: large, and needed only to place a finding."""
        self._write(f"{key}.lines.json", json.dumps(locations).encode())

    def has_locations(self, key: str) -> bool:
        return (
            self._read(f"{key}.lines.json") is not None
            if self.folder is None
            else (self.folder / f"{key}.lines.json").exists()
        )

    def locations(self, key: str) -> dict[str, int | None] | None:
        raw = self._read(f"{key}.lines.json")
        try:
            return None if raw is None else json.loads(raw)
        except ValueError:
            return None

    def put_graph(self, nquads: bytes) -> str:
        """Store N-Quads, lines sorted, under their own SHA-256 and return it.

        Sorted, because rdflib writes statements in an order that changes from
        one process to the next: the same graph must get the same digest.
        """
        lines = sorted(line for line in nquads.split(b"\n") if line.strip())
        nquads = b"\n".join(lines) + (b"\n" if lines else b"")
        digest = hashlib.sha256(nquads).hexdigest()
        if self.folder is None or not (self.folder / f"{digest}.nq").exists():
            self._write(f"{digest}.nq", nquads)
            self._write(f"{digest}.count", str(len(lines)).encode())
        return digest

    def quad_count(self, digest: str) -> int:
        """How many statements a graph holds, without reading it (a build reports the total of all graphs)."""
        raw = self._read(f"{digest}.count")
        if raw is not None and raw.strip().isdigit():
            return int(raw)
        count = self.graph(digest).count(b"\n")
        self._write(f"{digest}.count", str(count).encode())
        return count

    def graph_path(self, digest: str) -> Path | None:
        """The file holding a graph's N-Quads, or None when the cache lives in memory."""
        return None if self.folder is None else self.folder / f"{digest}.nq"

    def graph(self, digest: str) -> bytes:
        raw = self._read(f"{digest}.nq")
        if raw is None:
            raise FileNotFoundError(f"compiled graph {digest} is missing from the cache")
        return raw

    def has_graph(self, digest: str) -> bool:
        return (
            self._read(f"{digest}.nq") is not None if self.folder is None else (self.folder / f"{digest}.nq").exists()
        )

    def _read(self, name: str) -> bytes | None:
        if self.folder is None:
            return self._memory.get(name)
        try:
            return (self.folder / name).read_bytes()
        except OSError:
            return None

    def _write(self, name: str, raw: bytes) -> None:
        if self.folder is None:
            self._memory[name] = raw
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.folder / f".{name}.{uuid.uuid4().hex[:8]}"
        temporary.write_bytes(raw)
        os.replace(temporary, self.folder / name)

    def keep_only(self, keys: set[str], graphs: set[str]) -> None:
        """Delete entries and graph files no current input uses: without this, every edit would leave its old output.

        Called after a build went live; what it deletes can always be compiled again.
        """
        if self.folder is None or not self.folder.is_dir():
            return
        for item in self.folder.iterdir():
            stem = item.name.split(".", 1)[0]
            if item.name.startswith(".") or stem in keys or stem in graphs or not item.is_file():
                continue
            item.unlink(missing_ok=True)
