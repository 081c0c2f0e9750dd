"""The embedded Oxigraph store under ``.kgraph/``, replaced all-or-nothing.

A build writes a complete new store beside the current one and then swaps a
one-line ``CURRENT`` pointer with an atomic rename (as LevelDB does): a crash
or a failed load at any moment leaves the previous store in place, and
readers never see a half-loaded graph.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
import shutil
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import StoreError
from .protocol import LoadProgress

POINTER = "CURRENT"
# The only names a build ever writes into CURRENT: a pointer saying anything else was not written by kgraph.
STORE_NAME = re.compile(r"stores/store-[0-9a-f]{12}")


class EmbeddedStore:
    """An Oxigraph store on disk (``path``) or in memory (``path=None``)."""

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self.set_aside: tuple[Path, str] | None = None  # where a corrupt store went, and why
        self._store = self._open_current()

    @property
    def oxigraph(self) -> ox.Store:
        return self._store

    def _open_current(self) -> ox.Store:
        if self.path is None:
            return ox.Store()
        try:
            name = self.current_name()
            if name is None:
                if self.read_only:
                    raise StoreError(f"no store has been built at {self.path}: run `kgraph build` first")
                return ox.Store()  # nothing built yet: an empty, throw-away store until the first build
            directory = self.path / name
            # A reader does not take the writer's lock, so queries run while another process holds the store.
            return ox.Store.read_only(str(directory)) if self.read_only else ox.Store(str(directory))
        except StoreError:
            raise
        except Exception as error:  # RocksDB reports corruption as RuntimeError, a panic as PanicException
            if "lock" in str(error).lower():
                raise StoreError(
                    f"the store at {self.path} is in use by another process (an Oxigraph server serving it?): "
                    "query it read-only, or point --store at that server (oxigraph+http://HOST:PORT)"
                ) from error
            return self._set_aside(f"{type(error).__name__}: {error}")

    def current_name(self) -> str | None:
        """The store folder ``CURRENT`` names, or None before the first build; raises if it is not kgraph's.

        The pointer is data on disk, so it is checked like input: a name outside
        ``stores/`` would make the next build write wherever it pointed.
        """
        assert self.path is not None
        pointer = self.path / POINTER
        if not pointer.exists():
            return None
        try:
            name = pointer.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise _CorruptStore(f"{pointer} cannot be read: {error}") from error
        if not STORE_NAME.fullmatch(name):
            raise _CorruptStore(f"{pointer} names {name[:80]!r}, expected stores/store-<12 hex digits>")
        if not (self.path / name).is_dir():
            raise _CorruptStore(f"{pointer} names {name}, which does not exist")
        return name

    def _set_aside(self, problem: str) -> ox.Store:
        """A store that cannot be opened is moved aside for inspection; a writer then starts from empty."""
        assert self.path is not None
        if self.read_only:
            raise StoreError(
                f"the store at {self.path} cannot be opened ({problem}); "
                "`kgraph build` sets it aside and rebuilds it from data/"
            )
        aside = self.path / f"corrupt-{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
        aside.mkdir(parents=True)
        for item in (POINTER, "stores"):
            if (self.path / item).exists() or (self.path / item).is_symlink():
                os.replace(self.path / item, aside / item)
        self.set_aside = (aside, problem)
        return ox.Store()

    def describe(self) -> str:
        return str(self.path) if self.path is not None else "memory"

    def replace_all(
        self,
        nquads: bytes,
        *,
        progress: LoadProgress | None = None,
        before_swap: Callable[[str | None], None] | None = None,
    ) -> None:
        """Make the store hold exactly ``nquads``; on any error the old content stays.

        One bulk load into a fresh directory is faster than any chunking, so
        ``progress`` is only told about the whole load at its end.
        ``before_swap`` is told the new store's name once it is complete on disk
        and before the pointer moves: the moment a transaction over data/ and the
        store must record that it is about to commit.
        """
        if self.read_only:
            raise StoreError("the store was opened read-only")
        if self.path is None:
            fresh = ox.Store()
            fresh.load(nquads, format=ox.RdfFormat.N_QUADS)
            if before_swap is not None:
                before_swap(None)
            self._store = fresh
            return
        stores = self.path / "stores"
        _refuse_outside(self.path, stores)
        try:
            stores.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create the store folder {stores}: {error.strerror or error}") from error
        name = f"stores/store-{uuid.uuid4().hex[:12]}"
        target = self.path / name
        try:
            fresh = ox.Store(str(target))
            # Bulk loading skips transactions, safe in a directory nothing else sees yet (0.5 s for 75 k
            # quads against 1.6 s for load). Dropping the last reference closes it; no gc.collect, which
            # cost over a second a call with a freshly validated dataset's objects still alive.
            fresh.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
            fresh.flush()
            del fresh
        except (OSError, SyntaxError, ValueError) as error:
            shutil.rmtree(target, ignore_errors=True)
            raise StoreError(f"loading the new store failed, the old one is untouched: {error}") from error
        if before_swap is not None:
            try:
                before_swap(name)
            except BaseException:
                shutil.rmtree(target, ignore_errors=True)
                raise
        self._swap_pointer(name)
        if progress is not None:
            progress(nquads.count(b"\n"), nquads.count(b"\n"))

    def _swap_pointer(self, name: str) -> None:
        assert self.path is not None
        temporary = self.path / f"{POINTER}.{uuid.uuid4().hex[:8]}"
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write(name + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path / POINTER)
        self._store = None  # type: ignore[assignment]  # the last reference: the old store closes here
        self._store = self._open_current()
        self._remove_stale(keep=name)

    def _remove_stale(self, keep: str) -> None:
        assert self.path is not None
        for directory in (self.path / "stores").iterdir():
            if f"stores/{directory.name}" != keep:
                shutil.rmtree(directory, ignore_errors=True)

    def query(
        self, sparql: str, substitutions: Mapping[ox.Variable, Any] | None = None, *, form: str | None = None
    ) -> Any:
        """Parameters are bound by the engine (pre-bound before evaluation), never written into the text."""
        return self._store.query(sparql, substitutions=dict(substitutions or {}), use_default_graph_as_union=True)

    def quads(self, graph: str | None = None) -> list[ox.Quad]:
        if graph is None:
            return list(self._store)
        return list(self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def dump_nquads(self) -> bytes:
        """All quads, sorted, so two dumps of equal content are equal bytes."""
        data = self._store.dump(format=ox.RdfFormat.N_QUADS) or b""
        lines = sorted(line for line in data.split(b"\n") if line)
        return b"\n".join(lines) + (b"\n" if lines else b"")

    def named_graphs(self) -> list[str]:
        return sorted(graph.value for graph in self._store.named_graphs())

    def close(self) -> None:
        self._store = None  # type: ignore[assignment]
        gc.collect()


class _CorruptStore(RuntimeError):
    """The pointer file is not one kgraph wrote; handled like a store RocksDB cannot open."""


def _refuse_outside(root: Path, folder: Path) -> None:
    """The store never writes outside its own folder, even through a planted symlink."""
    if folder.is_symlink() or (folder.exists() and not folder.resolve().is_relative_to(root.resolve())):
        raise StoreError(f"{folder} leads outside the store folder {root}; refusing to write there")
