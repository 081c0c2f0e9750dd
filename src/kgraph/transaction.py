"""Changes to data/ that commit together with the store: both change, or neither does, whatever dies when.

An import has two halves: the store that answers queries, and the copy in
``data/imports/`` that every later build reads. Written one after the other,
a failure or a kill between them leaves either an import that the next build
silently drops (store only) or one that was never validated (data/ only).

The protocol, in the order things happen on disk:

1. The new files are written into ``data/.kgraph-staging/`` (fsynced).
   Builds never read that folder, and the build of this change reads the
   staged bytes, so what is validated is exactly what will be kept.
2. The new store is written completely, beside the old one.
3. A journal ``data/.kgraph-commit.json`` records the staged files and the new
   store's name. This is the commit point.
4. The store pointer swaps (one atomic rename).
5. Staged files are renamed into place; the journal is removed.

``recover`` runs before every build and import: a journal whose store is not
the current one means the process died before step 4, so the staged files are
dropped (roll back); otherwise it died after, so they are moved into place
(roll forward). Stores on a server have no such moment (see
``RemoteStore.replace_all``): their journal rolls forward.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .errors import KgraphError, Location
from .stores import EmbeddedStore, Store

JOURNAL = ".kgraph-commit.json"
STAGING = Path(".kgraph-staging")


class DataTransactionError(KgraphError):
    """data/ cannot take the change (a file where a folder should be, no space, no permission)."""


@dataclass
class DataTransaction:
    """Files to put under ``data_dir`` when, and only when, the store swaps in the build that validated them."""

    data_dir: Path
    moves: list[tuple[Path, Path]] = field(default_factory=list)  # staged file -> its final place

    def stage_copy(self, source: Path, target: Path) -> Path:
        """Copy ``source`` into staging for ``target``; returns the staged path, which the build should read."""
        staged = self._staging_folder(target) / target.name
        try:
            with source.open("rb") as reader, staged.open("wb") as writer:
                shutil.copyfileobj(reader, writer, 1 << 20)
                writer.flush()
                os.fsync(writer.fileno())
        except OSError as error:
            self.abort()
            raise DataTransactionError(f"cannot copy into {staged.parent}: {error.strerror or error}") from error
        self.moves.append((staged, target))
        return staged

    def staged_path(self, target: Path) -> Path:
        """Where a file to be written by the caller (a conversion) goes before it commits."""
        staged = self._staging_folder(target) / target.name
        self.moves.append((staged, target))
        return staged

    def _staging_folder(self, target: Path) -> Path:
        """The staging folder, made if needed; refuses before anything is written if the target's folder is a file."""
        folder = self.data_dir / STAGING
        if target.parent.exists() and not target.parent.is_dir():
            self.abort()
            raise DataTransactionError("expected a folder here, found a file", Location(target.parent))
        for needed in (self.data_dir, folder):
            if needed.exists() and not needed.is_dir():
                self.abort()
                raise DataTransactionError("expected a folder here, found a file", Location(needed))
            if not needed.exists():
                try:
                    needed.mkdir()
                except OSError as error:
                    self.abort()
                    raise DataTransactionError(
                        f"cannot create the folder: {error.strerror}", Location(needed)
                    ) from error
        return folder

    def commit_point(self, store_name: str | None) -> None:
        """Called by the store once the new store is complete and before it goes live: write the journal."""
        journal = {"store": store_name, "moves": [[str(staged), str(target)] for staged, target in self.moves]}
        write_atomically(self.data_dir / JOURNAL, json.dumps(journal, indent=1).encode("utf-8"))

    def finish(self) -> None:
        """After the swap: move staged files into place and drop the journal."""
        _roll_forward(self.moves)
        (self.data_dir / JOURNAL).unlink(missing_ok=True)
        self._remove_created()

    def abort(self) -> None:
        """Before the commit point: forget the staged files, leaving data/ as it was."""
        for staged, _target in self.moves:
            staged.unlink(missing_ok=True)
        self.moves.clear()
        (self.data_dir / JOURNAL).unlink(missing_ok=True)
        self._remove_created()

    def _remove_created(self) -> None:
        staging = self.data_dir / STAGING
        if staging.is_dir() and not any(staging.iterdir()):
            staging.rmdir()


def recover(data_dir: Path, store: Store) -> str | None:
    """Finish or undo a change that a dead process left half done; returns what was done, for the user."""
    journal_path = data_dir / JOURNAL
    staging = data_dir / STAGING
    if not journal_path.is_file():
        if staging.is_dir():  # died before the commit point: staged files are leftovers
            shutil.rmtree(staging, ignore_errors=True)
            return f"removed files staged by an interrupted import in {staging}"
        return None
    try:
        journal = json.loads(journal_path.read_text(encoding="utf-8"))
        moves = [(Path(staged), Path(target)) for staged, target in journal["moves"]]
        store_name = journal["store"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise DataTransactionError(
            f"unreadable commit journal ({error}); move it away to continue", Location(journal_path)
        ) from error
    current = store.current_name() if isinstance(store, EmbeddedStore) and store.path is not None else None
    committed = store_name is None or store_name == current
    if committed:
        _roll_forward(moves)
    else:
        for staged, _target in moves:
            staged.unlink(missing_ok=True)
    journal_path.unlink(missing_ok=True)
    if staging.is_dir():
        shutil.rmtree(staging, ignore_errors=True)
    names = ", ".join(target.name for _staged, target in moves)
    return f"{'completed' if committed else 'rolled back'} an interrupted import ({names})"


def _roll_forward(moves: list[tuple[Path, Path]]) -> None:
    for staged, target in moves:
        if staged.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)


def write_atomically(path: Path, content: bytes) -> None:
    """Write beside, fsync, rename: a reader sees the old file or the new one, never half of one."""
    with writing_atomically(path) as handle:
        handle.write(content)


@contextlib.contextmanager
def writing_atomically(path: Path) -> Iterator[BinaryIO]:
    """A file to stream into that appears at ``path`` only when complete (fsync, rename); removed on failure.

    For output too large to hold in memory (an export of a whole store).
    """
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with temporary.open("wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
