"""RDF files from elsewhere (Turtle, TriG, N-Quads, N-Triples, JSON-LD), each loaded into a graph of its own.

Whatever graphs the file names, its content lands in ``kgr:graph/import/<file
stem>``: the file is one source, and replacing or removing it is one graph
operation. Claims inside keep their own carriers, so provenance survives.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

from ..errors import CardError, Location
from ..namespaces import KGR

IMPORT_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
}


def import_graph_iri(path: Path) -> ox.NamedNode:
    slug = re.sub(r"[^a-z0-9-]+", "-", path.stem.lower()).strip("-") or "import"
    return ox.NamedNode(str(KGR[f"graph/import/{slug}"]))


def read_import(path: Path) -> list[ox.Quad]:
    """All statements of ``path`` moved into its import graph; errors name the file and line."""
    rdf_format = IMPORT_FORMATS.get(path.suffix.lower())
    if rdf_format is None:
        suffix = path.suffix or "no extension"
        raise CardError(f"expected one of {', '.join(IMPORT_FORMATS)} files, got {suffix!r}", Location(path))
    graph = import_graph_iri(path)
    try:
        parsed = list(ox.parse(path=str(path), format=rdf_format))
    except SyntaxError as error:
        raise CardError(f"not valid {rdf_format.name}: {error.msg}", Location(path, error.lineno)) from error
    except OSError as error:
        raise CardError(f"cannot read the file: {error}", Location(path)) from error
    return [ox.Quad(item.subject, item.predicate, item.object, graph) for item in parsed]


def add_imports(dataset: Dataset, paths: list[Path]) -> dict[str, Path]:
    """Parse each file into ``dataset``; returns the graph IRI of each file."""
    graphs: dict[str, Path] = {}
    for path in paths:
        quads = read_import(path)
        graph = import_graph_iri(path).value
        if graph in graphs:
            raise CardError(f"two imports map to the same graph {graph} (also {graphs[graph]})", Location(path))
        graphs[graph] = path
        if quads:
            dataset.parse(data=ox.serialize(quads, format=ox.RdfFormat.N_QUADS), format="nquads")
    return graphs
