"""Exports that lose nothing: every format carries the claim nodes, so provenance survives.

Turtle and N-Triples have no named graphs; they get the union of the graphs,
which is still complete because each claim names its carrier and each graph
describes itself. TriG and N-Quads keep one graph per source card. JSON-LD
is compacted with ``ontology/context.jsonld`` so it reads as plain JSON; the
event frame (``export_frame``) is written from the quads directly with the
same context, every claim in it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any

import pyoxigraph as ox
from pyld import jsonld

from .errors import KgraphError
from .export_frame import frame_events
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
        ontology = store.quads(str(ONTOLOGY_GRAPH)) if frame is not None and source is not None else None
        document = to_jsonld(quads, framed_by=frame, ontology=ontology)
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


def to_jsonld(
    quads: list[ox.Quad], *, framed_by: str | None = None, ontology: list[ox.Quad] | None = None
) -> dict[str, Any]:
    """Compact JSON-LD: named graphs kept as ``@graph`` entries, or events framed with their claims.

    ``ontology`` (the store's ontology graph) says which classes are events and
    claims when ``quads`` are one source card's and do not include it.
    """
    if framed_by == "event":
        ontology_graph = ox.NamedNode(str(ONTOLOGY_GRAPH))
        classes = ontology if ontology is not None else [q for q in quads if q.graph_name == ontology_graph]
        return frame_events(quads, classes, _context())
    nquads = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8")
    # Native types turn xsd:integer and xsd:boolean into JSON numbers and booleans, which read back the same.
    expanded = jsonld.from_rdf(nquads, {"format": "application/n-quads", "useNativeTypes": True})
    return jsonld.compact(expanded, _context())
