"""The Python API; the CLI is a thin layer over it.

>>> from kgraph import KnowledgeGraph
>>> kg = KnowledgeGraph.open()          # in memory
>>> kg.stats()["claims"]
0
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from .build import BuildResult, build, compile_and_validate
from .export import export
from .queries import QueryError, QueryResult, QueryText, StoredQuery, load_catalog
from .queries.results import collect
from .resources import resource_dir
from .stats import count_entities
from .stores import LoadProgress, RemoteSettings, Store, open_store
from .validate import ValidationReport


class KnowledgeGraph:
    """A knowledge graph on the embedded store or a SPARQL server; ``open(None)`` keeps it in memory."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.data_dir = Path("data")
        self.texts: list[Path] = []
        self.added_cards: list[Path] = []

    @classmethod
    def open(cls, location: Path | str | RemoteSettings | None = None, *, read_only: bool = False) -> KnowledgeGraph:
        """Open (or prepare) the store at a folder or ``ENGINE+URL``; raises StoreError if it cannot be opened.

        ``read_only`` lets queries run while another process holds the embedded store for writing.
        """
        return cls(open_store(location, read_only=read_only))

    def build(
        self, data_dir: Path | str = "data", *, texts: Iterable[Path | str] = (), progress: LoadProgress | None = None
    ) -> BuildResult:
        """Compile, validate and load ``data_dir``; raises CardError (2) or ValidationFailed (1)."""
        self.data_dir, self.texts, self.added_cards = Path(data_dir), [Path(t) for t in texts], []
        return build(self.data_dir, self.store, text_folders=self.texts, progress=progress)

    def add(self, card: Path | str) -> BuildResult:
        """Add one source card to what was built, validated together with it; all or nothing.

        The card stays in the store until the next ``build``; put it under
        ``data/sources/`` to keep it for good.
        """
        cards = [*self.added_cards, Path(card)]
        result = build(self.data_dir, self.store, text_folders=self.texts, cards=cards)
        self.added_cards = cards
        return result

    def import_file(self, path: Path | str) -> BuildResult:
        """Validate an RDF file with everything else and load it into a graph of its own.

        On success the file is copied to ``data/imports/`` so every later build keeps it.
        """
        source = Path(path)
        result = build(self.data_dir, self.store, text_folders=self.texts, cards=self.added_cards, imports=[source])
        target = self.data_dir / "imports" / source.name
        if source.resolve() != target.resolve():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        return result

    def export(self, format: str = "turtle", *, source: str | None = None, frame: str | None = None) -> bytes:
        """The store as ``turtle``, ``trig``, ``nquads``, ``ntriples`` or ``jsonld`` (compacted, or framed).

        >>> kg = KnowledgeGraph.open()
        >>> kg.export("nquads")
        b''
        """
        return export(self.store, format, source=source, frame=frame)

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

    def queries(self) -> dict[str, StoredQuery]:
        """The stored queries of ``queries/`` by name."""
        return load_catalog()

    def query(self, name_or_text: str | Path, /, **params: object) -> QueryResult:
        """Run a stored query (by name), a ``.rq`` file, or SPARQL text, with typed parameters.

        Parameters are bound as RDF terms by the engine; raises ParameterError for an
        unknown name, a missing required value or a value of the wrong type.

        >>> kg = KnowledgeGraph.open()
        >>> kg.query("SELECT ?answer WHERE { BIND(6 * 7 AS ?answer) }").rows
        [{'answer': 42}]
        >>> kg.query("ASK { ?s ?p ?o }").boolean
        False
        """
        query, defaults = self._resolve(name_or_text)
        substitutions = query.bind(dict(params), defaults)

        def run() -> object:
            try:
                return self.store.query(query.text, substitutions, form=query.form)
            except (SyntaxError, ValueError, OSError, RuntimeError) as error:
                raise QueryError(f"the query failed: {error}") from error

        return collect(query.form, run(), run)

    def _resolve(self, name_or_text: str | Path) -> tuple[QueryText, dict[str, object]]:
        if isinstance(name_or_text, Path) or str(name_or_text).endswith(".rq"):
            stored = StoredQuery.load(Path(name_or_text))
            return stored.query, stored.defaults
        stored_file = resource_dir("queries") / f"{name_or_text}.rq"
        if "/" not in name_or_text and stored_file.is_file():  # parse just this one, not the catalog
            stored = StoredQuery.load(stored_file)
            return stored.query, stored.defaults
        if not any(c.isspace() for c in name_or_text.strip()):
            raise QueryError(f"no stored query called {name_or_text!r}; `kgraph queries` lists them")
        return QueryText.parse(name_or_text), {}

    def stats(self) -> dict[str, int]:
        return count_entities(self.store)

    def close(self) -> None:
        self.store.close()
