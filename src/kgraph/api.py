"""The Python API; the CLI is a thin layer over it.

>>> from kgraph import KnowledgeGraph
>>> kg = KnowledgeGraph.open()          # in memory
>>> kg.stats()["claims"]
0
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import CardError, KgraphError, Location
from .queries import QueryError, QueryResult, QueryText, StoredQuery, load_catalog

if TYPE_CHECKING:
    from .build import BuildResult
    from .queries.stream import LiveAnswer
    from .stores import LoadProgress, RemoteSettings, Store
    from .transaction import DataTransaction
    from .validate import ValidationReport

T = TypeVar("T")

# The modules behind each method are imported inside it: a command that only
# queries must not pay for the compiler, the validator and the exporters
# (``kgraph --help`` cost 0.67 s when this module imported them all).


class KnowledgeGraph:
    """A knowledge graph on the embedded store or a SPARQL server; ``open(None)`` keeps it in memory."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.data_dir = Path("data")
        self.texts: list[Path] = []
        self.added_cards: list[Path] = []
        self.recovered: str | None = None

    @classmethod
    def open(cls, location: Path | str | RemoteSettings | None = None, *, read_only: bool = False) -> KnowledgeGraph:
        """Open (or prepare) the store at a folder or ``ENGINE+URL``; raises StoreError if it cannot be opened.

        ``read_only`` lets queries run while another process holds the embedded store for writing.
        """
        from .stores import open_store

        return cls(open_store(location, read_only=read_only))

    def build(
        self,
        data_dir: Path | str = "data",
        *,
        texts: Iterable[Path | str] = (),
        progress: LoadProgress | None = None,
        full: bool = False,
    ) -> BuildResult:
        """Compile, validate and load ``data_dir``; raises CardError (2) or ValidationFailed (1).

        Only what changed since the last build is compiled, loaded and validated
        again; ``full`` rebuilds the store from nothing (the result is the same).
        """
        from .build import build

        self.data_dir, self.texts, self.added_cards = Path(data_dir), [Path(t) for t in texts], []
        require_data_folder(self.data_dir)
        self.recover()
        return build(self.data_dir, self.store, text_folders=self.texts, progress=progress, full=full)

    def recover(self) -> str | None:
        """Finish or undo an import that a killed process left half done (see :mod:`kgraph.transaction`).

        Returns what was done, or None when there was nothing to do.
        """
        from .transaction import recover

        self.recovered = recover(self.data_dir, self.store)
        return self.recovered

    def add(self, card: Path | str) -> BuildResult:
        """Add one source card to what was built, validated together with it; all or nothing.

        The card stays in the store until the next ``build``; put it under
        ``data/sources/`` to keep it for good.
        """
        from .build import build

        cards = [*self.added_cards, Path(card)]
        result = build(self.data_dir, self.store, text_folders=self.texts, cards=cards)
        self.added_cards = cards
        return result

    def import_file(self, path: Path | str) -> BuildResult:
        """Validate an RDF file with everything else and load it into a graph of its own.

        The file is kept in ``data/imports/`` so every later build keeps it; the
        copy and the store change together or not at all (:mod:`kgraph.transaction`).
        """
        from .transaction import DataTransaction

        source = Path(path)
        self.recover()
        transaction = DataTransaction(self.data_dir)
        staged = transaction.stage_copy(source, self.data_dir / "imports" / source.name)
        return self.commit_import(transaction, staged, shown_as=source)

    def commit_import(self, transaction: DataTransaction, staged: Path, *, shown_as: Path | str) -> BuildResult:
        """Build with the staged import and swap store and data/ together; undoes the staging on failure.

        Errors name ``shown_as`` (the file the user gave) rather than the staged copy.
        """
        from .build import build
        from .transaction import JOURNAL

        try:
            result = build(
                self.data_dir,
                self.store,
                text_folders=self.texts,
                cards=self.added_cards,
                imports=[staged],
                before_swap=transaction.commit_point,
            )
        except BaseException as error:
            if isinstance(error, KgraphError):
                error.rename_file(staged, shown_as)
            if (self.data_dir / JOURNAL).exists():
                self.recover()  # past the commit point: the store decides which way it goes
            else:
                transaction.abort()
            raise
        transaction.finish()
        return result

    def export(self, format: str = "turtle", *, source: str | None = None, frame: str | None = None) -> bytes:
        """The store as ``turtle``, ``trig``, ``nquads``, ``ntriples`` or ``jsonld`` (compacted, or framed).

        >>> kg = KnowledgeGraph.open()
        >>> kg.export("nquads")
        b''
        """
        from .export import export

        return export(self.store, format, source=source, frame=frame)

    @staticmethod
    def validate(
        data_dir: Path | str = "data", cards: Iterable[Path | str] = (), *, texts: Iterable[Path | str] = ()
    ) -> ValidationReport:
        """Validate data/ (or its reference data plus ``cards``) without touching any store."""
        from .build import compile_and_validate

        card_paths = [Path(c) for c in cards]
        if not card_paths:
            require_data_folder(Path(data_dir))
        _compiled, report = compile_and_validate(
            Path(data_dir), text_folders=[Path(t) for t in texts], cards=card_paths, only_cards=bool(card_paths)
        )
        return report

    def queries(self) -> dict[str, StoredQuery]:
        """The stored queries of ``queries/`` by name."""
        return load_catalog()

    def query(
        self, name_or_text: str | Path | QueryText, /, *, timeout: float | None = None, **params: object
    ) -> QueryResult:
        """Run a stored query (by name), a ``.rq`` file, SPARQL text or a parsed QueryText, with typed parameters.

        Parameters are bound as RDF terms by the engine; raises ParameterError for an
        unknown name, a missing required value or a value of the wrong type.

        ``SERVICE`` may only call an allowed endpoint (the link endpoints and
        ``KGRAPH_SERVICE_ALLOW``); any other raises QueryError before the query
        runs. The wait for the answer ends after ``timeout`` seconds (default
        ``KGRAPH_QUERY_TIMEOUT``, else 60) with QueryTimeout, or on Ctrl-C with
        KeyboardInterrupt: an evaluation cannot be cancelled, so it finishes in a
        background thread and its answer is dropped.

        An IRI parameter given here that names nothing in the store (a typo in
        ``kgr:event/...``) still runs, and issues an UnknownIriWarning
        (:mod:`kgraph.queries.unknown`) saying so.

        >>> kg = KnowledgeGraph.open()
        >>> kg.query("SELECT ?answer WHERE { BIND(6 * 7 AS ?answer) }").rows
        [{'answer': 42}]
        >>> kg.query("ASK { ?s ?p ?o }").boolean
        False
        """
        from .queries.runner import run_query

        return self._run(run_query, name_or_text, timeout, params)

    def stream(
        self,
        name_or_text: str | Path | QueryText,
        consume: Callable[[LiveAnswer], T],
        /,
        *,
        timeout: float | None = None,
        **params: object,
    ) -> T:
        """Run a query once and hand its answer to ``consume`` as it arrives; returns what ``consume`` returns.

        For output too large to hold: ``consume`` reads the rows (``answer.rows``)
        and writes them out (:func:`kgraph.queries.stream.write_answer` writes
        Oxigraph's CSV, TSV, JSON or XML). It runs in the query's worker thread,
        because pyoxigraph's answers may only be read by the thread that made
        them, and within the time limit. Parameters, the SERVICE check, the
        limit and the warnings are those of :meth:`query`.

        >>> import io
        >>> from kgraph.queries.stream import write_answer
        >>> out = io.BytesIO()
        >>> tally = KnowledgeGraph.open().stream("SELECT ?n WHERE { VALUES ?n { 1 2 3 } }",
        ...     lambda answer: write_answer(answer, out, "csv"))
        >>> out.getvalue()
        b'n\\r\\n1\\r\\n2\\r\\n3\\r\\n'
        """
        from .queries.runner import stream_query

        def run(store: Store, query: QueryText, bound: dict[Any, Any], *, allow: Any, timeout: float | None) -> T:
            return stream_query(store, query, bound, consume, allow=allow, timeout=timeout)

        return self._run(run, name_or_text, timeout, params)

    def _run(
        self, runner: Callable[..., T], name_or_text: str | Path | QueryText, timeout: float | None, params: dict
    ) -> T:
        from .queries.guard import ServiceAllowList
        from .queries.unknown import UnknownIriWarning, unknown_iris

        query, defaults = self._resolve(name_or_text)
        bound = query.bind(dict(params), defaults)
        allow = ServiceAllowList.from_environment(_link_endpoints(query))
        result = runner(self.store, query, bound, allow=allow, timeout=timeout)
        given = [name for name, value in params.items() if value is not None]
        for message in unknown_iris(self.store, query, bound, given) if given else ():
            warnings.warn(message, UnknownIriWarning, stacklevel=3)
        return result

    def _resolve(self, name_or_text: str | Path | QueryText) -> tuple[QueryText, dict[str, object]]:
        if isinstance(name_or_text, QueryText):
            return name_or_text, {}
        if isinstance(name_or_text, Path) or str(name_or_text).endswith(".rq"):
            stored = StoredQuery.load(Path(name_or_text))
            return stored.query, stored.defaults
        from .resources import resource_dir

        if any(c.isspace() for c in name_or_text.strip()):  # SPARQL text; a long one is no file name
            return QueryText.parse(name_or_text), {}
        stored_file = resource_dir("queries") / f"{name_or_text}.rq"
        if "/" not in name_or_text and stored_file.is_file():  # parse just this one, not the catalog
            stored = StoredQuery.load(stored_file)
            return stored.query, stored.defaults
        raise QueryError(f"no stored query called {name_or_text!r}; `kgraph queries` lists them")

    def stats(self) -> dict[str, int]:
        from .stats import count_entities

        return count_entities(self.store)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *_exc: object) -> None:
        """Closing releases the embedded store's lock, so a failed command never blocks the next one."""
        self.close()


def _link_endpoints(query: QueryText) -> tuple[str, ...]:
    """The link endpoints SERVICE may call; their module (0.2 s to import) only for a text that says SERVICE."""
    from .queries.syntax import may_call_service

    if not may_call_service(query.text):
        return ()
    from .link.endpoint import link_endpoints

    return link_endpoints()


def require_data_folder(data_dir: Path) -> None:
    """Building from a folder that is not there would load an empty store and call it conforming."""
    if not data_dir.is_dir():
        raise CardError("no data folder here: expected a folder with sources/ and reference/", Location(data_dir))
    if not (data_dir / "sources").is_dir() and not (data_dir / "reference").is_dir():
        raise CardError("expected sources/ (cards) or reference/ in the data folder", Location(data_dir))
