"""RDF files from elsewhere (Turtle, TriG, N-Quads, N-Triples, JSON-LD), each loaded into a graph of its own.

Whatever graphs the file names, its content lands in ``kgr:graph/import/<file
stem>``: the file is one source, and replacing or removing it is one graph
operation. Claims inside keep their own carriers, so provenance survives.

An import is anybody's file: before it joins the dataset ``import_guard``
checks that it forges nothing (no statements in another card's namespace, no
axioms about ``kg:`` terms, no ``kg:offsetsVerified``, evidence of its own),
and ``import_quotes`` checks its quotes against the texts. A refusal names the
file, the line of the statement where the format has lines, and what was
expected.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, URIRef

from ..errors import CardError, Location
from ..namespaces import KGR
from .import_guard import CompiledFacts, ImportFile, check_import
from .import_lines import statement_line
from .import_quotes import mark_quotes
from .quotes import TextLibrary

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


def add_imports(
    dataset: Dataset,
    paths: list[Path],
    texts: TextLibrary | None = None,
    locations: dict[URIRef, Location] | None = None,
) -> dict[str, Path]:
    """Parse, check and add each file to ``dataset``; returns the graph IRI of each file.

    ``dataset`` holds the compiled cards and reference files, which the imports
    may not change; ``texts`` are the texts to check the imports' quotes
    against (without it every quote of an import is marked unverified);
    ``locations``, the compiler's map from node to file, gets each import's
    own nodes, so that a shape's finding about one names the import.
    Nothing is added unless every file passes.
    """
    if not paths:
        return {}
    checked = check_imports(CompiledFacts.of(dataset), paths, texts)
    for path, nquads, nodes in checked.values():
        if locations is not None:
            for node in nodes:
                locations.setdefault(URIRef(node), Location(path))
        if nquads:
            dataset.parse(data=nquads, format="nquads")
    return {graph: path for graph, (path, _nquads, _nodes) in checked.items()}


def check_imports(
    known: CompiledFacts, paths: list[Path], texts: TextLibrary | None = None
) -> dict[str, tuple[Path, bytes, list[str]]]:
    """Parse and check each file against ``known``; for each graph: its file, its N-Quads and its subject IRIs.

    Raises CardError for the first statement an import may not make.
    """
    files: list[ImportFile] = []
    graphs: dict[str, Path] = {}
    for path in paths:
        quads = read_import(path)
        graph = import_graph_iri(path)
        if graph.value in graphs:
            raise CardError(
                f"two imports map to the same graph {graph.value} (also {graphs[graph.value]})", Location(path)
            )
        graphs[graph.value] = path
        files.append(ImportFile(path, graph, quads))
    for item in files:
        locate = _locator(item.path)
        refusal = check_import(item, known, files)
        if refusal is not None:
            raise CardError(refusal.message, locate(refusal.triple))
        item.quads.extend(mark_quotes(item, known, texts, locate))
    return {
        item.graph.value: (
            item.path,
            ox.serialize(item.quads, format=ox.RdfFormat.N_QUADS) if item.quads else b"",
            sorted(s.value for s in item.subjects if isinstance(s, ox.NamedNode)),
        )
        for item in files
    }


def _locator(path: Path) -> Callable[[ox.Triple], Location]:
    """Where a statement of ``path`` is, for a message: the file and, where the format has lines, its line."""
    rdf_format = IMPORT_FORMATS[path.suffix.lower()]

    def locate(triple: ox.Triple) -> Location:
        return Location(path, statement_line(path, rdf_format, triple))

    return locate
