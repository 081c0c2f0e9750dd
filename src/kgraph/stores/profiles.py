"""What differs between SPARQL servers, kept in one table instead of ``if engine ==`` everywhere.

Every profile speaks the same standards (SPARQL 1.1 Protocol, Update and the
Graph Store Protocol); a profile only says where an engine puts its
endpoints, how to recognise it, and what its quirks need:

* Virtuoso cuts answers at ``ResultSetMaxRows`` and says so only in an
  ``X-SPARQL-MaxRows`` header; its Graph Store endpoint takes one graph per
  request as N-Triples (a TriG POST is answered with an HTML form and
  ignored, ``?default`` is refused); updates need ``GRANT SPARQL_UPDATE TO
  "SPARQL"``, or credentials on its ``-auth`` endpoints, which use Digest.
* Oxigraph server keeps its default graph apart from the named graphs
  unless started with ``--union-default-graph``.

Neither default-graph behaviour matters to kgraph: every query names its
dataset (the graphs of the last build) with ``default-graph-uri`` and
``named-graph-uri``, so Virtuoso's own system graphs are never in it.

Virtuoso 7.2 evaluates property paths (``rdfs:subClassOf*``,
``kg:locatedIn+``) wrongly when the default graph is given as several
graphs: joined with other patterns they return a fraction of the rows. So
for Virtuoso the loader keeps one more graph, the union of the build's
graphs, and queries name that single graph as their default graph. It
doubles the space the data takes on the server, the price of correct answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Endpoints:
    query: str
    update: str
    graph_store: str | None  # None: load with SPARQL Update (INSERT DATA) instead


@dataclass(frozen=True)
class Profile:
    name: str
    server_header: str  # lower-case start of the HTTP Server header that identifies the engine
    query_path: str  # what the query URL ends with, stripped to find the base
    update_path: str
    graph_store_path: str | None
    authenticated_paths: tuple[str, str, str | None] | None = None  # (query, update, graph store)
    other_query_paths: tuple[str, ...] = ()  # also recognised at the end of a given URL
    default_auth: str = "basic"
    max_rows_header: str | None = None
    # Query a materialised copy of the build's graphs as the default graph, not a list of graphs.
    union_graph: bool = False
    # Datatypes an engine substitutes for the one loaded (its IRI → the original), restored in answers.
    datatype_aliases: Mapping[str, str] = field(default_factory=dict)
    update_refused_hint: str = "give credentials in KGRAPH_STORE_USER / KGRAPH_STORE_PASSWORD or KGRAPH_STORE_TOKEN"

    def endpoints(self, url: str, *, authenticated: bool) -> Endpoints:
        """The three endpoint URLs from the one the user gave (the query endpoint, or the server's base)."""
        url = url.rstrip("/")
        if self.name == GENERIC_NAME:
            return Endpoints(url, url, None)
        base = url
        for known_query_path in (self.query_path, *self.other_query_paths):
            if known_query_path:
                base = base.removesuffix(known_query_path)
        query, update, graph_store = (
            self.authenticated_paths
            if authenticated and self.authenticated_paths
            else (self.query_path, self.update_path, self.graph_store_path)
        )
        return Endpoints(base + query, base + update, None if graph_store is None else base + graph_store)


GENERIC_NAME = "sparql"
GENERIC = Profile(GENERIC_NAME, "", "", "", None)
PROFILES: dict[str, Profile] = {
    profile.name: profile
    for profile in (
        GENERIC,
        Profile("oxigraph", "oxigraph/", "/query", "/update", "/store"),
        Profile(
            "virtuoso",
            "virtuoso/",
            "/sparql",
            "/sparql",
            "/sparql-graph-crud",
            authenticated_paths=("/sparql-auth", "/sparql-auth", "/sparql-graph-crud-auth"),
            other_query_paths=("/sparql-auth",),
            default_auth="digest",
            max_rows_header="X-SPARQL-MaxRows",
            union_graph=True,
            datatype_aliases={
                "http://www.openlinksw.com/schemas/virtrdf#Geometry": "http://www.opengis.net/ont/geosparql#wktLiteral"
            },
            update_refused_hint=(
                'as dba, run GRANT SPARQL_UPDATE TO "SPARQL"; (isql-vt), or give a user with '
                "KGRAPH_STORE_USER / KGRAPH_STORE_PASSWORD to use /sparql-auth"
            ),
        ),
        # Fuseki and GraphDB are configured from their documented layouts; CI proves Oxigraph and Virtuoso.
        Profile("fuseki", "apache jena fuseki", "/query", "/update", "/data", other_query_paths=("/sparql",)),
        Profile("graphdb", "", "", "/statements", "/rdf-graphs/service"),
    )
}


def detect(server_header: str) -> Profile:
    """The profile whose engine sent this ``Server`` header, or the generic one."""
    header = server_header.lower()
    for profile in PROFILES.values():
        if profile.server_header and header.startswith(profile.server_header):
            return profile
    return GENERIC
