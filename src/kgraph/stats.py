"""Counts a user checks first after a build: did everything I curated arrive?

Counting over the whole store grows with it (0.5 s at 10,000 events, ten
times that at 100,000), which would make the summary after a one-card
build cost more than the build. So each build on the embedded store records
the counts in its manifest: a full build counts the new store once, an
incremental build corrects the previous counts for the nodes whose types
changed, looked up in the store before and after. ``count_entities`` reads
them from there, and counts by query only where no build recorded them (a
SPARQL server, an in-memory store, a store built by an older kgraph).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pyoxigraph as ox

from .queries.inline import substitute_parameters

KG = "https://w3id.org/kgraph/ontology#"
ID_PREFIX = "https://w3id.org/kgraph/id/"
ONTOLOGY_GRAPH_SUFFIX = "/graph/ontology"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SUBCLASS_OF = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")

# Each count follows the ontology's class hierarchy, which the store holds in its ontology graph.
COUNTED_CLASSES: dict[str, str] = {
    "events": KG + "Event",
    "places": KG + "Place",
    "people groups": KG + "PeopleGroup",
    "organisations": KG + "Organisation",
    "sources": KG + "Source",
    "claims": KG + "Claim",
    "figures": KG + "Figure",
}
SOURCE_GRAPHS = "source graphs"

_COUNT = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT (COUNT(DISTINCT ?node) AS ?n) WHERE {
    ?node a ?class .
    ?class rdfs:subClassOf* ?counted .
    FILTER (STRSTARTS(STR(?node), "https://w3id.org/kgraph/id/"))
}
"""
_SUBCLASSES = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?class WHERE { ?class rdfs:subClassOf* ?counted }"
)


def count_entities(store: Any) -> dict[str, int]:
    """Entity counts by kind, plus the number of named source graphs: as the last build recorded them, if it did."""
    recorded = _recorded(store)
    if recorded is not None:
        return recorded
    return _counted(store.query, store.named_graphs())


def count_in(store: ox.Store) -> dict[str, int]:
    """The same counts over a pyoxigraph store (a staged build), by query: what a full build records."""
    return _counted(
        lambda text: store.query(text, use_default_graph_as_union=True),
        (g.value for g in store.named_graphs()),  # type: ignore[union-attr]
    )


def _counted(run: Callable[[str], Any], graphs: Iterable[str]) -> dict[str, int]:
    """Each count by one query (``run`` asks the store), and the source graphs among ``graphs``."""
    counts: dict[str, int] = {}
    for name, cls in COUNTED_CLASSES.items():
        rows = list(run(_with_class(_COUNT, cls)))
        counts[name] = int(rows[0]["n"].value) if rows else 0
    counts[SOURCE_GRAPHS] = sum(1 for g in graphs if not g.endswith(ONTOLOGY_GRAPH_SUFFIX))
    return counts


def counts_after_change(
    previous: dict[str, int], before: ox.Store, after: ox.Store, nodes: Iterable[object]
) -> dict[str, int]:
    """``previous`` corrected for ``nodes``, the subjects whose types changed: each counts where it now belongs.

    Only valid while the class hierarchy is unchanged (the caller counts
    anew when a change touches ``rdfs:subClassOf``).
    """
    kinds = _kinds(after)
    counts = dict(previous)
    for node in set(nodes):
        if not isinstance(node, ox.NamedNode) or not node.value.startswith(ID_PREFIX):
            continue
        was, now = _kinds_of(before, node, kinds), _kinds_of(after, node, kinds)
        for name in now - was:
            counts[name] = counts.get(name, 0) + 1
        for name in was - now:
            counts[name] = counts.get(name, 0) - 1
    counts[SOURCE_GRAPHS] = _source_graphs(after)
    return counts


def _kinds(store: ox.Store) -> dict[str, frozenset[str]]:
    """For each count, the classes whose instances it counts (the class and its subclasses)."""
    return {
        name: frozenset(
            row["class"].value  # type: ignore[index]
            for row in store.query(_with_class(_SUBCLASSES, cls), use_default_graph_as_union=True)
        )
        for name, cls in COUNTED_CLASSES.items()
    }


def _with_class(text: str, cls: str) -> str:
    """The query with the counted class in its pattern: Oxigraph binds only projected variables itself."""
    return substitute_parameters(text, {ox.Variable("counted"): ox.NamedNode(cls)})


def _kinds_of(store: ox.Store, node: ox.NamedNode, kinds: dict[str, frozenset[str]]) -> set[str]:
    types = {quad.object.value for quad in store.quads_for_pattern(node, RDF_TYPE, None, None)}
    return {name for name, classes in kinds.items() if types & classes}


def _source_graphs(store: ox.Store) -> int:
    return sum(1 for g in store.named_graphs() if not g.value.endswith(ONTOLOGY_GRAPH_SUFFIX))  # type: ignore[union-attr]


def _recorded(store: Any) -> dict[str, int] | None:
    read = getattr(store, "opened_manifest", None)
    if read is None:
        return None
    from .pipeline.manifest import Manifest

    manifest = Manifest.from_bytes(read())
    if manifest is None or manifest.counts is None or set(manifest.counts) != {*COUNTED_CLASSES, SOURCE_GRAPHS}:
        return None
    return dict(manifest.counts)
