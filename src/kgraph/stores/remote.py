"""A knowledge graph held by any SPARQL 1.1 server, used exactly like the embedded store.

Answers come back as pyoxigraph's own types (results are parsed with
``pyoxigraph.parse_query_results``), so typed rows, CSV/TSV/JSON output and
exports are produced by the same code whatever engine answered.

Every query names its dataset: the graphs of the last build, read from the
manifest graph the loader writes, as both ``default-graph-uri`` (their
merge, like the embedded store's union default graph) and
``named-graph-uri`` (for ``GRAPH ?g``). No engine's idea of "the default
graph" is relied on; on a server kgraph did not build (no manifest) queries
run on whatever dataset the server offers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pyoxigraph as ox

from ..errors import StoreError
from ..queries.inline import substitute_parameters
from . import answers
from .config import RemoteSettings
from .http import N_TRIPLES, RESULTS_JSON, SparqlHttp
from .loader import HAS_PART, IDENTIFIER, LOADING, MANIFEST, UNION, LoadReport, load
from .protocol import LoadProgress

_GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")
_MANIFEST_QUERY = (
    f"SELECT ?graph ?digest WHERE {{ ?manifest <{HAS_PART}> ?graph . OPTIONAL {{ ?graph <{IDENTIFIER}> ?digest }} }}"
)
_COUNT_QUERY = "SELECT ?graph (COUNT(*) AS ?triples) WHERE { GRAPH ?graph { ?s ?p ?o } } GROUP BY ?graph"
_GRAPH_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?graph { ?s ?p ?o } }"


class RemoteStore:
    read_only = False

    def __init__(self, settings: RemoteSettings) -> None:
        self.settings = settings
        self.client = SparqlHttp(settings)
        self._manifest: dict[str, str] | None = None
        self.last_load: LoadReport | None = None

    @property
    def profile(self) -> str:
        return self.client.profile.name

    def describe(self) -> str:
        return f"{self.client.endpoints.query} ({self.profile})"

    # -- reading -----------------------------------------------------------------------------------

    def query(
        self, sparql: str, substitutions: Mapping[ox.Variable, Any] | None = None, *, form: str | None = None
    ) -> Any:
        graphs = self.named_graphs()
        default = [UNION] if graphs and self.client.profile.union_graph else graphs
        text = substitute_parameters(sparql, substitutions or {})
        return self._query(text, graphs, form or "SELECT", default=default)

    def _query(self, text: str, graphs: Sequence[str], form: str, *, default: Sequence[str] | None = None) -> Any:
        """``graphs`` are the dataset's named graphs and, unless ``default`` is given, its default graph."""
        graph_form = form in _GRAPH_FORMS
        accept = N_TRIPLES if graph_form else RESULTS_JSON
        response = self.client.query(text, graphs if default is None else default, graphs, accept=accept)
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        try:
            aliases = self.client.profile.datatype_aliases
            if graph_form:
                return answers.triples(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES), aliases)
            if content_type != RESULTS_JSON:
                raise StoreError(f"{self.client.endpoints.query} answered {content_type!r}, not {RESULTS_JSON}")
            data = answers.results_json(response.content, aliases)
            return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        except SyntaxError as error:
            raise StoreError(f"{self.client.endpoints.query} sent an unreadable answer: {error}") from error

    def manifest(self) -> dict[str, str]:
        """Graph IRI → content hash of every graph of the last build (empty before any build)."""
        if self._manifest is None:
            rows = self._query(_MANIFEST_QUERY, [MANIFEST], "SELECT")
            self._manifest = {row["graph"].value: row["digest"].value if row["digest"] else "" for row in rows}
        return self._manifest

    def loading_markers(self) -> dict[str, str]:
        """New graphs an unfinished load was filling: graph IRI → content hash it was loading."""
        rows = self._query(f"SELECT ?graph ?digest WHERE {{ ?graph <{IDENTIFIER}> ?digest }}", [LOADING], "SELECT")
        return {row["graph"].value: row["digest"].value for row in rows}

    def named_graphs(self) -> list[str]:
        return sorted(self.manifest())

    def count_triples(self, graphs: Sequence[str]) -> dict[str, int]:
        if not graphs:
            return {}
        rows = self._query(_COUNT_QUERY, graphs, "SELECT")
        return {row["graph"].value: int(row["triples"].value) for row in rows}

    def quads(self, graph: str | None = None) -> list[ox.Quad]:
        """Each graph fetched whole and checked against its triple count, so a capped answer is an error."""
        graphs = self.named_graphs() if graph is None else [graph]
        expected = self.count_triples(graphs)
        quads: list[ox.Quad] = []
        for name in graphs:
            triples = self._fetch_graph(name)
            if len(triples) != expected.get(name, 0):
                raise StoreError(
                    f"{self.describe()} returned {len(triples)} of the {expected.get(name, 0)} triples of <{name}>; "
                    "the server caps its answers (Virtuoso: raise ResultSetMaxRows in virtuoso.ini)"
                )
            node = ox.NamedNode(name)
            quads.extend(ox.Quad(t.subject, t.predicate, t.object, node) for t in triples)
        return quads

    def _fetch_graph(self, graph: str) -> set[ox.Triple]:
        if self.client.endpoints.graph_store is not None:
            data = self.client.get_graph(graph)
            try:
                parsed = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
                return set(answers.triples(parsed, self.client.profile.datatype_aliases))
            except SyntaxError as error:
                raise StoreError(f"the Graph Store sent unreadable N-Triples for <{graph}>: {error}") from error
        return set(self._query(_GRAPH_QUERY, [graph], "CONSTRUCT"))

    def dump_nquads(self) -> bytes:
        data = ox.serialize(self.quads(), format=ox.RdfFormat.N_QUADS) or b""
        lines = sorted(line for line in data.split(b"\n") if line)
        return b"\n".join(lines) + (b"\n" if lines else b"")

    # -- writing -----------------------------------------------------------------------------------

    def replace_all(
        self,
        nquads: bytes,
        *,
        progress: LoadProgress | None = None,
        before_swap: Callable[[str | None], None] | None = None,
    ) -> None:
        """Load changed graphs staged, then swap; ``before_swap`` is told (None) before anything is sent.

        A server gives no moment between "complete" and "live" that a local
        journal could mark, so a transaction over data/ commits before the load:
        if the process dies mid-load, data/ keeps the change and the next build
        sends it again (data/ is the source of truth, the server a copy).
        """
        if before_swap is not None:
            before_swap(None)
        self._manifest = None
        try:
            self.last_load = load(self, nquads, progress=progress)
        finally:
            self._manifest = None

    def send_piece(self, graph: str, ntriples: bytes, *, replace: bool) -> None:
        """One piece of a staging graph: Graph Store PUT/POST, or INSERT DATA where there is no Graph Store."""
        if self.client.endpoints.graph_store is not None:
            (self.client.put_graph if replace else self.client.post_graph)(graph, ntriples)
            return
        target = ox.NamedNode(graph)
        clear = f"DROP SILENT GRAPH {target} ;\n" if replace else ""
        self.client.update(f"{clear}INSERT DATA {{ GRAPH {target} {{\n{ntriples.decode('utf-8')}}} }}")

    def close(self) -> None:
        self.client.close()
