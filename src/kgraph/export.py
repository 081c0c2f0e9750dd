"""Exports that lose nothing: every format carries the claim nodes, so provenance survives.

Turtle and N-Triples have no named graphs; they get the union of the graphs,
which is still complete because each claim names its carrier and each graph
describes itself. TriG and N-Quads keep one graph per source card. JSON-LD
is compacted with ``ontology/context.jsonld`` so it reads as plain JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any

import pyoxigraph as ox
from pyld import jsonld

from .errors import KgraphError
from .namespaces import ONTOLOGY_GRAPH, PREFIXES, graph_iri
from .resources import context_file
from .stores import Store

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "ntriples": ox.RdfFormat.N_TRIPLES,
}
EXPORT_FORMATS = (*RDF_FORMATS, "jsonld")
FRAMES = ("event",)


class ExportError(KgraphError):
    """An export was asked for in a form kgraph cannot give."""


def export(store: Store, fmt: str, *, source: str | None = None, frame: str | None = None) -> bytes:
    """The store (or one source card's graph) in ``fmt``; raises ExportError for unknown choices."""
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; expected one of: {', '.join(EXPORT_FORMATS)}")
    if frame is not None and (fmt != "jsonld" or frame not in FRAMES):
        raise ExportError(f"--frame {frame!r} needs --format jsonld and one of: {', '.join(FRAMES)}")
    quads = _quads(store, source)
    if fmt == "jsonld":
        document = to_jsonld(quads, framed_by=frame)
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    rdf_format = RDF_FORMATS[fmt]
    items: Iterable[Any] = quads if rdf_format.supports_datasets else _union(quads)
    return ox.serialize(items, format=rdf_format, prefixes=PREFIXES if fmt in ("turtle", "trig") else None)


def _quads(store: Store, source: str | None) -> list[ox.Quad]:
    if source is None:
        return store.quads()
    graph = str(graph_iri(source))
    graphs = store.named_graphs()
    if graph not in graphs:
        known = ", ".join(g.rsplit("/", 1)[-1] for g in graphs)
        raise ExportError(f"no source card {source!r} in the store; cards: {known}")
    return store.quads(graph)


def _union(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """Triples of all graphs, each once, in a stable order."""
    return sorted({quad.triple for quad in quads}, key=str)


@cache
def _context() -> dict[str, Any]:
    return json.loads(context_file().read_text(encoding="utf-8"))


def to_jsonld(quads: list[ox.Quad], *, framed_by: str | None = None) -> dict[str, Any]:
    """Compact JSON-LD: named graphs kept as ``@graph`` entries, or events framed with their claims."""
    if framed_by == "event":
        return _frame_events(quads)
    nquads = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8")
    # Native types turn xsd:integer and xsd:boolean into JSON numbers and booleans, which read back the same.
    expanded = jsonld.from_rdf(nquads, {"format": "application/n-quads", "useNativeTypes": True})
    return jsonld.compact(expanded, _context())


def _frame_events(quads: list[ox.Quad]) -> dict[str, Any]:
    """One object per event with its claims (and their figures, dates, quotes) inside.

    Agents, sources and places stay references by ID: embedding them in every
    claim would repeat each organisation hundreds of times.
    """
    ontology = ox.NamedNode(str(ONTOLOGY_GRAPH))
    data = [quad for quad in quads if quad.graph_name != ontology]
    nquads = ox.serialize(_union(data), format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    expanded = jsonld.from_rdf(nquads, {"format": "application/n-quads", "useNativeTypes": True})
    embedded = {"@embed": "@always"}
    referenced = {"@embed": "@never"}
    frame = {
        **_context(),
        "@type": _event_types(quads),
        "@embed": "@never",
        "claims": {
            **embedded,
            "subject": referenced,
            "attributedTo": referenced,
            "carriedBy": referenced,
            "madeIn": referenced,
            "corrects": referenced,
            "object": {**embedded, "participant": referenced, "counts": referenced, "usedBy": referenced},
            "quote": {**embedded, "hasSource": referenced, "hasSelector": embedded},
            "claimedAt": embedded,
        },
    }
    return jsonld.frame(expanded, frame, {"omitDefault": True})


def _event_types(quads: list[ox.Quad]) -> list[str]:
    """Every event class in the exported data's ontology graph, as the frame's type filter."""
    scratch = ox.Store()
    scratch.extend(quads)
    answer = scratch.query(
        "PREFIX kg: <https://w3id.org/kgraph/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT DISTINCT ?type WHERE { ?type rdfs:subClassOf* kg:Event }",
        use_default_graph_as_union=True,
    )
    types = sorted(row["type"].value for row in answer)
    return types or [PREFIXES["kg"] + "Event"]
