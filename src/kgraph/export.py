"""Exports that lose nothing: every format carries the claim nodes, so provenance survives.

Turtle and N-Triples have no named graphs; they get the union of the graphs,
which is still complete because each claim names its carrier and each graph
describes itself. TriG and N-Quads keep one graph per source card. JSON-LD
is compacted with ``ontology/context.jsonld`` so it reads as plain JSON; the
event frame (``export_frame``) is written from the quads directly with the
same context, every claim in it.

Every format streams: :func:`write_export` writes to a binary file one named
graph (one event, for the frame) at a time, so an export of a large store
needs the memory of its largest card, not of the store. The writers live in
``export_rdf``, ``export_jsonld`` and ``export_frame``; this module checks
the choices and picks the graphs.
"""

from __future__ import annotations

import io
from typing import IO

import pyoxigraph as ox

from .errors import KgraphError
from .export_context import kgraph_context
from .export_frame import write_frame
from .export_jsonld import write_compacted
from .export_rdf import write_rdf
from .namespaces import ONTOLOGY_GRAPH, PREFIXES, graph_iri
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
    """The store (or one source card's graph) in ``fmt``; raises ExportError for unknown choices.

    The same bytes :func:`write_export` streams, gathered in memory.
    """
    buffer = io.BytesIO()
    write_export(store, fmt, buffer, source=source, frame=frame)
    return buffer.getvalue()


def write_export(
    store: Store, fmt: str, out: IO[bytes], *, source: str | None = None, frame: str | None = None
) -> None:
    """Write the store (or one source card's graph) in ``fmt`` to the binary file ``out``, a graph at a time.

    Raises ExportError for an unknown format, frame or source card, before
    anything is written.
    """
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; expected one of: {', '.join(EXPORT_FORMATS)}")
    if frame is not None and (fmt != "jsonld" or frame not in FRAMES):
        raise ExportError(f"--frame {frame!r} needs --format jsonld and one of: {', '.join(FRAMES)}")
    graphs = _graphs(store, source)
    if fmt != "jsonld":
        prefixes = PREFIXES if fmt in ("turtle", "trig") else None
        write_rdf(out, store, graphs, RDF_FORMATS[fmt], prefixes=prefixes)
    elif frame == "event":
        write_frame(out, store, graphs, str(ONTOLOGY_GRAPH), kgraph_context())
    else:
        write_compacted(out, ((graph, store.quads(graph)) for graph in graphs), kgraph_context())


def _graphs(store: Store, source: str | None) -> list[str]:
    """The named graphs to export: all of them, or the one of ``source``."""
    graphs = store.named_graphs()
    if source is None:
        return graphs
    graph = str(graph_iri(source))
    if graph not in graphs:
        known = ", ".join(g.rsplit("/", 1)[-1] for g in graphs)
        raise ExportError(f"no source card {source!r} in the store; cards: {known}")
    return [graph]
