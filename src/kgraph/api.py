"""The Python API; the CLI is a thin layer over it.

>>> from kgraph import KnowledgeGraph
>>> kg = KnowledgeGraph.open()          # in memory
>>> kg.stats()["claims"]
0
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .build import BuildResult, build, compile_and_validate
from .stats import count_entities
from .store import EmbeddedStore
from .validate import ValidationReport


class KnowledgeGraph:
    """A knowledge graph on the embedded store; ``open(None)`` keeps it in memory."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store = store

    @classmethod
    def open(cls, path: Path | str | None = None, *, read_only: bool = False) -> KnowledgeGraph:
        """Open (or prepare) the store at ``path``; raises StoreError if it cannot be opened.

        ``read_only`` lets queries run while another process holds the store for writing.
        """
        return cls(EmbeddedStore(Path(path) if path is not None else None, read_only=read_only))

    def build(self, data_dir: Path | str = "data", *, texts: Iterable[Path | str] = ()) -> BuildResult:
        """Compile, validate and load ``data_dir``; raises CardError (2) or ValidationFailed (1)."""
        return build(Path(data_dir), self.store, text_folders=[Path(t) for t in texts])

    @staticmethod
    def validate(
        data_dir: Path | str = "data", cards: Iterable[Path | str] = (), *, texts: Iterable[Path | str] = ()
    ) -> ValidationReport:
        """Validate data/ (or its reference data plus ``cards``) without touching any store."""
        card_paths = [Path(c) for c in cards]
        _compiled, report = compile_and_validate(
            Path(data_dir), text_folders=[Path(t) for t in texts], cards=card_paths, only_cards=bool(card_paths)
        )
        return report

    def stats(self) -> dict[str, int]:
        return count_entities(self.store)

    def close(self) -> None:
        self.store.close()
