"""SHACL validation of compiled data, with each finding traced back to its card line.

pySHACL reports IRIs; an analyst needs ``data/sources/x.yaml:42``. The
compiler's location map makes that translation.

Validation is never silently off: pySHACL with no shapes reports "conforms"
for anything, so an empty, shape-less or unreadable shapes file, or a missing
ontology, is a ResourceError naming the file (exit 2), not a clean build.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.extras.shacl import parse_shacl_path
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from .errors import Location
from .namespaces import ONTOLOGY_GRAPH
from .resources import (
    ResourceError,
    load_turtle_resource,
    ontology_file,
    parse_turtle_resource,
    resource_dir,
    resource_file,
)
from .shacl import Check, Unsupported, compile_checks, run_checks

SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class Finding:
    severity: str
    focus: str
    message: str
    path: str | None
    value: str | None
    shape: str | None
    location: Location | None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.severity}: {self.message} [focus {self.focus}]"


@dataclass
class ValidationReport:
    findings: list[Finding] = field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        """Warnings never block: they are disagreements the sources themselves contain."""
        return not self.violations


SHAPES_FILE = "kgraph-shapes.ttl"
# Where a plain graph goes in the scratch store: queries read the union of named graphs.
PLAIN_GRAPH = "urn:kgraph:validation#data"
SHAPE_CLASSES = (SH.NodeShape, SH.PropertyShape)


def shapes_graph() -> Graph:
    """Every ``shapes/*.ttl``; each must parse and declare shapes, and ``kgraph-shapes.ttl`` must be there."""
    resource_file("shapes", SHAPES_FILE)
    graph = Graph()
    for path in sorted(resource_dir("shapes").glob("*.ttl")):
        shapes = parse_turtle_resource(path)
        if not any(any(shapes.subjects(RDF.type, cls)) for cls in SHAPE_CLASSES):
            raise ResourceError(
                "no SHACL shapes in this file: expected sh:NodeShape or sh:PropertyShape declarations "
                "(validating without them would pass any data)",
                Location(path),
            )
        graph += shapes
    return graph


def union_graph(dataset: Dataset) -> Graph:
    """SHACL sees one graph; cross-card checks (parts versus whole) need them together."""
    union = Graph()
    for graph in dataset.graphs():
        union += graph
    return union


def validate_graph(
    data: Graph | Dataset,
    locate: Callable[[URIRef], Location | None] = lambda _: None,
    *,
    engine: str = "store",
) -> ValidationReport:
    """Validate ``data`` (a graph, or a dataset taken as the union of its graphs) against the project's shapes.

    ``engine="store"`` loads the data and the ontology into an in-memory
    Oxigraph store and runs the shapes as SPARQL queries there
    (:mod:`kgraph.shacl`); shapes it cannot translate, or ``engine="pyshacl"``,
    run pySHACL instead. Both give the same findings (the oracle test).

    Raises ResourceError when the shapes or the ontology are missing or unreadable.

    >>> from rdflib import Graph
    >>> validate_graph(Graph()).conforms
    True
    """
    shapes = shapes_graph()
    checks = _store_checks(shapes) if engine == "store" else None
    if checks is None:
        return _validate_with_pyshacl(data, shapes, locate)
    store = ox.Store()
    if isinstance(data, Dataset):
        store.bulk_load(data.serialize(format="nquads", encoding="utf-8"), format=ox.RdfFormat.N_QUADS)
    else:
        plain = data.serialize(format="nt", encoding="utf-8")
        store.bulk_load(plain, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(PLAIN_GRAPH))
    load_turtle_resource(store, ontology_file(), ox.NamedNode(str(ONTOLOGY_GRAPH)))
    return validate_store(store, locate, shapes=shapes, checks=checks)


def validate_store(
    store: ox.Store,
    locate: Callable[[URIRef], Location | None] = lambda _: None,
    *,
    marker: Callable[[Check], str | None] | None = None,
    shapes: Graph | None = None,
    checks: list[Check] | None = None,
) -> ValidationReport:
    """Validate what an Oxigraph store holds (the ontology among its graphs) with the shapes as queries.

    ``marker`` narrows checks to marked focus nodes (see :func:`kgraph.shacl.run_checks`).
    Raises Unsupported when the shapes use a feature the queries do not translate.
    """
    shapes = shapes if shapes is not None else shapes_graph()
    checks = checks if checks is not None else compile_checks(shapes)
    findings = [
        Finding(
            severity=SEVERITY_NAMES.get(result.severity, str(result.severity)),
            focus=str(result.focus),
            message=result.message if result.message is not None else "constraint not met",
            path=result.path,
            value=str(result.value) if result.value is not None else None,
            shape=str(result.shape) if isinstance(result.shape, URIRef) else None,
            location=locate(result.focus) if isinstance(result.focus, URIRef) else None,
        )
        for result in run_checks(store, checks, shapes, marker=marker)
    ]
    return ValidationReport(sorted(findings, key=_sort_key))


def report_of(findings: list[Finding]) -> ValidationReport:
    """Findings in the order a report shows them: violations first, then by file and line."""
    return ValidationReport(sorted(findings, key=_sort_key))


def _store_checks(shapes: Graph) -> list[Check] | None:
    try:
        return compile_checks(shapes)
    except Unsupported:
        return None


def _validate_with_pyshacl(
    data: Graph | Dataset, shapes: Graph, locate: Callable[[URIRef], Location | None]
) -> ValidationReport:
    """pySHACL over one private copy of the data with the whole ontology merged in.

    pySHACL's ``ont_graph`` mixes in only the class hierarchy, and the shapes also
    ask which properties are ``kg:ClaimedProperty``. Given a dataset, that copy is
    the only one.
    """
    from pyshacl import validate as shacl_validate  # heavy import; queries and exports never need it

    combined = union_graph(data) if isinstance(data, Dataset) else _copy(data)
    combined += parse_turtle_resource(ontology_file())
    _conforms, results, _text = shacl_validate(
        combined,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        # The copy is ours: without this, advanced mode clones it again (for sh:rule, which the shapes never use).
        inplace=True,
    )
    return ValidationReport(sorted(_findings(results, locate), key=_sort_key))


def _copy(data: Graph) -> Graph:
    """``+=`` copies no prefixes; pySHACL would word its default messages with them if it did."""
    copy = Graph()
    copy += data
    return copy


def _findings(results: Graph, locate: Callable[[URIRef], Location | None]) -> Iterable[Finding]:
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        severity = results.value(result, SH.resultSeverity)
        message = results.value(result, SH.resultMessage)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        shape = results.value(result, SH.sourceShape)
        yield Finding(
            severity=SEVERITY_NAMES.get(severity, str(severity)),
            focus=str(focus),
            message=str(message) if message is not None else "constraint not met",
            path=_path_text(results, path),
            value=str(value) if value is not None else None,
            shape=str(shape) if isinstance(shape, URIRef) else None,
            location=locate(focus) if isinstance(focus, URIRef) else None,
        )


def _path_text(results: Graph, path: Node | None) -> str | None:
    """A sequence path is a blank node, a new one on every run: show it as a SPARQL path instead."""
    if isinstance(path, BNode):
        return parse_shacl_path(results, path).n3()
    return None if path is None else str(path)


def _sort_key(finding: Finding) -> tuple[int, str, int, str]:
    order = {"Violation": 0, "Warning": 1}.get(finding.severity, 2)
    loc = finding.location
    return (order, str(loc.file) if loc else "", (loc.line or 0) if loc else 0, finding.message)


__all__ = ["Finding", "ValidationReport", "report_of", "union_graph", "validate_graph", "validate_store"]
